"""Journey stages and milestones (SPEC section 7) at their boundaries, and the fold's laws."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.models.journey import MilestoneKind, Stage
from clientcrm.policies import JourneyPolicy, LoyaltyPolicy, MilestonePolicy
from clientcrm.rules.journey import Item, ItemKind, JourneyRules, Progress, anniversary, replay

BERLIN = ZoneInfo("Europe/Berlin")
RULES = JourneyRules(JourneyPolicy(), MilestonePolicy(), BERLIN)
WITHOUT_POINTS = JourneyRules(
    JourneyPolicy(), MilestonePolicy(), BERLIN, LoyaltyPolicy(points_per_unit=0, points_per_visit=0)
)
"""The rules with loyalty out of the way (Platinum would make an Advocate)."""
T0 = datetime(2025, 1, 6, 9, tzinfo=UTC)
DAY = timedelta(days=1)
K = ItemKind
M = MilestoneKind


def booked(n: int, at: datetime) -> Item:
    return Item(at, K.BOOKED, f"b{n}")


def attended(n: int, at: datetime, value: str = "20", *, kept: bool = True) -> Item:
    return Item(at, K.ATTENDED, f"b{n}", Decimal(value) if kept else Decimal(0), kept)


def paid_order(n: int, at: datetime, value: str = "20") -> Item:
    return Item(at, K.ORDER_PAID, f"o{n}", Decimal(value), True)


def visits(count: int, *, every: timedelta = DAY, value: str = "20") -> list[Item]:
    """``count`` bookings, each made and attended on one day, ``every`` apart."""
    items = []
    for n in range(count):
        at = T0 + every * n
        items += [booked(n, at), attended(n, at + timedelta(hours=1), value)]
    return items


def fold(
    items: list[Item], scheduled: datetime | None = None, rules: JourneyRules = RULES
) -> Progress:
    return replay("ws", "c", T0, items, rules, scheduled)


def stages(progress: Progress) -> list[Stage]:
    return [change.stage for change in progress.new_changes]


def awarded(progress: Progress) -> dict[MilestoneKind, datetime]:
    return {m.kind: m.at for m in progress.new_milestones}


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], [Stage.DISCOVERY]),
        ([booked(1, T0)], [Stage.DISCOVERY]),
        ([booked(1, T0), booked(2, T0 + DAY)], [Stage.DISCOVERY, Stage.ENGAGEMENT]),
        (
            [booked(1, T0), Item(T0 + DAY, K.FORM, "f1")],
            [Stage.DISCOVERY, Stage.ENGAGEMENT],
        ),
        ([booked(1, T0), attended(1, T0 + DAY)], [Stage.DISCOVERY, Stage.ACTIVATION]),
        ([paid_order(1, T0 + DAY)], [Stage.DISCOVERY, Stage.ACTIVATION]),
        (
            [booked(1, T0), booked(2, T0 + DAY), attended(1, T0 + 2 * DAY)],
            [Stage.DISCOVERY, Stage.ENGAGEMENT, Stage.ACTIVATION],
        ),
        (visits(3), [Stage.DISCOVERY, Stage.ACTIVATION, Stage.RETENTION]),
        (visits(49), [Stage.DISCOVERY, Stage.ACTIVATION, Stage.RETENTION]),
        (visits(50), [Stage.DISCOVERY, Stage.ACTIVATION, Stage.RETENTION, Stage.ADVOCACY]),
        (
            visits(2, value="2500"),
            [Stage.DISCOVERY, Stage.ACTIVATION, Stage.ADVOCACY],
        ),
        (
            visits(2, value="2499.99"),
            [Stage.DISCOVERY, Stage.ACTIVATION],
        ),
    ],
    ids=[
        "created",
        "one interaction",
        "two bookings made",
        "a booking and a form",
        "first completed booking",
        "first paid order",
        "engaged, then activated",
        "three purchases",
        "49 purchases",
        "50 purchases",
        "spend of 5000",
        "spend of 4999.98",
    ],
)
def test_stages_at_their_thresholds(items: list[Item], expected: list[Stage]) -> None:
    """Each stage's threshold, exactly: two interactions, one, three and fifty purchases,
    5,000 spent."""
    assert stages(fold(items, rules=WITHOUT_POINTS)) == expected


_PLATINUM_AT_300 = LoyaltyPolicy(
    points_per_unit=1, points_per_visit=0, silver=100, gold=200, platinum=300
)


@pytest.mark.parametrize(
    ("rules", "items", "expected", "vip_at"),
    [
        (
            dataclasses.replace(WITHOUT_POINTS, journey=JourneyPolicy(advocacy_spend=Decimal(300))),
            visits(2, value="150"),
            [Stage.DISCOVERY, Stage.ACTIVATION, Stage.ADVOCACY],
            None,
        ),
        (
            dataclasses.replace(WITHOUT_POINTS, journey=JourneyPolicy(advocacy_purchases=4)),
            visits(4),
            [Stage.DISCOVERY, Stage.ACTIVATION, Stage.RETENTION, Stage.ADVOCACY],
            None,
        ),
        (
            dataclasses.replace(WITHOUT_POINTS, milestones=MilestonePolicy(vip_purchases=5)),
            visits(5),
            [Stage.DISCOVERY, Stage.ACTIVATION, Stage.RETENTION],
            9,
        ),
        (
            dataclasses.replace(WITHOUT_POINTS, loyalty=_PLATINUM_AT_300),
            [*visits(1, value="50"), *visits(2, value="400")[2:]],
            [Stage.DISCOVERY, Stage.ACTIVATION, Stage.ADVOCACY],
            3,
        ),
    ],
    ids=["advocacy by spend", "advocacy by purchases", "vip by purchases", "platinum"],
)
def test_each_policy_threshold_counts_on_its_own(
    rules: JourneyRules, items: list[Item], expected: list[Stage], vip_at: int | None
) -> None:
    """Advocacy and VIP each at their own policy's thresholds (the defaults share theirs),
    and a purchase that makes a client Platinum makes them an Advocate and a VIP at once."""
    progress = fold(items, rules=rules)
    assert stages(progress) == expected
    assert awarded(progress).get(M.VIP_STATUS) == (None if vip_at is None else items[vip_at].at)


def test_a_refunded_completed_booking_is_not_a_purchase() -> None:
    """Attended but fully refunded: First Booking, no purchase, no Activation."""
    progress = fold([booked(1, T0), attended(1, T0 + DAY, kept=False)])
    assert stages(progress) == [Stage.DISCOVERY]
    assert set(awarded(progress)) == {M.FIRST_BOOKING}


@pytest.mark.parametrize(
    ("quiet", "churned"),
    [(timedelta(days=180) - timedelta(microseconds=1), False), (timedelta(days=180), True)],
)
def test_churn_comes_when_the_window_has_passed(quiet: timedelta, churned: bool) -> None:
    """180 days without activity: Churned, dated at the moment the window passed."""
    last = T0 + DAY + timedelta(hours=1)
    progress = fold(visits(2), scheduled=last + quiet)
    assert (progress.stage is Stage.CHURNED) is churned
    if churned:
        assert progress.new_changes[-1].at == last + timedelta(days=180)
        assert progress.new_changes[-1].trigger == "inactive"


def test_a_churned_client_who_returns_is_evaluated_forward() -> None:
    """Back from Churned to what the counts merit; forward-only otherwise."""
    items = visits(3)
    back = T0 + timedelta(days=400)
    progress = fold([*items, booked(9, back), attended(9, back + DAY)])
    assert stages(progress) == [
        Stage.DISCOVERY,
        Stage.ACTIVATION,
        Stage.RETENTION,
        Stage.CHURNED,
        Stage.ACTIVATION,  # four purchases, but the third was outside the window at the return
        Stage.RETENTION,
    ]
    assert [c.previous for c in progress.new_changes][:2] == [None, Stage.DISCOVERY]
    assert [c.seq for c in progress.new_changes] == list(range(6))


def test_stages_never_move_back_but_to_churned() -> None:
    """A retained client whose last purchase leaves the window stays retained until churn."""
    items = [*visits(3), booked(7, T0 + timedelta(days=170))]
    progress = fold(items, scheduled=T0 + timedelta(days=175))
    assert progress.stage is Stage.RETENTION


@pytest.mark.parametrize(
    ("value", "high"), [("499.99", False), ("500", True), ("500.00", True), ("1200", True)]
)
def test_high_value_purchase_from_500(value: str, high: bool) -> None:
    progress = fold([booked(1, T0), attended(1, T0 + DAY, value)])
    assert (M.HIGH_VALUE_PURCHASE in awarded(progress)) is high


@pytest.mark.parametrize(
    ("purchases", "reached"),
    [
        (1, set()),
        (2, {M.FIRST_REPEAT}),
        (9, {M.FIRST_REPEAT}),
        (10, {M.FIRST_REPEAT, M.PURCHASES_10}),
        (25, {M.FIRST_REPEAT, M.PURCHASES_10, M.PURCHASES_25}),
        (50, {M.FIRST_REPEAT, M.PURCHASES_10, M.PURCHASES_25, M.PURCHASES_50, M.VIP_STATUS}),
    ],
)
def test_purchase_count_milestones(purchases: int, reached: set[MilestoneKind]) -> None:
    """First Repeat at the second purchase; 10, 25 and 50 on exactly reaching them; VIP at
    fifty. Each is dated by the purchase that reached it."""
    items = visits(purchases, every=timedelta(hours=3))
    got = awarded(fold(items))
    counted = {M.FIRST_REPEAT, M.PURCHASES_10, M.PURCHASES_25, M.PURCHASES_50, M.VIP_STATUS}
    assert set(got) & counted == reached
    if M.PURCHASES_10 in got:
        assert got[M.PURCHASES_10] == items[19].at  # the tenth attended item


def test_vip_by_spend_and_first_order() -> None:
    progress = fold([paid_order(1, T0 + DAY, "4999.99"), paid_order(2, T0 + 2 * DAY, "0.01")])
    got = awarded(progress)
    assert got[M.FIRST_ORDER] == T0 + DAY
    assert got[M.VIP_STATUS] == T0 + 2 * DAY
    assert M.FIRST_BOOKING not in got


@pytest.mark.parametrize(
    ("attended_count", "miss_at", "perfect"),
    [(4, None, False), (5, None, True), (5, 2, False), (6, 5, True)],
)
def test_perfect_attendance(attended_count: int, miss_at: int | None, perfect: bool) -> None:
    """Five completed bookings with none cancelled or missed before the fifth."""
    items = visits(attended_count)
    if miss_at is not None:
        at = T0 + DAY * miss_at + timedelta(minutes=30)
        items += [booked(99, at), Item(at + timedelta(minutes=1), K.MISSED, "b99")]
    assert (M.PERFECT_ATTENDANCE in awarded(fold(items))) is perfect


def test_behavioural_milestones_once_each() -> None:
    items = [
        Item(T0 + DAY, K.REFERRAL, "r1"),
        Item(T0 + 2 * DAY, K.REFERRAL, "r2"),
        Item(T0 + 3 * DAY, K.REVIEW, "v1"),
        Item(T0 + 4 * DAY, K.SOCIAL_SHARE, "s1"),
    ]
    progress = fold(items)
    got = awarded(progress)
    assert got == {
        M.REFERRAL_MADE: T0 + DAY,
        M.FIRST_REVIEW: T0 + 3 * DAY,
        M.SOCIAL_SHARE: T0 + 4 * DAY,
    }
    assert len(progress.new_milestones) == 3


def _monthly(per_month: list[int]) -> list[Item]:
    items = []
    for month, count in enumerate(per_month):
        first = datetime(2025, 1 + month, 3, 10, tzinfo=UTC)
        items += [booked(month * 100 + n, first + n * DAY) for n in range(count)]
    return items


@pytest.mark.parametrize(
    ("per_month", "month"),
    [
        ([1, 1, 1, 1, 1, 1, 2], None),  # 2 < 3 activities
        ([1, 1, 1, 1, 1, 1, 3], 7),  # 3 >= 2 x 1
        ([2, 2, 2, 2, 2, 1, 3], None),  # 3 < 2 x 11/6
        ([2, 2, 2, 2, 2, 1, 4], 7),
        ([0, 0, 0, 0, 0, 5], None),  # known for five months only
    ],
)
def test_high_engagement_month(per_month: list[int], month: int | None) -> None:
    """At least 3 activities and twice the trailing six months' average, for a client known
    for all six; dated by the activity that made the month count."""
    got = awarded(replay("ws", "c", datetime(2025, 1, 1, tzinfo=UTC), _monthly(per_month), RULES))
    if month is None:
        assert M.HIGH_ENGAGEMENT_MONTH not in got
    else:
        assert got[M.HIGH_ENGAGEMENT_MONTH].month == month


@pytest.mark.parametrize(
    ("first", "years", "expected"),
    [
        (datetime(2024, 2, 29, 18, tzinfo=BERLIN), 1, datetime(2025, 2, 28, 18, tzinfo=BERLIN)),
        (datetime(2024, 2, 29, 18, tzinfo=BERLIN), 4, datetime(2028, 2, 29, 18, tzinfo=BERLIN)),
        (datetime(2025, 3, 30, 1, tzinfo=BERLIN), 1, datetime(2026, 3, 30, 1, tzinfo=BERLIN)),
        # 23:30 UTC on 31 Dec is already 1 Jan in Berlin: the anniversary is a local date.
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), 1, datetime(2027, 1, 1, 0, 30, tzinfo=BERLIN)),
    ],
)
def test_anniversaries_on_the_workspace_calendar(
    first: datetime, years: int, expected: datetime
) -> None:
    """Feb 29 has its anniversaries on Feb 28 in common years; dates are the workspace's."""
    assert anniversary(first, years, BERLIN) == expected


