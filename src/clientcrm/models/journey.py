"""Journey stages and milestones (SPEC section 7): what a client's history has earned them."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import attrs

from clientcrm.models.loyalty import Tier, TierChange
from clientcrm.models.shares import share

__all__ = [
    "Journey",
    "JourneyHistory",
    "Milestone",
    "MilestoneKind",
    "Stage",
    "StageChange",
    "StageConversion",
]


class Stage(enum.StrEnum):
    """Where a client is in their relationship with the workspace."""

    DISCOVERY = "discovery"
    ENGAGEMENT = "engagement"
    ACTIVATION = "activation"
    RETENTION = "retention"
    ADVOCACY = "advocacy"
    CHURNED = "churned"

    @property
    def rank(self) -> int:
        """The stage's place on the way forward (Churned is off the way: -1)."""
        return _RANK[self]


_RANK = {stage: n for n, stage in enumerate(Stage)} | {Stage.CHURNED: -1}


class MilestoneKind(enum.StrEnum):
    """A milestone; each is awarded to a client at most once."""

    FIRST_BOOKING = "first_booking"
    FIRST_ORDER = "first_order"
    FIRST_REPEAT = "first_repeat"
    HIGH_VALUE_PURCHASE = "high_value_purchase"
    PURCHASES_10 = "purchases_10"
    PURCHASES_25 = "purchases_25"
    PURCHASES_50 = "purchases_50"
    ANNIVERSARY_1 = "anniversary_1"
    ANNIVERSARY_2 = "anniversary_2"
    VIP_STATUS = "vip_status"
    REFERRAL_MADE = "referral_made"
    FIRST_REVIEW = "first_review"
    SOCIAL_SHARE = "social_share"
    LOYALTY_TIER_UPGRADE = "loyalty_tier_upgrade"
    PERFECT_ATTENDANCE = "perfect_attendance"
    HIGH_ENGAGEMENT_MONTH = "high_engagement_month"


@attrs.frozen
class StageChange:
    """One move of a client from one stage to another.

    Attributes:
        workspace_id: the workspace.
        client_id: the client.
        seq: the change's place in the client's history, from 0 (the first stage).
        previous: the stage before (``None`` for the first).
        stage: the stage after.
        at: when: the triggering event's time, or the moment a time window passed.
        trigger: what caused it, e.g. ``"attended:bk-17"`` or ``"inactive"``.
    """

    workspace_id: str
    client_id: str
    seq: int
    previous: Stage | None
    stage: Stage
    at: datetime
    trigger: str


@attrs.frozen
class Milestone:
    """A milestone a client reached, dated by the event that earned it.

    Attributes:
        workspace_id: the workspace.
        client_id: the client.
        kind: which milestone.
        at: when it was earned.
        trigger: the event that earned it, e.g. ``"order_paid:o-9"`` or ``"anniversary"``.
    """

    workspace_id: str
    client_id: str
    kind: MilestoneKind
    at: datetime
    trigger: str


@attrs.frozen
class Journey:
    """A client's journey as materialised beside their figures: the current stage and the
    running counts that let the next event be evaluated without reading the whole history.

    Attributes:
        stage: the current stage.
        stage_at: when the client entered it.
        changes: how many stage changes the history holds (the next one's ``seq``).
        interactions: bookings made, orders placed and forms sent.
        purchases: completed bookings (money kept) and paid orders.
        value: what those purchases brought, in the workspace currency.
        attended: completed bookings.
        missed: cancelled and no-show bookings.
        first_purchase_at: the first purchase (anniversaries count from it).
        last_purchase_at: the latest purchase.
        last_activity_at: the latest event of any kind (the churn window counts from it).
        months: activities per calendar month (``"2026-03"``) of the recent months.
        milestones: the milestones awarded.
        points: loyalty points earned by purchases, over the client's whole history.
        redeemed: loyalty points redeemed.
        earned: points earned per calendar month of the recent months (the tier's window).
        tier: the loyalty tier.
        tiers: every move between tiers, oldest first.
        until: the moment the journey is evaluated through: its latest item, or the latest
            ``now`` of the scheduled job, whichever is later.
        scheduled: the latest ``now`` the scheduled job evaluated it through, if any.
        due: the next moment time alone changes the journey (churn, an anniversary, points
            leaving the tier's window), if any.
    """

    stage: Stage
    stage_at: datetime
    last_activity_at: datetime
    until: datetime
    changes: int = 1
    interactions: int = 0
    purchases: int = 0
    value: Decimal = Decimal(0)
    attended: int = 0
    missed: int = 0
    first_purchase_at: datetime | None = None
    last_purchase_at: datetime | None = None
    months: tuple[tuple[str, int], ...] = ()
    milestones: frozenset[MilestoneKind] = frozenset()
    points: int = 0
    redeemed: int = 0
    earned: tuple[tuple[str, int], ...] = ()
    tier: Tier = Tier.BRONZE
    tiers: tuple[TierChange, ...] = ()
    scheduled: datetime | None = None
    due: datetime | None = None

    @property
    def available(self) -> int:
        """Points the client may still redeem (never below zero, even when a refund took
        back points already redeemed)."""
        return max(self.points - self.redeemed, 0)


@attrs.frozen
class JourneyHistory:
    """A client's stored stage changes (oldest first) and milestones (by date)."""

    changes: tuple[StageChange, ...] = ()
    milestones: tuple[Milestone, ...] = ()

    @classmethod
    def group(
        cls, changes: Iterable[StageChange], milestones: Iterable[Milestone]
    ) -> dict[tuple[str, str], JourneyHistory]:
        """The given changes and milestones as one history per (workspace_id, client_id)."""
        grouped: dict[tuple[str, str], tuple[list[StageChange], list[Milestone]]] = {}
        for change in changes:
            grouped.setdefault((change.workspace_id, change.client_id), ([], []))[0].append(change)
        for milestone in milestones:
            key = (milestone.workspace_id, milestone.client_id)
            grouped.setdefault(key, ([], []))[1].append(milestone)
        return {key: cls().extended(cls(tuple(c), tuple(m))) for key, (c, m) in grouped.items()}

    def extended(self, more: JourneyHistory) -> JourneyHistory:
        """This history with ``more`` added: changes by ``seq``, milestones by (at, kind)."""
        return JourneyHistory(
            tuple(sorted((*self.changes, *more.changes), key=lambda c: c.seq)),
            tuple(sorted((*self.milestones, *more.milestones), key=lambda m: (m.at, m.kind))),
        )


@attrs.frozen
class StageConversion:
    """How clients moved through one stage between two dates.

    Attributes:
        stage: the stage.
        entered: clients who entered it in the period.
        moved_on: of those, the ones who moved forward from it within the period.
    """

    stage: Stage
    entered: int
    moved_on: int

    @property
    def rate(self) -> Decimal | None:
        """``moved_on / entered`` to four places, ``None`` when nobody entered."""
        return share(self.moved_on, self.entered)
