"""Workspace aggregates in plain Python (SPEC section 10): what a store without a query
engine answers with, and the reference the SQL aggregates are tested against."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from clientcrm.models.booking import Booking, BookingStatus
from clientcrm.models.client import Client, StatusPill
from clientcrm.models.insights import WorkspaceCounts
from clientcrm.rules.figures import counts, is_pending
from clientcrm.rules.search import fold
from clientcrm.rules.slipping import SlippingWindow
from clientcrm.rules.status import pill

__all__ = [
    "PythonInsights",
    "at_risk",
    "at_risk_order",
    "bin_width",
    "cohort_counts",
    "is_at_risk",
    "month_of",
    "recurring_ids",
    "top_completed",
    "workspace_counts",
]


def workspace_counts(
    clients: Iterable[Client], lapsed_before: datetime, regular_min: int
) -> WorkspaceCounts:
    """Count the clients, those with each status pill, and what became of their bookings."""
    pills = Counter[StatusPill]()
    made = completed = cancelled = no_shows = counted = with_credits = 0
    revenue = Decimal(0)
    for client in clients:
        f = client.figures
        pills[pill(f, lapsed_before, regular_min)] += 1
        revenue += f.spend
        counted += f.bookings
        with_credits += client.credits.available > 0
        made += f.made
        completed += f.completed
        cancelled += f.cancelled
        no_shows += f.no_shows
    return WorkspaceCounts(
        pills.total(),
        pills[StatusPill.NEW],
        pills[StatusPill.ACTIVE],
        pills[StatusPill.REGULAR],
        pills[StatusPill.LAPSED],
        made,
        completed,
        cancelled,
        no_shows,
        revenue,
        counted,
        with_credits,
    )


def top_completed(clients: Iterable[Client], limit: int) -> list[Client]:
    """The ``limit`` clients with the most completed bookings (at least one), ties by
    folded name, then id."""
    done = (c for c in clients if c.figures.completed > 0)
    return heapq.nsmallest(limit, done, key=lambda c: (-c.figures.completed, fold(c.name), c.id))


def is_at_risk(client: Client, more_than: int, above: Decimal) -> bool:
    """More than ``more_than`` bookings made, and cancelled + no-shows over ``above`` of them."""
    f = client.figures
    return f.made > more_than and Decimal(f.cancelled + f.no_shows) > above * f.made


def at_risk_order(client: Client) -> tuple[float, int, str]:
    """Highest rate first, then most bookings, then id (the order of every store)."""
    f = client.figures
    return (-(f.cancelled + f.no_shows) / f.made, -f.made, client.id)


def at_risk(
    clients: Iterable[Client], more_than: int, above: Decimal, limit: int
) -> tuple[int, list[Client]]:
    """How many clients are at risk, and the first ``limit`` of them (`at_risk_order`)."""
    found = [c for c in clients if is_at_risk(c, more_than, above)]
    return len(found), heapq.nsmallest(limit, found, key=at_risk_order)


def recurring_ids(bookings: Iterable[Booking], after: datetime) -> set[str]:
    """The clients with a booking of a recurring series still booked to start after ``after``."""
    return {
        b.client_id
        for b in bookings
        if b.series_id is not None and b.status is BookingStatus.BOOKED and b.starts_at > after
    }


def bin_width(top: Decimal, bins: int) -> Decimal:
    """A round width (1, 2 or 5 times a power of ten) that splits ``[0, top]`` into at most
    ``bins`` bins of equal width (and never less than a whole unit)."""
    if top <= 0:
        return Decimal(1)
    raw = top / bins
    power = Decimal(10) ** max(raw.adjusted(), 0)
    for step in (1, 2, 5, 10):
        if power * step * bins > top:
            return power * step
    return power * 10


def month_of(moment: datetime, tz: ZoneInfo) -> date:
    """The first day of the month ``moment`` falls in, in ``tz``."""
    return moment.astimezone(tz).date().replace(day=1)


def cohort_counts(
    bookings: Iterable[Booking], tz: ZoneInfo, until: datetime
) -> dict[tuple[date, date], int]:
    """For each (first month, month) pair, how many clients whose first counted booking fell
    in the first month had a counted booking in the month; bookings after ``until`` are left
    out (months in ``tz``)."""
    months: dict[str, set[date]] = defaultdict(set)
    for booking in bookings:
        if booking.starts_at <= until and counts(booking):
            months[booking.client_id].add(month_of(booking.starts_at, tz))
    found: dict[tuple[date, date], int] = defaultdict(int)
    for active in months.values():
        first = min(active)
        for month in active:
            found[first, month] += 1
    return dict(found)


class PythonInsights:
    """The insight repository of a store without a query engine, over two functions that
    return a workspace's clients and its bookings (the memory store's, for one)."""

    def __init__(
        self,
        clients: Callable[[str], Iterable[Client]],
        bookings: Callable[[str], Iterable[Booking]],
    ) -> None:
        self._clients = clients
        self._bookings = bookings

    def counts(
        self, workspace_id: str, lapsed_before: datetime, regular_min: int
    ) -> WorkspaceCounts:
        return workspace_counts(self._clients(workspace_id), lapsed_before, regular_min)

    def top_completed(self, workspace_id: str, limit: int) -> list[Client]:
        return top_completed(self._clients(workspace_id), limit)

    def at_risk(
        self, workspace_id: str, more_than: int, above: Decimal, limit: int
    ) -> tuple[int, list[Client]]:
        return at_risk(self._clients(workspace_id), more_than, above, limit)

    def recurring(self, workspace_id: str, after: datetime) -> int:
        return len(recurring_ids(self._bookings(workspace_id), after))

    def recurring_of(self, workspace_id: str, after: datetime, among: Collection[str]) -> set[str]:
        return recurring_ids(self._bookings(workspace_id), after) & set(among)

    def cohorts(
        self, workspace_id: str, timezone: ZoneInfo, until: datetime
    ) -> dict[tuple[date, date], int]:
        return cohort_counts(self._bookings(workspace_id), timezone, until)

    def monthly(
        self, workspace_id: str, timezone: ZoneInfo, since: datetime, until: datetime
    ) -> dict[tuple[date, BookingStatus], int]:
        found = Counter(
            (month_of(b.starts_at, timezone), b.status)
            for b in self._bookings(workspace_id)
            if since <= b.starts_at < until
        )
        return dict(found)

    def top_spend(self, workspace_id: str) -> Decimal:
        return max((c.figures.spend for c in self._clients(workspace_id)), default=Decimal(0))

    def spend_bins(self, workspace_id: str, width: Decimal) -> dict[int, int]:
        found = Counter(
            int(c.figures.spend // width)
            for c in self._clients(workspace_id)
            if c.figures.bookings > 0
        )
        return dict(found)

    def visits(
        self, workspace_id: str, window: SlippingWindow
    ) -> Iterator[tuple[Client, list[datetime]]]:
        history: dict[str, list[Booking]] = defaultdict(list)
        for booking in self._bookings(workspace_id):
            history[booking.client_id].append(booking)
        for client in self._clients(workspace_id):
            if not _may_slip(client, window):
                continue
            bookings = history[client.id]
            if not any(is_pending(b, window.now) for b in bookings):
                done = BookingStatus.COMPLETED
                yield client, sorted(b.starts_at for b in bookings if b.status is done)


def _may_slip(client: Client, window: SlippingWindow) -> bool:
    f = client.figures
    return (
        f.completed >= window.min_visits
        and f.last_booking_at is not None
        and f.last_booking_at >= window.lapsed_before
        and f.last_attended_at is not None
        and f.last_attended_at <= window.last_visit_by
    )
