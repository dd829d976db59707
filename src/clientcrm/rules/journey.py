"""Journey stages and milestones (SPEC section 7): a pure fold over a client's dated history.

A client's history is a list of dated `Item`s drawn from their bookings, orders and
activities. `replay` folds them, oldest first, into a `Progress`: the stage history and the
milestones, each dated by the item that earned it. Time alone moves a journey too (the churn
window passing, anniversaries): `Progress.advance` applies those moments up to an instant.

The fold depends only on the set of items and the instant it is evaluated through, so any
order or repetition of the events behind them gives the same journey. `Progress.resume`
carries a stored journey on with items newer than it, which gives what `replay` gives.

The fold's classes are dataclasses, not attrs classes, because mypyc compiles dataclasses
into native classes: this module and `clientcrm.rules.loyalty` are what the compiled build
compiles (see ``docs/performance.md``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from clientcrm.models.activity import Activity, ActivityKind
from clientcrm.models.booking import Booking, BookingStatus
from clientcrm.models.journey import Journey, Milestone, MilestoneKind, Stage, StageChange
from clientcrm.models.loyalty import Tier
from clientcrm.models.order import Order, OrderStatus
from clientcrm.models.workspace import Workspace
from clientcrm.policies import JourneyPolicy, LoyaltyPolicy, MilestonePolicy
from clientcrm.rules.calendar import CalendarMonth, calendar_month, month_key
from clientcrm.rules.figures import kept
from clientcrm.rules.loyalty import Loyalty, points_for

__all__ = [
    "Item",
    "ItemKind",
    "JourneyRules",
    "Progress",
    "activity_items",
    "anniversary",
    "booking_items",
    "order_items",
    "replay",
]

_ZERO = Decimal(0)
_RECHECK = datetime.min.replace(tzinfo=UTC)
_NEVER = datetime.max.replace(tzinfo=UTC)


class ItemKind(enum.IntEnum):
    """What a history item is; at one instant, items are taken in this order."""

    BOOKED = 1
    ORDERED = 2
    FORM = 3
    ATTENDED = 4
    ORDER_PAID = 5
    MISSED = 6
    REFERRAL = 7
    REVIEW = 8
    SOCIAL_SHARE = 9
    REDEEMED = 10


_TRIGGER = {kind: kind.name.lower() for kind in ItemKind}
_RANK = {stage: stage.rank for stage in Stage}
_CHURNED = Stage.CHURNED
_FIRST_BOOKING = MilestoneKind.FIRST_BOOKING
_PERFECT = MilestoneKind.PERFECT_ATTENDANCE
_INTERACTIONS = frozenset({ItemKind.BOOKED, ItemKind.ORDERED, ItemKind.FORM})
_ACTIVITIES = _INTERACTIONS | {ItemKind.REFERRAL, ItemKind.REVIEW, ItemKind.SOCIAL_SHARE}
_EARNS = {
    ItemKind.ORDER_PAID: MilestoneKind.FIRST_ORDER,
    ItemKind.REFERRAL: MilestoneKind.REFERRAL_MADE,
    ItemKind.REVIEW: MilestoneKind.FIRST_REVIEW,
    ItemKind.SOCIAL_SHARE: MilestoneKind.SOCIAL_SHARE,
}
_COUNTS = {
    10: MilestoneKind.PURCHASES_10,
    25: MilestoneKind.PURCHASES_25,
    50: MilestoneKind.PURCHASES_50,
}
_ANNIVERSARIES = ((1, MilestoneKind.ANNIVERSARY_1), (2, MilestoneKind.ANNIVERSARY_2))
_SOONEST = {years: timedelta(days=365 * years - 3) for years, _ in _ANNIVERSARIES}
"""How soon after the first purchase an anniversary may come, at the soonest (a Feb 29 falls
back to Feb 28, and a timezone may change its offset by up to a day)."""
# Enum members as module constants: the fold runs for every item, and looking a member up on
# its class costs as much as the comparison it is for.
_ADVOCACY, _RETENTION, _ACTIVATION = Stage.ADVOCACY, Stage.RETENTION, Stage.ACTIVATION
_ENGAGEMENT, _DISCOVERY = Stage.ENGAGEMENT, Stage.DISCOVERY
_BRONZE, _PLATINUM = Tier.BRONZE, Tier.PLATINUM
_BOOKED, _ATTENDED, _MISSED = ItemKind.BOOKED, ItemKind.ATTENDED, ItemKind.MISSED
_REDEEMED = ItemKind.REDEEMED
_COMPLETED, _STILL_BOOKED = BookingStatus.COMPLETED, BookingStatus.BOOKED
_FIRST_REPEAT, _HIGH_VALUE = MilestoneKind.FIRST_REPEAT, MilestoneKind.HIGH_VALUE_PURCHASE
_VIP, _UPGRADE = MilestoneKind.VIP_STATUS, MilestoneKind.LOYALTY_TIER_UPGRADE
_ENGAGED_MONTH = MilestoneKind.HIGH_ENGAGEMENT_MONTH


class Item(NamedTuple):
    """One dated fact of a client's history.

    Attributes:
        at: when it happened.
        kind: what it is.
        ref: the booking, order or activity it comes from.
        value: what a purchase brought, the points a redemption took (zero for the rest).
        purchase: whether it is a purchase (a completed booking whose money was kept, or a
            paid order).
    """

    at: datetime
    kind: ItemKind
    ref: str
    value: Decimal = _ZERO
    purchase: bool = False

    @property
    def trigger(self) -> str:
        """How stage changes and milestones name the item: ``"attended:bk-17"``."""
        return f"{_TRIGGER[self.kind]}:{self.ref}"


_item = functools.partial(tuple.__new__, Item)
"""``_item((at, kind, ref, value, purchase))``: an `Item` without the keyword-handling
constructor (items are made for every booking recorded)."""


def booking_items(booking: Booking) -> tuple[Item, ...]:
    """A booking's items: made (when its first event happened), then attended or missed."""
    booking_id = booking.id
    made = _item((booking.first_event_at, _BOOKED, booking_id, _ZERO, False))
    status, at = booking.status, booking.status_version.occurred_at
    if status is _COMPLETED:
        value = kept(booking)
        if value is None:
            return made, _item((at, _ATTENDED, booking_id, _ZERO, False))
        return made, _item((at, _ATTENDED, booking_id, value, True))
    if status is _STILL_BOOKED:
        return (made,)
    return made, _item((at, _MISSED, booking_id, _ZERO, False))


