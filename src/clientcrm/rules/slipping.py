"""The early warning: clients away for unusually long by their own rhythm (SPEC section 10).

The LAPSED pill waits 90 days for everyone. A weekly regular who has not come for five
weeks is already slipping away, while a client who comes once a quarter is not. Each
client's usual gap is the median of the gaps between their visits (completed bookings):
robust to a holiday or a burst of sessions. A client is slipping once their absence exceeds
`InsightPolicy.slipping_factor` usual gaps, their longest gap so far (someone who once took
a month off and came back is not lost after three weeks) and
`InsightPolicy.slipping_min_days` days, before the LAPSED pill shows, and while nothing is
booked for them. ``benchmarks/slipping.py`` measures how early and how often it is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from clientcrm.models.client import Client
from clientcrm.models.insights import SlippingClient
from clientcrm.policies import InsightPolicy, StatusPolicy
from clientcrm.rules.status import days_ago_cutoff

__all__ = ["SlippingWindow", "gaps", "slipping", "slipping_order", "usual_gap"]

_PLACES = Decimal("0.01")


def gaps(visits: Sequence[datetime]) -> list[timedelta]:
    """The gaps between consecutive visits (``visits`` oldest first)."""
    return [b - a for a, b in pairwise(visits)]


def usual_gap(visits: Sequence[datetime]) -> timedelta:
    """The median gap between consecutive visits (``visits`` oldest first, at least two)."""
    return _median(gaps(visits))


def _median(between: list[timedelta]) -> timedelta:
    ordered = sorted(between)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


class SlippingWindow:
    """Who can be slipping at ``now``: the last counted booking since the lapse cutoff, the
    last visit ``slipping_min_days`` ago or more, and enough visits to know a rhythm. A
    store narrows its candidates by these bounds; `slipping` then judges each one."""

    def __init__(self, now: datetime, tz: ZoneInfo, status: StatusPolicy, policy: InsightPolicy):
        self.now = now
        self.tz = tz
        self.lapsed_after_days = status.lapsed_after_days
        self.policy = policy
        self.lapsed_before = days_ago_cutoff(now, tz, status.lapsed_after_days)
        self.last_visit_by = now - timedelta(days=policy.slipping_min_days)
        self.min_visits = policy.slipping_min_visits

    def lapses_on(self, last_booking_at: datetime) -> date:
        """The day the LAPSED pill shows for a client whose last counted booking is this."""
        return last_booking_at.astimezone(self.tz).date() + timedelta(days=self.lapsed_after_days)


def slipping(
    client: Client, visits: Sequence[datetime], window: SlippingWindow
) -> SlippingClient | None:
    """The warning for one client given their visits (oldest first), or ``None``.

    ``None`` when they have too few visits, came back recently enough for their rhythm, or
    already show as LAPSED. The caller has left out clients with an upcoming booking.
    """
    figures = client.figures
    last_counted = figures.last_booking_at
    if len(visits) < window.min_visits or last_counted is None:
        return None
    if last_counted < window.lapsed_before:
        return None  # the LAPSED pill already says it
    last = visits[-1]
    absence = window.now - last
    between = gaps(visits)
    usual, longest = _median(between), max(between)
    policy = window.policy
    if absence < timedelta(days=policy.slipping_min_days) or absence <= longest:
        return None
    overdue = Decimal(absence.total_seconds()) / Decimal(max(usual.total_seconds(), 1.0))
    if overdue <= policy.slipping_factor:
        return None
    return SlippingClient(
        client_id=client.id,
        name=client.name,
        email=client.email,
        visits=len(visits),
        last_visit=last,
        usual_gap=usual,
        longest_gap=longest,
        absence=absence,
        overdue=overdue.quantize(_PLACES),
        lapses_on=window.lapses_on(last_counted),
    )


def slipping_order(found: SlippingClient) -> tuple[Decimal, timedelta, str]:
    """Most overdue first, then longest away, then id."""
    return (-found.overdue, -found.absence, found.client_id)
