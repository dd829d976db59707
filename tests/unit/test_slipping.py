"""The early warning's rule at its boundaries, and its quality on generated histories."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.models.client import Client, ClientFigures, Source
from clientcrm.policies import InsightPolicy, StatusPolicy
from clientcrm.rules.slipping import SlippingWindow, slipping, usual_gap
from clientcrm.testing.cadence import evaluate, histories

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def _client(visits: list[datetime]) -> Client:
    figures = ClientFigures(
        bookings=len(visits),
        first_booking_at=visits[0],
        last_booking_at=visits[-1],
        last_attended_at=visits[-1],
        made=len(visits),
        completed=len(visits),
    )
    return Client("c", "w", "C", "c@example.com", NOW - 400 * DAY, Source.BOOKING, figures=figures)


def _warns(visits: list[datetime], policy: InsightPolicy | None = None) -> bool:
    window = SlippingWindow(NOW, ZoneInfo("UTC"), StatusPolicy(), policy or InsightPolicy())
    return slipping(_client(visits), visits, window) is not None


def _every(days: float, count: int, away: float) -> list[datetime]:
    last = NOW - away * DAY
    return [last - (count - 1 - n) * days * DAY for n in range(count)]


@pytest.mark.parametrize(
    ("visits", "warns", "why"),
    [
        (_every(7, 8, 22), True, "weekly, away 22 days: over 2x and over 21 days"),
        (_every(7, 8, 21), True, "weekly, away exactly 21 days: the minimum is inclusive"),
        (_every(7, 8, 20.9), False, "weekly, under 21 days"),
        (_every(14, 6, 28), False, "fortnightly, away exactly 2 gaps: must be more"),
        (_every(14, 6, 28.1), True, "fortnightly, just over 2 gaps"),
        (_every(7, 3, 40), False, "three visits: no rhythm yet"),
        (_every(7, 4, 40), True, "four visits are enough"),
        (_every(7, 8, 89), True, "the day before the pill"),
        (_every(7, 8, 90), False, "LAPSED already says it"),
        (_every(30, 5, 59), False, "monthly, away under 2 months"),
        ([*_every(7, 4, 30 + 49), *_every(7, 3, 30)], False, "once 35 days off: 30 is not more"),
        ([*_every(7, 4, 36 + 49), *_every(7, 3, 36)], True, "once 35 days off, now 36"),
    ],
)
def test_the_rule_at_its_boundaries(visits: list[datetime], warns: bool, why: str) -> None:
    assert _warns(visits) is warns, why


@given(
    gaps=st.lists(st.integers(1, 60), min_size=3, max_size=30),
    away=st.integers(0, 120),
)
def test_coming_back_more_often_never_raises_a_warning(gaps: list[int], away: int) -> None:
    """Whoever warns for a history also warns when the client was away less long
    (monotone in the absence), and the usual gap lies between the shortest and longest."""
    visits = [NOW - away * DAY]
    for gap in gaps:
        visits.insert(0, visits[0] - gap * DAY)
    assert min(gaps) * DAY <= usual_gap(visits) <= max(gaps) * DAY
    shifted = [v - DAY for v in visits]  # one more day away
    if _warns(visits):
        assert _warns(shifted) or away + 1 >= 90


def test_on_generated_histories_it_warns_early_and_beats_a_fixed_month() -> None:
    """Most lapses are caught two months before the pill, with far fewer false alarms than
    "away 30 days" (the full figures: benchmarks/slipping.py)."""
    found = histories(600, seed=3)
    ours, fixed = evaluate(found), evaluate(found, fixed_days=30)
    assert ours.recall >= 0.8
    assert ours.median_lead_days >= 45
    assert ours.precision > 1.5 * fixed.precision
    assert ours.false_alarms < fixed.false_alarms / 2


def test_a_stricter_policy_warns_less() -> None:
    visits = _every(7, 8, 22)
    assert not _warns(visits, InsightPolicy(slipping_factor=Decimal(4)))
    assert not _warns(visits, InsightPolicy(slipping_min_days=30))
