"""Loyalty (SPEC section 11): points, tiers at their thresholds, dated upgrades and
downgrades, and what Platinum earns."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.models.journey import MilestoneKind, Stage
from clientcrm.models.loyalty import Tier
from clientcrm.policies import JourneyPolicy, LoyaltyPolicy, MilestonePolicy
from clientcrm.rules.calendar import month_key, shift_month
from clientcrm.rules.journey import Item, ItemKind, JourneyRules, Progress, replay
from clientcrm.rules.loyalty import points_for, tier_for

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = LoyaltyPolicy()  # 1 point per unit, 10 per visit; 500 / 2,000 / 5,000 in 12 months
RULES = JourneyRules(JourneyPolicy(), MilestonePolicy(), BERLIN, POLICY)
T0 = datetime(2025, 1, 10, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def order(n: int, at: datetime, value: str) -> Item:
    return Item(at, ItemKind.ORDER_PAID, f"o{n}", Decimal(value), True)


def visit(n: int, at: datetime, value: str) -> Item:
    return Item(at, ItemKind.ATTENDED, f"b{n}", Decimal(value), True)


def fold(items: list[Item], scheduled: datetime | None = None, **policy: object) -> Progress:
    rules = (
        RULES
        if not policy
        else JourneyRules(
            JourneyPolicy(),
            MilestonePolicy(),
            BERLIN,
            LoyaltyPolicy(**policy),  # type: ignore[arg-type]
        )
    )
    return replay("ws", "c", T0, items, rules, scheduled)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "visit_", "per_unit", "expected"),
    [
        ("19.99", False, "1", 19),
        ("19.99", True, "1", 29),
        ("0", True, "1", 10),
        ("0", False, "1", 0),
        ("20", False, "0.5", 10),
        ("20.99", False, "2.5", 52),
    ],
)
def test_points_for_a_purchase(value: str, visit_: bool, per_unit: str, expected: int) -> None:
    """Whole points per currency unit (fractions dropped), plus the visit's points."""
    policy = LoyaltyPolicy(points_per_unit=Decimal(per_unit))
    assert points_for(Decimal(value), policy, visit=visit_) == expected


@pytest.mark.parametrize(
    ("points", "tier"),
    [
        (0, Tier.BRONZE),
        (499, Tier.BRONZE),
        (500, Tier.SILVER),
        (1999, Tier.SILVER),
        (2000, Tier.GOLD),
        (4999, Tier.GOLD),
        (5000, Tier.PLATINUM),
    ],
)
def test_tier_thresholds(points: int, tier: Tier) -> None:
    assert tier_for(points, POLICY) is tier


def test_an_upgrade_is_dated_by_the_purchase_that_earned_it() -> None:
    """499 points, then one more: Silver at that purchase, and the milestone once only."""
    items = [order(1, T0, "499"), order(2, T0 + DAY, "1"), order(3, T0 + 2 * DAY, "1600")]
    journey = fold(items)
    tiers = journey.loyalty.tiers
    assert [(c.previous, c.tier, c.at, c.trigger) for c in tiers] == [
        (Tier.BRONZE, Tier.SILVER, T0 + DAY, "order_paid:o2"),
        (Tier.SILVER, Tier.GOLD, T0 + 2 * DAY, "order_paid:o3"),
    ]
    upgrades = [m for m in journey.new_milestones if m.kind is MilestoneKind.LOYALTY_TIER_UPGRADE]
    assert [(m.at, m.trigger) for m in upgrades] == [(T0 + DAY, "order_paid:o2")]


def test_old_points_leave_the_window_at_the_start_of_a_month() -> None:
    """Gold earned in January 2025 (Berlin) counts through December; the client is Bronze
    from the first instant of January 2026 in Berlin, dated then, when the job catches up."""
    items = [order(1, T0, "2000")]
    before = fold(items, scheduled=berlin(2026, 1, 1) - timedelta(seconds=1))
    assert before.loyalty.tier is Tier.GOLD
    assert before.journey().due == berlin(2026, 1, 1) or before.stage is Stage.CHURNED
    after = fold(items, scheduled=berlin(2026, 3, 1))
    down = after.loyalty.tiers[-1]
    assert (down.previous, down.tier, down.at, down.trigger) == (
        Tier.GOLD,
        Tier.BRONZE,
        berlin(2026, 1, 1),
        "window",
    )
    assert after.journey().points == 2000  # points are kept; only the tier moves