def order_items(order: Order) -> tuple[Item, ...]:
    """An order's items: placed, then (for a paid order) the purchase when it was paid."""
    placed = Item(order.placed_at, ItemKind.ORDERED, order.id)
    if order.status is not OrderStatus.PAID:
        return (placed,)
    paid_at = order.status_version.occurred_at
    return placed, Item(paid_at, ItemKind.ORDER_PAID, order.id, order.amount, True)


_ACTIVITY_KINDS = {
    ActivityKind.FORM: ItemKind.FORM,
    ActivityKind.REFERRAL: ItemKind.REFERRAL,
    ActivityKind.REVIEW: ItemKind.REVIEW,
    ActivityKind.SOCIAL_SHARE: ItemKind.SOCIAL_SHARE,
    ActivityKind.REDEMPTION: ItemKind.REDEEMED,
}


def activity_items(activity: Activity) -> tuple[Item, ...]:
    """An activity's one item."""
    kind = _ACTIVITY_KINDS[activity.kind]
    return (Item(activity.at, kind, activity.id, Decimal(activity.points)),)


def anniversary(first: datetime, years: int, tz: ZoneInfo) -> datetime:
    """The moment ``years`` years after ``first`` on the workspace's calendar: the same wall
    time, and Feb 28 for a Feb 29 in a common year."""
    local = first.astimezone(tz)
    try:
        later = local.replace(year=local.year + years)
    except ValueError:  # Feb 29, and the year is common
        later = local.replace(year=local.year + years, day=28)
    return later.astimezone(UTC)


