"""Calendar months of a workspace, keyed ``"2026-03"``, bounded in UTC."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import attrs

__all__ = ["CalendarMonth", "calendar_month", "month_key", "month_start", "shift_month"]


@attrs.frozen
class CalendarMonth:
    """A calendar month of a workspace.

    Attributes:
        key: the month, ``"2026-03"``.
        start: its first instant, in UTC.
        end: the first instant of the next month, in UTC.
        trailing: the keys of the months before it that were asked for, latest first.
        known_before: a client created before this instant was there in every trailing
            month (the end of the oldest, or the month's own start when none were asked for).
    """

    key: str
    start: datetime
    end: datetime
    trailing: tuple[str, ...]
    known_before: datetime


@functools.lru_cache(maxsize=4096)
def calendar_month(year: int, month: int, tz: ZoneInfo, trailing: int = 0) -> CalendarMonth:
    """A month on the calendar of ``tz``, with the keys of the ``trailing`` months before it
    (made once: the fold enters a month for every client)."""
    key = f"{year:04d}-{month:02d}"
    start = datetime(year, month, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz).astimezone(UTC)
    trailing_keys = tuple(shift_month(key, -n) for n in range(1, trailing + 1))
    # the start of the month after the oldest trailing one (this month when there are none)
    known_before = month_start(shift_month(key, 1 - trailing), tz) if trailing else start
    return CalendarMonth(key, start, end, trailing_keys, known_before)


def month_key(at: datetime, tz: ZoneInfo) -> str:
    """The key of the month ``at`` falls in, on the calendar of ``tz``."""
    local = at.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def month_start(key: str, tz: ZoneInfo) -> datetime:
    """The first instant of the month ``key`` on the calendar of ``tz``, in UTC."""
    return calendar_month(int(key[:4]), int(key[5:]), tz).start


@functools.lru_cache(maxsize=65536)
def shift_month(key: str, by: int) -> str:
    """The key of the month ``by`` months after (or before, when negative) ``key``."""
    index = int(key[:4]) * 12 + int(key[5:]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