@given(
    first=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    years=st.integers(1, 5),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]),
)
def test_anniversaries_agree_with_dateutils_calendar_arithmetic(
    first: datetime, years: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    expected = (first.astimezone(tz) + relativedelta(years=years)).astimezone(UTC)
    assert anniversary(first, years, tz) == expected


def test_anniversaries_wait_for_their_day() -> None:
    items = [booked(1, T0), attended(1, T0 + DAY)]
    one_year = anniversary(T0 + DAY, 1, BERLIN)
    before = fold(items, scheduled=one_year - timedelta(seconds=1))
    after = fold(items, scheduled=one_year + timedelta(days=400))
    assert M.ANNIVERSARY_1 not in awarded(before)
    assert before.stage is Stage.CHURNED  # 180 days passed first
    assert before.journey().due == one_year
    assert awarded(after)[M.ANNIVERSARY_1] == one_year
    assert awarded(after)[M.ANNIVERSARY_2] == anniversary(T0 + DAY, 2, BERLIN)
    assert after.journey().due is None  # churned, both anniversaries past


@given(
    first=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    days_before=st.integers(1, 360),
    zone=st.sampled_from(["Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia"]),
)
def test_the_next_moment_is_the_anniversary_when_it_comes_before_churn(
    first: datetime, days_before: int, zone: str
) -> None:
    """A client last seen ``days_before`` days before their first anniversary is next due at
    whichever comes first, the anniversary or the end of the churn window (the fold works an
    anniversary out only when a bound says it may come first; Samoa skipped a whole day)."""
    tz = ZoneInfo(zone)
    one_year = anniversary(first, 1, tz)
    last = one_year - days_before * DAY
    rules = JourneyRules(JourneyPolicy(), MilestonePolicy(), tz)
    progress = replay("ws", "c", first, [attended(1, first), attended(2, last)], rules)
    assert progress.journey().due == min(one_year, last + rules.churn_window)


# -- the fold's laws ------------------------------------------------------------------------

_KINDS = st.sampled_from(list(ItemKind))


@st.composite
def histories(draw: st.DrawFn) -> list[Item]:
    """Up to 40 items over two years, some on the same instant."""
    count = draw(st.integers(0, 40))
    items = []
    for n in range(count):
        at = T0 + timedelta(hours=draw(st.integers(0, 24 * 730)))
        kind = draw(_KINDS)
        purchase = kind in (ItemKind.ATTENDED, ItemKind.ORDER_PAID) and draw(st.booleans())
        value = Decimal(draw(st.integers(0, 200_000))) / 100 if purchase else Decimal(0)
        if kind is ItemKind.REDEEMED:
            value = Decimal(draw(st.integers(1, 500)))
        items.append(Item(at, kind, f"r{n}", value, purchase))
    return items


def _everything(progress: Progress) -> tuple[object, ...]:
    return (progress.journey(), progress.new_changes, progress.new_milestones)


@given(histories(), st.randoms(use_true_random=False))
def test_any_order_or_repetition_gives_the_same_journey(items: list[Item], rng: object) -> None:
    shuffled = [*items, *items[: len(items) // 2]]
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _everything(fold(shuffled)) == _everything(fold(items))


@given(histories(), st.integers(0, 40), st.integers(0, 800))
def test_carrying_on_equals_replaying(items: list[Item], cut: int, days: int) -> None:
    """A stored journey carried on with the later items, and time let pass, is the journey
    of the whole history replayed from scratch."""
    ordered = sorted(set(items))
    head, tail = ordered[:cut], ordered[cut:]
    if head and tail and tail[0].at <= head[-1].at:
        return  # equal instants split across the cut: the service replays these
    now = (ordered[-1].at if ordered else T0) + timedelta(days=days)
    stored = fold(head)
    progress = Progress.resume("ws", "c", T0, stored.journey(), RULES)
    for item in tail:
        progress.apply(item)
    progress.schedule(now)
    whole = fold(ordered, scheduled=now)
    assert progress.journey() == whole.journey()
    assert [*stored.new_changes, *progress.new_changes] == whole.new_changes
    assert [*stored.new_milestones, *progress.new_milestones] == whole.new_milestones


@given(histories(), st.integers(1, 900), st.integers(1, 900))
def test_scheduling_in_steps_equals_one_run(items: list[Item], a: int, b: int) -> None:
    """Missed days are caught up: running the job twice equals running it once at the end,
    and running it again changes nothing."""
    last = max((i.at for i in items), default=T0)
    first_run, second_run = sorted((last + timedelta(days=a), last + timedelta(days=b)))
    stepped = fold(items)
    resumed = Progress.resume("ws", "c", T0, stepped.journey(), RULES)
    resumed.schedule(first_run)
    resumed.schedule(second_run)
    resumed.schedule(second_run)
    once = fold(items, scheduled=second_run)
    assert resumed.journey() == once.journey()
    assert [*stepped.new_changes, *resumed.new_changes] == once.new_changes
    assert [*stepped.new_milestones, *resumed.new_milestones] == once.new_milestones


def test_a_paid_order_is_one_activity_of_its_month_not_two() -> None:
    """Placing an order is the activity; its payment is a purchase, not a second one."""
    items = []
    for n in range(2):
        at = T0 + n * DAY
        items += [Item(at, K.ORDERED, f"o{n}"), paid_order(n, at + timedelta(hours=1))]
    assert fold(items).journey().months == (("2025-01", 2),)
