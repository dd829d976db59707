"""Policy objects: every threshold a workspace may change, with the SPEC's defaults."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from clientcrm.errors import ValidationError

__all__ = [
    "CreditPolicy",
    "InsightPolicy",
    "JourneyPolicy",
    "LoyaltyPolicy",
    "MatchMode",
    "MatchPolicy",
    "MessagePolicy",
    "MilestonePolicy",
    "NotePolicy",
    "NoteVisibility",
    "Policies",
    "StatusPolicy",
]


def _positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(attribute.name, "must be at least 1")


@attrs.frozen
class StatusPolicy:
    """Thresholds of the status pills (SPEC section 6).

    Attributes:
        lapsed_after_days: a client whose last counted booking is this many calendar days
            ago or more (in the workspace timezone) is LAPSED.
        regular_min_bookings: counted bookings that make a client REGULAR.
        growing_min_bookings: the low end of the "growing" filter.
        growing_max_bookings: the high end of the "growing" filter.
    """

    lapsed_after_days: int = attrs.field(default=90, validator=_positive)
    regular_min_bookings: int = attrs.field(default=5, validator=_positive)
    growing_min_bookings: int = attrs.field(default=3, validator=_positive)
    growing_max_bookings: int = attrs.field(default=5, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.growing_min_bookings > self.growing_max_bookings:
            raise ValidationError("growing_min_bookings", "must not exceed growing_max_bookings")


class NoteVisibility(enum.StrEnum):
    """Who may read a note: its author only, or every staff member allowed to view notes."""

    PRIVATE = "private"
    TEAM = "team"


@attrs.frozen
class NotePolicy:
    """Rules of notes (SPEC section 9).

    Attributes:
        max_length: the longest note, in characters.
        default_visibility: the visibility of a note when none is given.
        owner_can_delete: whether owners and admins may delete notes they did not write.
    """

    max_length: int = attrs.field(default=2000, validator=_positive)
    default_visibility: NoteVisibility = NoteVisibility.PRIVATE
    owner_can_delete: bool = False


class MatchMode(enum.StrEnum):
    """How bookings from unknown emails find their client (SPEC section 8)."""

    SMART = "smart"
    """Score against the workspace: link exact matches, queue partial ones for review."""
    EMAIL_ONLY = "email_only"
    """Never link and never suggest: an unknown email is a new client (seed 000)."""


def _fraction(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 < value < 1:
        raise ValidationError(attribute.name, "must be between 0 and 1, exclusive")


@attrs.frozen
class MatchPolicy:
    """Smart client detection (SPEC section 8).

    Attributes:
        mode: smart, or email only.
        partial_threshold: the lowest score of a partial match; below it, a new client.
        cluster_floor: in bulk deduplication, the lowest score of any pair inside a
            cluster. The default, about the score of one name written two ways (Jenny and
            Jennifer White) with nothing else to go on, lets one person's phone-only and
            email-only copies meet through the record that has both, while a pair that
            disagrees (two given names, two birth dates, a household's shared email) keeps
            its records apart. Set it to the partial
            threshold for clusters in which every pair matches.
    """

    mode: MatchMode = MatchMode.SMART
    partial_threshold: float = attrs.field(default=0.75, validator=_fraction)
    cluster_floor: float = attrs.field(default=0.4, validator=_fraction)

    @cluster_floor.validator
    def _below_threshold(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value > self.partial_threshold:
            raise ValidationError(attribute.name, "must not be above the partial threshold")


def _amount(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _positive_amount(_: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not value.is_finite() or value <= 0:
        raise ValidationError(attribute.name, "must be a positive amount")


@attrs.frozen
class JourneyPolicy:
    """When clients move between journey stages (SPEC section 7).

    Attributes:
        engagement_interactions: interactions (bookings made, orders placed, forms sent)
            that make a client without a purchase ENGAGED.
        retention_purchases: purchases (completed bookings and paid orders) that, with the
            latest inside the churn window, make a client RETAINED.
        advocacy_purchases: purchases that make a client an ADVOCATE.
        advocacy_spend: what their purchases brought, in the workspace currency, that makes
            a client an ADVOCATE.
        churn_after_days: days without any activity after which a client has CHURNED (the
            moment the window passes, 24-hour days).
    """

    engagement_interactions: int = attrs.field(default=2, validator=_positive)
    retention_purchases: int = attrs.field(default=3, validator=_positive)
    advocacy_purchases: int = attrs.field(default=50, validator=_positive)
    advocacy_spend: Decimal = attrs.field(
        default=Decimal(5000), converter=_amount, validator=_positive_amount
    )
    churn_after_days: int = attrs.field(default=180, validator=_positive)


@attrs.frozen
class MilestonePolicy:
    """The thresholds of milestones (SPEC section 7, seed 002).

    Attributes:
        high_value_purchase: one purchase worth this much or more (workspace currency) is a
            High-Value Purchase.
        vip_purchases: purchases that earn VIP Status.
        vip_spend: what purchases brought that earns VIP Status.
        perfect_attendance_bookings: completed bookings, with none cancelled or missed, that
            earn Perfect Attendance.
        engagement_factor: a month with this many times the client's monthly average over
            the trailing months is a High Engagement Month...
        engagement_min_activities: ...when it also holds at least this many activities.
        engagement_trailing_months: the months the average is taken over; the client must
            have been known for all of them.
    """

    high_value_purchase: Decimal = attrs.field(
        default=Decimal(500), converter=_amount, validator=_positive_amount
    )
    vip_purchases: int = attrs.field(default=50, validator=_positive)
    vip_spend: Decimal = attrs.field(
        default=Decimal(5000), converter=_amount, validator=_positive_amount
    )
    perfect_attendance_bookings: int = attrs.field(default=5, validator=_positive)
    engagement_factor: int = attrs.field(default=2, validator=_positive)
    engagement_min_activities: int = attrs.field(default=3, validator=_positive)
    engagement_trailing_months: int = attrs.field(default=6, validator=_positive)


@attrs.frozen
class LoyaltyPolicy:
    """How clients earn loyalty points and tiers (SPEC section 11).

    Attributes:
        points_per_unit: points a purchase earns per unit of the workspace currency (whole
            points: fractions are dropped).
        points_per_visit: points a completed booking earns besides its price.
        silver: points earned inside the window that make a client Silver...
        gold: ...Gold...
        platinum: ...and Platinum.
        window_months: the calendar months (the current one included, in the workspace
            timezone) whose points count towards the tier; when older points leave the
            window a client may move down. ``None`` counts every point ever earned.
    """

    points_per_unit: Decimal = attrs.field(default=Decimal(1), converter=_amount)
    points_per_visit: int = attrs.field(default=10)
    silver: int = attrs.field(default=500, validator=_positive)
    gold: int = attrs.field(default=2000, validator=_positive)
    platinum: int = attrs.field(default=5000, validator=_positive)
    window_months: int | None = attrs.field(default=12)

    def __attrs_post_init__(self) -> None:
        if not self.points_per_unit.is_finite() or self.points_per_unit < 0:
            raise ValidationError("points_per_unit", "must not be negative")
        if self.points_per_visit < 0:
            raise ValidationError("points_per_visit", "must not be negative")
        if not self.silver < self.gold < self.platinum:
            raise ValidationError("gold", "tier thresholds must rise: silver < gold < platinum")
        if self.window_months is not None and self.window_months < 1:
            raise ValidationError("window_months", "must be at least 1, or None")


@attrs.frozen
class CreditPolicy:
    """Rules of credit packages (seed 001).

    Attributes:
        overdraft: how far below zero a package's balance may go (0: never).
        restore_notice_hours: a booking cancelled at least this many hours before it starts
            gets its credits back; a later cancellation forfeits them.
    """

    overdraft: int = attrs.field(default=0)
    restore_notice_hours: int = attrs.field(default=12)

    def __attrs_post_init__(self) -> None:
        for name in ("overdraft", "restore_notice_hours"):
            if type(getattr(self, name)) is not int or getattr(self, name) < 0:
                raise ValidationError(name, "must be a whole number, not negative")


@attrs.frozen
class InsightPolicy:
    """Thresholds of the insights page and of the early warning (SPEC section 10).

    Attributes:
        top_clients: how many clients the top list shows.
        at_risk_more_than: a client is at risk with more bookings made than this...
        at_risk_rate: ...and a share of them cancelled or not turned up to above this.
        at_risk_shown: how many at-risk clients the page lists (all are counted).
        conversion_days: the page's stage conversion covers this many days before now.
        slipping_min_visits: completed bookings a client needs before their rhythm is known.
        slipping_factor: a client is slipping once away this many of their usual gaps (and
            longer than their longest gap so far)...
        slipping_min_days: ...and at least this many days (a regular who skips a week or
            two is not slipping).
    """

    top_clients: int = attrs.field(default=5, validator=_positive)
    at_risk_more_than: int = attrs.field(default=3)
    at_risk_rate: Decimal = attrs.field(default=Decimal("0.30"), converter=Decimal)
    at_risk_shown: int = attrs.field(default=50, validator=_positive)
    conversion_days: int = attrs.field(default=30, validator=_positive)
    slipping_min_visits: int = attrs.field(default=4)
    slipping_factor: Decimal = attrs.field(default=Decimal(2), converter=Decimal)
    slipping_min_days: int = attrs.field(default=21, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.at_risk_more_than < 0:
            raise ValidationError("at_risk_more_than", "must not be negative")
        if not (self.at_risk_rate.is_finite() and 0 <= self.at_risk_rate < 1):
            raise ValidationError("at_risk_rate", "must be a share from 0 up to (not) 1")
        if self.slipping_min_visits < 3:
            raise ValidationError("slipping_min_visits", "must be at least 3 (two gaps)")
        if not (self.slipping_factor.is_finite() and self.slipping_factor > 1):
            raise ValidationError("slipping_factor", "must be more than 1")


@attrs.frozen
class MessagePolicy:
    """The contact-frequency guard (seed 000: 1-3 re-engagement messages a quarter).

    Attributes:
        re_engagement_limit: at most this many re-engagement messages to one client...
        window_months: ...in any this many calendar months (workspace timezone).
    """

    re_engagement_limit: int = attrs.field(default=3, validator=_positive)
    window_months: int = attrs.field(default=3, validator=_positive)


@attrs.frozen
class Policies:
    """Every policy of one workspace."""

    status: StatusPolicy = attrs.Factory(StatusPolicy)
    notes: NotePolicy = attrs.Factory(NotePolicy)
    matching: MatchPolicy = attrs.Factory(MatchPolicy)
    journey: JourneyPolicy = attrs.Factory(JourneyPolicy)
    milestones: MilestonePolicy = attrs.Factory(MilestonePolicy)
    loyalty: LoyaltyPolicy = attrs.Factory(LoyaltyPolicy)
    credits: CreditPolicy = attrs.Factory(CreditPolicy)
    insights: InsightPolicy = attrs.Factory(InsightPolicy)
    messages: MessagePolicy = attrs.Factory(MessagePolicy)