def test_a_downgrade_goes_as_far_as_the_points_left_in_the_window() -> None:
    """Gold from 1,500 in January and 600 in March: Silver from January 2026, Bronze from
    March 2026."""
    items = [order(1, T0, "1500"), order(2, berlin(2025, 3, 5), "600")]
    journey = fold(items, scheduled=berlin(2026, 6, 1))
    assert [(c.previous, c.tier, c.at) for c in journey.loyalty.tiers[2:]] == [
        (Tier.GOLD, Tier.SILVER, berlin(2026, 1, 1)),
        (Tier.SILVER, Tier.BRONZE, berlin(2026, 3, 1)),
    ]


def test_without_a_window_every_point_counts_for_ever() -> None:
    journey = fold([order(1, T0, "2000")], scheduled=T0 + 1000 * DAY, window_months=None)
    assert journey.loyalty.tier is Tier.GOLD
    assert len(journey.loyalty.tiers) == 1


def test_platinum_makes_an_advocate_and_a_vip() -> None:
    """5,000 points (a 4,990 purchase and its visit) before 5,000 spent: Platinum, Advocacy
    and VIP at that visit."""
    items = [visit(1, T0, "10"), visit(2, T0 + DAY, "10"), visit(3, T0 + 2 * DAY, "4960")]
    journey = fold(items)
    assert journey.value < Decimal(5000)
    assert journey.loyalty.tier is Tier.PLATINUM
    assert journey.stage is Stage.ADVOCACY
    assert journey.stage_at == T0 + 2 * DAY
    vip = {m.kind: m.at for m in journey.new_milestones}[MilestoneKind.VIP_STATUS]
    assert vip == T0 + 2 * DAY


def test_redemptions_take_points_without_moving_the_tier() -> None:
    items = [order(1, T0, "600"), Item(T0 + DAY, ItemKind.REDEEMED, "r1", Decimal(450))]
    journey = fold(items).journey()
    assert (journey.points, journey.redeemed, journey.available) == (600, 450, 150)
    assert journey.tier is Tier.SILVER


@st.composite
def purchases(draw: st.DrawFn) -> list[Item]:
    """Up to 30 purchases over three years."""
    items = []
    for n in range(draw(st.integers(0, 30))):
        at = T0 + timedelta(hours=draw(st.integers(0, 24 * 1095)))
        value = str(draw(st.integers(0, 3000)))
        items.append(visit(n, at, value) if draw(st.booleans()) else order(n, at, value))
    return items


@given(purchases(), st.integers(0, 1200), st.sampled_from([1, 3, 12, None]))
def test_the_tier_is_the_points_in_the_window_counted_afresh(
    items: list[Item], days: int, window: int | None
) -> None:
    """Whatever the history, at any moment the tier is what the points earned in the
    window's months (counted from scratch) merit, and every stored change really moves."""
    now = T0 + days * DAY
    policy = LoyaltyPolicy(window_months=window)
    journey = fold([i for i in items if i.at <= now], scheduled=now, window_months=window)
    oldest = shift_month(month_key(now, BERLIN), 1 - window) if window else "0000-01"
    in_window = sum(
        points_for(i.value, policy, visit=i.kind is ItemKind.ATTENDED)
        for i in set(items)
        if i.at <= now and month_key(i.at, BERLIN) >= oldest
    )
    assert journey.loyalty.tier is tier_for(in_window, policy)
    changes = journey.loyalty.tiers
    assert all(c.previous is not c.tier for c in changes)
    assert all(a.at <= b.at for a, b in itertools.pairwise(changes))
