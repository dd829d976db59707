"""Calendar months of a workspace: their keys, bounds and trailing months agree with
`month_key`, the month an instant falls in on the workspace's calendar."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from clientcrm.rules.calendar import calendar_month, month_key

ZONES = st.sampled_from(
    [ZoneInfo(name) for name in ("UTC", "Europe/Berlin", "Pacific/Apia", "America/Sao_Paulo")]
)


@given(st.integers(2000, 2040), st.integers(1, 12), ZONES, st.integers(0, 24))
def test_a_month_holds_exactly_the_instants_of_its_key(
    year: int, month: int, tz: ZoneInfo, trailing: int
) -> None:
    calendar = calendar_month(year, month, tz, trailing)
    assert calendar.key == f"{year:04d}-{month:02d}"
    assert month_key(calendar.start, tz) == calendar.key
    assert month_key(calendar.end - timedelta(microseconds=1), tz) == calendar.key
    assert (
        month_key(calendar.end, tz)
        > calendar.key
        > month_key(calendar.start - timedelta(microseconds=1), tz)
    )
    assert len(calendar.trailing) == trailing
    assert list(calendar.trailing) == sorted(calendar.trailing, reverse=True)


@given(
    st.integers(2000, 2040),
    st.integers(1, 12),
    ZONES,
    st.integers(1, 24),
    st.integers(-70 * 86_400, 70 * 86_400),
)
def test_a_client_created_before_known_before_was_there_in_every_trailing_month(
    year: int, month: int, tz: ZoneInfo, trailing: int, seconds: int
) -> None:
    """Created no later than the oldest trailing month: near the bound, on either side."""
    calendar = calendar_month(year, month, tz, trailing)
    created = calendar.known_before + timedelta(seconds=seconds)
    assert (created < calendar.known_before) == (month_key(created, tz) <= calendar.trailing[-1])
