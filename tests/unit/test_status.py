"""Status pills (SPEC section 6) at their boundaries, in the workspace's calendar."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.models.client import ClientFigures, StatusPill
from clientcrm.policies import StatusPolicy
from clientcrm.rules.status import days_ago_cutoff, is_growing, status_pill

POLICY = StatusPolicy()
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def figures(bookings: int, days_ago: float | None) -> ClientFigures:
    last = None if days_ago is None else NOW - timedelta(days=days_ago)
    return ClientFigures(bookings=bookings, spend=Decimal(0), last_booking_at=last)


@pytest.mark.parametrize(
    ("bookings", "days_ago", "pill", "growing"),
    [
        (0, None, StatusPill.NEW, False),
        (1, 0, StatusPill.ACTIVE, False),
        (1, 89, StatusPill.ACTIVE, False),
        (1, 90, StatusPill.LAPSED, False),
        (4, 89, StatusPill.ACTIVE, True),
        (5, 89, StatusPill.REGULAR, True),
        (5, 90, StatusPill.LAPSED, False),
        (6, 1, StatusPill.REGULAR, False),
        (3, 10, StatusPill.ACTIVE, True),
        (2, 10, StatusPill.ACTIVE, False),
        (50, 400, StatusPill.LAPSED, False),
        (1, -5, StatusPill.ACTIVE, False),
    ],
)
def test_pills(bookings: int, days_ago: int | None, pill: StatusPill, growing: bool) -> None:
    """Exactly 90 days is lapsed, 89 is not; 5 bookings is regular; 3-5 is growing."""
    f = figures(bookings, days_ago)
    assert status_pill(f, NOW, LONDON, POLICY) is pill
    assert is_growing(f, NOW, LONDON, POLICY) is growing


def test_lapse_counts_calendar_days_in_the_workspace_timezone() -> None:
    """A booking late on a local day is a whole day earlier than one just after midnight."""
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2026, 6, 15, 0, 30, tzinfo=tokyo)  # 15 June in Tokyo, 14 June in UTC
    late_on_march_17 = datetime(2026, 3, 17, 23, 30, tzinfo=tokyo)  # 90 local days before
    early_on_march_18 = datetime(2026, 3, 18, 0, 10, tzinfo=tokyo)  # 89 local days before
    lapsed = ClientFigures(bookings=1, last_booking_at=late_on_march_17)
    active = ClientFigures(bookings=1, last_booking_at=early_on_march_18)
    assert status_pill(lapsed, now, tokyo, POLICY) is StatusPill.LAPSED
    assert status_pill(active, now, tokyo, POLICY) is StatusPill.ACTIVE


def test_thresholds_come_from_the_policy() -> None:
    """A workspace with a 30-day lapse and 3-booking regulars pills accordingly."""
    policy = StatusPolicy(lapsed_after_days=30, regular_min_bookings=3, growing_max_bookings=3)
    assert status_pill(figures(3, 29), NOW, LONDON, policy) is StatusPill.REGULAR
    assert status_pill(figures(3, 30), NOW, LONDON, policy) is StatusPill.LAPSED


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    days=st.integers(1, 400),
    zone=st.sampled_from(["UTC", "Europe/London", "America/Sao_Paulo", "Pacific/Auckland"]),
)
def test_cutoff_is_the_start_of_a_local_day(moment: datetime, days: int, zone: str) -> None:
    """The cutoff is a local midnight exactly ``days - 1`` local days before ``now``'s date."""
    tz = ZoneInfo(zone)
    cutoff = days_ago_cutoff(moment, tz, days).astimezone(tz)
    assert (moment.astimezone(tz).date() - cutoff.date()).days == days - 1
    assert (cutoff.hour, cutoff.minute) == (0, 0) or cutoff.fold or cutoff.hour == 1
