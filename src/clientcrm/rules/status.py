"""Status pills (SPEC section 6), evaluated at a moment in the workspace's calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from clientcrm.models.client import ClientFigures, StatusPill
from clientcrm.policies import StatusPolicy

__all__ = ["Counted", "days_ago_cutoff", "is_growing", "is_lapsed", "pill", "status_pill"]


class Counted(Protocol):
    """What a pill reads: the counted bookings and the last of them (`ClientFigures`, or a
    `ClientSummary`)."""

    @property
    def bookings(self) -> int: ...

    @property
    def last_booking_at(self) -> datetime | None: ...


def days_ago_cutoff(now: datetime, tz: ZoneInfo, days: int) -> datetime:
    """Return the first instant that is fewer than ``days`` calendar days before ``now``.

    A moment ``t`` is at least ``days`` calendar days ago (in ``tz``) exactly when
    ``t < days_ago_cutoff(now, tz, days)``. This turns calendar rules into one comparison
    a database can run against an index.
    """
    local_day = now.astimezone(tz).date() - timedelta(days=days - 1)
    return datetime.combine(local_day, time(0), tz).astimezone(now.tzinfo)


def is_lapsed(figures: ClientFigures, now: datetime, tz: ZoneInfo, policy: StatusPolicy) -> bool:
    """Whether the last counted booking was ``lapsed_after_days`` or more calendar days ago."""
    last = figures.last_booking_at
    return last is not None and last < days_ago_cutoff(now, tz, policy.lapsed_after_days)


def status_pill(
    figures: ClientFigures, now: datetime, tz: ZoneInfo, policy: StatusPolicy
) -> StatusPill:
    """Return the client's pill at ``now``: LAPSED takes precedence, then REGULAR, ACTIVE, NEW."""
    lapsed_before = days_ago_cutoff(now, tz, policy.lapsed_after_days)
    return pill(figures, lapsed_before, policy.regular_min_bookings)


def pill(figures: Counted, lapsed_before: datetime, regular_min: int) -> StatusPill:
    """Return the pill given the lapse cutoff instant (see `days_ago_cutoff`)."""
    if figures.bookings == 0:
        return StatusPill.NEW
    if figures.last_booking_at is not None and figures.last_booking_at < lapsed_before:
        return StatusPill.LAPSED
    if figures.bookings >= regular_min:
        return StatusPill.REGULAR
    return StatusPill.ACTIVE


def is_growing(figures: ClientFigures, now: datetime, tz: ZoneInfo, policy: StatusPolicy) -> bool:
    """Whether the client is on the way to regular: 3-5 counted bookings and not lapsed."""
    low, high = policy.growing_min_bookings, policy.growing_max_bookings
    return low <= figures.bookings <= high and not is_lapsed(figures, now, tz, policy)