@dataclasses.dataclass(frozen=True)
class JourneyRules:
    """Everything the fold needs from a workspace: its policies and its calendar."""

    journey: JourneyPolicy
    milestones: MilestonePolicy
    tz: ZoneInfo
    loyalty: LoyaltyPolicy = dataclasses.field(default_factory=LoyaltyPolicy)
    churn_window: timedelta = dataclasses.field(init=False)
    """How long without activity makes a client churned."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "churn_window", timedelta(days=self.journey.churn_after_days))

    @classmethod
    def of(cls, workspace: Workspace) -> JourneyRules:
        """The rules of ``workspace``."""
        policies = workspace.policies
        return cls(policies.journey, policies.milestones, workspace.tz, policies.loyalty)


@dataclasses.dataclass
class Progress:
    """A journey being folded: the materialised `Journey` in working form, and the stage
    changes and milestones the fold has added since it started."""

    workspace_id: str
    client_id: str
    created_at: datetime
    rules: JourneyRules
    stage: Stage
    stage_at: datetime
    last_activity_at: datetime
    until: datetime
    changes: int = 0
    interactions: int = 0
    purchases: int = 0
    value: Decimal = _ZERO
    attended: int = 0
    missed: int = 0
    first_purchase_at: datetime | None = None
    last_purchase_at: datetime | None = None
    months: dict[str, int] = dataclasses.field(default_factory=dict)
    milestones: set[MilestoneKind] = dataclasses.field(default_factory=set)
    scheduled: datetime | None = None
    new_changes: list[StageChange] = dataclasses.field(default_factory=list)
    new_milestones: list[Milestone] = dataclasses.field(default_factory=list)
    loyalty: Loyalty = dataclasses.field(init=False)
    _anniversary: tuple[datetime, int, datetime] | None = dataclasses.field(
        init=False, compare=False, repr=False
    )
    """The next anniversary's moment, for (first purchase, years)."""
    _month: CalendarMonth | None = dataclasses.field(init=False, compare=False, repr=False)
    """The calendar month of the latest activity counted."""
    _known: bool = dataclasses.field(init=False, compare=False, repr=False)
    """Whether the client was known for all the months `_month`'s average is taken over."""
    _calm: datetime = dataclasses.field(init=False, compare=False, repr=False)
    """A moment before which time alone cannot change the journey (`_RECHECK` when it must
    be worked out again): what `_catch_up` checks. Set at the earlier of the churn window's
    end and the next anniversary or downgrade; new activity only moves the churn later, so
    it stays true until a stage, an anniversary or a tier changes."""

    def __post_init__(self) -> None:
        # the working fields are set here: compiled by mypyc, a dataclass leaves the default
        # of an ``init=False`` field unset
        self.loyalty = Loyalty(self.rules.loyalty, self.rules.tz)
        self._anniversary = None
        self._month = None
        self._known = False
        self._calm = _RECHECK

    @classmethod
    def start(
        cls, workspace_id: str, client_id: str, created_at: datetime, rules: JourneyRules
    ) -> Progress:
        """A new client: in Discovery since the record was created."""
        progress = cls(
            workspace_id,
            client_id,
            created_at,
            rules,
            Stage.DISCOVERY,
            created_at,
            created_at,
            created_at,
        )
        progress._change(Stage.DISCOVERY, created_at, "created")
        return progress

    @classmethod
    def resume(
        cls,
        workspace_id: str,
        client_id: str,
        created_at: datetime,
        journey: Journey,
        rules: JourneyRules,
    ) -> Progress:
        """Carry a stored journey on; only items after ``journey.until`` may be applied."""
        j = journey
        progress = cls(
            workspace_id,
            client_id,
            created_at,
            rules,
            j.stage,
            j.stage_at,
            j.last_activity_at,
            j.until,
            j.changes,
            j.interactions,
            j.purchases,
            j.value,
            j.attended,
            j.missed,
            j.first_purchase_at,
            j.last_purchase_at,
            dict(j.months),
            set(j.milestones),
            j.scheduled,
        )
        progress.loyalty = Loyalty.of(j, rules.loyalty, rules.tz)
        return progress

    def journey(self) -> Journey:
        """The journey as it stands, to store."""
        moment = self._next_moment()
        loyalty = self.loyalty
        return Journey(
            stage=self.stage,
            stage_at=self.stage_at,
            last_activity_at=self.last_activity_at,
            until=self.until,
            changes=self.changes,
            interactions=self.interactions,
            purchases=self.purchases,
            value=self.value,
            attended=self.attended,
            missed=self.missed,
            first_purchase_at=self.first_purchase_at,
            last_purchase_at=self.last_purchase_at,
            months=tuple(sorted(self.months.items())),
            milestones=frozenset(self.milestones),
            points=loyalty.points,
            redeemed=loyalty.redeemed,
            earned=tuple(sorted(loyalty.earned.items())),
            tier=loyalty.tier,
            tiers=tuple(loyalty.tiers),
            scheduled=self.scheduled,
            due=moment[0] if moment else None,
        )

    # -- time ---------------------------------------------------------------------------------

    def advance(self, to: datetime) -> None:
        """Apply every moment up to ``to`` at which time alone changes the journey."""
        while (moment := self._next_moment()) is not None and moment[0] <= to:
            at, what = moment
            if what is None:
                self._change(_CHURNED, at, "inactive")
            elif isinstance(what, Tier):
                self.loyalty.move(at, what, "window")
            else:
                self._award(what, at, "anniversary")
            self._calm = _RECHECK
        self.until = max(self.until, to)

    def schedule(self, now: datetime) -> None:
        """The scheduled job's turn: `advance` to ``now``, and remember it ran through it."""
        self.advance(now)
        if self.scheduled is None or now > self.scheduled:
            self.scheduled = now

    def _next_moment(self) -> tuple[datetime, MilestoneKind | Tier | None] | None:
        """The next moment time changes the journey: the churn window passing (``None``),
        an anniversary (its milestone) or points leaving the loyalty window (the lower tier).
        At one instant, churn comes first, then anniversaries."""
        first: tuple[datetime, MilestoneKind | Tier | None] | None = None
        if self.stage is not _CHURNED:
            first = (self.last_activity_at + self.rules.churn_window, None)
        before = _NEVER if first is None else first[0]
        for coming in (self._next_anniversary(before), self.loyalty.next_downgrade()):
            if coming is not None and (first is None or coming[0] < first[0]):
                first = coming
        return first

    def _next_anniversary(self, before: datetime) -> tuple[datetime, MilestoneKind] | None:
        """The next anniversary and its milestone, if it comes before ``before`` (its moment
        is worked out only when it may: usually the churn window ends long before)."""
        first = self.first_purchase_at
        if first is None:
            return None
        for years, kind in _ANNIVERSARIES:
            if kind not in self.milestones:
                if first >= before - _SOONEST[years]:
                    return None
                if self._anniversary is None or self._anniversary[:2] != (first, years):
                    self._anniversary = (first, years, anniversary(first, years, self.rules.tz))
                at = self._anniversary[2]
                return (at, kind) if at < before else None
        return None

    # -- items --------------------------------------------------------------------------------

    def apply(self, item: Item) -> None:
        """Apply one item, later than every item applied before it."""
        self._apply(item)
        self.until = max(self.until, item.at)

    def apply_all(self, items: Iterable[Item]) -> None:
        """Apply each distinct item once, oldest first (all later than those applied before).

        Duplicates sort together, so each is dropped by comparing it with the item before:
        hashing an item would hash its aware datetime, which costs several times more."""
        item = previous = None
        for item in sorted(items):
            if item != previous:
                self._apply(item)
            previous = item
        if item is not None:  # the latest: the journey is now evaluated through it
            self.until = max(self.until, item.at)

    def _apply(self, item: Item) -> None:
        """`apply` without moving ``until`` on (nothing reads it while items are applied)."""
        at, kind, _, value, purchase = item
        if at >= self._calm:
            self._catch_up(at)
        if at > self.last_activity_at:  # noqa: PLR1730 (a comparison: max() is a call)
            self.last_activity_at = at
        moved = False  # whether the counts that decide the stage moved
        if kind is _ATTENDED:  # the commonest kinds first
            self._attended(at, item)
        elif kind is _BOOKED or kind in _INTERACTIONS:
            self.interactions += 1
            moved = not self.purchases  # interactions only move clients without purchases
            self._count_month(at, item)
        elif kind is _MISSED:
            self.missed += 1
        elif kind is _REDEEMED:
            self.loyalty.redeemed += int(value)
        else:  # an order paid, a referral, a review, a share
            if kind in _ACTIVITIES:
                self._count_month(at, item)
            self._award(_EARNS[kind], at, item)
        if purchase:
            self._purchase(at, kind, value, item)
            moved = True
        stage = self.stage
        if stage is _CHURNED or (moved and self._may_move_on(stage)):
            self._evaluate(item)

    def _catch_up(self, at: datetime) -> None:
        """`advance` to ``at`` if a moment has come; else note when the next one may."""
        moment = self._next_moment()
        if moment is not None and moment[0] <= at:
            self.advance(at)
        else:
            self._calm = _NEVER if moment is None else moment[0]

    def _attended(self, at: datetime, item: Item) -> None:
        attended = self.attended = self.attended + 1
        milestones = self.milestones
        if _FIRST_BOOKING not in milestones:
            self._award(_FIRST_BOOKING, at, item)
        if (
            _PERFECT not in milestones
            and not self.missed
            and attended >= self.rules.milestones.perfect_attendance_bookings
        ):
            self._award(_PERFECT, at, item)

    def _purchase(self, at: datetime, kind: ItemKind, value: Decimal, item: Item) -> None:
        policy = self.rules.milestones
        purchases = self.purchases = self.purchases + 1
        total = self.value = self.value + value
        if self.first_purchase_at is None:
            self.first_purchase_at = at
            self._calm = _RECHECK  # the anniversaries are set
        self.last_purchase_at = at
        if purchases == 2:
            self._award(_FIRST_REPEAT, at, item)
        if value >= policy.high_value_purchase:
            self._award(_HIGH_VALUE, at, item)
        if purchases in _COUNTS:
            self._award(_COUNTS[purchases], at, item)
        # ``visit`` by position: a keyword argument makes this call markedly dearer
        points = points_for(value, self.rules.loyalty, kind is _ATTENDED)
        if points:
            self._earn(points, at, item)
        if _VIP not in self.milestones and (
            purchases >= policy.vip_purchases
            or total >= policy.vip_spend
            or self.loyalty.tier is _PLATINUM
        ):
            self._award(_VIP, at, item)

    def _earn(self, points: int, at: datetime, item: Item) -> None:
        """The loyalty points of a purchase, and the tier upgrade they may bring."""
        month, loyalty = self._month, self.loyalty
        if month is not None and month.start <= at < month.end:
            key = month.key  # usually the month of the booking's activity
        else:
            key = month_key(at, self.rules.tz)
        upgrade = loyalty.earn(points, key)
        if upgrade is not None:
            loyalty.move(at, upgrade, item.trigger)
            self._award(_UPGRADE, at, item)
        if loyalty.tier is not _BRONZE:
            self._calm = _RECHECK  # the points set when the tier falls

    def _count_month(self, at: datetime, item: Item) -> None:
        month = self._month
        if month is None or not month.start <= at < month.end:
            month = self._enter_month(at)
        count = self.months[month.key] = self.months.get(month.key, 0) + 1
        kind = _ENGAGED_MONTH
        policy = self.rules.milestones
        if not self._known or count < policy.engagement_min_activities or kind in self.milestones:
            return
        before = sum(self.months.get(m, 0) for m in month.trailing)
        if count * len(month.trailing) >= policy.engagement_factor * before:
            self._award(kind, at, item)

    def _enter_month(self, at: datetime) -> CalendarMonth:
        """The calendar month of ``at`` in the workspace timezone; forget older counts."""
        tz = self.rules.tz
        local = at.astimezone(tz)
        month = self._month = calendar_month(
            local.year, local.month, tz, self.rules.milestones.engagement_trailing_months
        )
        oldest = month.trailing[-1]
        self._known = self.created_at < month.known_before
        for old in [m for m in self.months if m < oldest]:
            del self.months[old]
        return month

    # -- stages and milestones ----------------------------------------------------------------

    def _natural(self, at: datetime) -> Stage:
        """The stage the counts merit at ``at``, forward-only aside."""
        policy = self.rules.journey
        if (
            self.purchases >= policy.advocacy_purchases
            or self.value >= policy.advocacy_spend
            or self.loyalty.tier is _PLATINUM
        ):
            return _ADVOCACY
        last = self.last_purchase_at
        recent = last is not None and last > at - self.rules.churn_window
        if self.purchases >= policy.retention_purchases and recent:
            return _RETENTION
        if self.purchases:
            return _ACTIVATION
        if self.interactions >= policy.engagement_interactions:
            return _ENGAGEMENT
        return _DISCOVERY

    def _may_move_on(self, stage: Stage) -> bool:
        """Whether the counts may move a client on from ``stage``: an Advocate has nowhere
        further to go, and a Retained client only to Advocacy (the cheap test first)."""
        if stage is _ADVOCACY:
            return False
        if stage is not _RETENTION:
            return True
        policy = self.rules.journey
        return (
            self.purchases >= policy.advocacy_purchases
            or self.value >= policy.advocacy_spend
            or self.loyalty.tier is _PLATINUM
        )

    def _evaluate(self, item: Item) -> None:
        natural = self._natural(item.at)
        stage = self.stage
        if natural is not stage and (stage is _CHURNED or _RANK[natural] > _RANK[stage]):
            self._change(natural, item.at, item.trigger)

    def _change(self, stage: Stage, at: datetime, trigger: str) -> None:
        previous = self.stage if self.changes else None
        self.new_changes.append(
            StageChange(
                self.workspace_id, self.client_id, self.changes, previous, stage, at, trigger
            )
        )
        self.changes += 1
        if stage is _CHURNED or self.stage is _CHURNED:  # the churn window counts, or not
            self._calm = _RECHECK
        self.stage, self.stage_at = stage, at

    def _award(self, kind: MilestoneKind, at: datetime, cause: Item | str) -> None:
        """Award ``kind`` (once), earned at ``at`` by ``cause`` (an item, or a reason)."""
        if kind not in self.milestones:
            self.milestones.add(kind)
            trigger = cause if isinstance(cause, str) else cause.trigger
            self.new_milestones.append(
                Milestone(self.workspace_id, self.client_id, kind, at, trigger)
            )


def replay(
    workspace_id: str,
    client_id: str,
    created_at: datetime,
    items: Iterable[Item],
    rules: JourneyRules,
    scheduled: datetime | None = None,
) -> Progress:
    """A client's journey from scratch: every item, oldest first, then (when the scheduled
    job has run through ``scheduled``) time up to it."""
    progress = Progress.start(workspace_id, client_id, created_at, rules)
    progress.apply_all(items)
    if scheduled is not None:
        progress.schedule(scheduled)
    return progress
