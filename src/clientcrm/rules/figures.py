"""Counting, lifetime spend and quick stats (SPEC section 5): pure functions of bookings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from clientcrm.models.booking import Booking, BookingStatus
from clientcrm.models.client import ClientFigures
from clientcrm.models.shares import share

# Members as module constants: `counts` and `FigureTally.move` run for every booking recorded.
_COMPLETED, _NO_SHOW = BookingStatus.COMPLETED, BookingStatus.NO_SHOW
_CANCELLED = BookingStatus.CANCELLED
_NOTHING = Decimal(0)  # compared with as a Decimal: an int would be converted every time

__all__ = [
    "FigureTally",
    "QuickStats",
    "compute_figures",
    "counts",
    "is_pending",
    "kept",
    "quick_stats",
    "update_figures",
]


def counts(booking: Booking) -> bool:
    """Whether a booking counts: completed, or a no-show or cancellation whose money was kept.

    A fully refunded booking never counts; an upcoming or unattended ``booked`` one does not.
    """
    paid, refunded, status = booking.amount_paid, booking.amount_refunded, booking.status
    if refunded and paid > _NOTHING and refunded >= paid:  # most bookings refund nothing
        return False
    if status is _COMPLETED:
        return True
    if status is _NO_SHOW or status is _CANCELLED:
        return booking.net_paid > 0
    return False


def kept(booking: Booking) -> Decimal | None:
    """What a booking that `counts` adds to spend (its `Booking.net_paid`); ``None`` when it
    does not count. One call where the fold of a journey would make two."""
    if not booking.amount_refunded and booking.status is _COMPLETED:  # most bookings
        return booking.amount_paid
    return booking.net_paid if counts(booking) else None


def is_pending(booking: Booking, now: datetime) -> bool:
    """Whether a booking is upcoming: still ``booked`` and starting after ``now``."""
    return booking.status is BookingStatus.BOOKED and booking.starts_at > now


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    return a if b is None or a >= b else b


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    return a if b is None or a <= b else b


def compute_figures(
    bookings: Iterable[Booking], created_at: datetime, active_at: datetime | None = None
) -> ClientFigures:
    """Recompute a client's figures from scratch from all their bookings; ``active_at`` is
    the latest moment of anything else about them (orders, activities)."""
    total = 0
    spend = Decimal(0)
    first = last = attended = None
    activity: datetime | None = _latest(created_at, active_at)
    outcomes = Counter[BookingStatus]()
    for booking in bookings:
        activity = _latest(activity, _last_event_at(booking))
        outcomes[booking.status] += 1
        if booking.status is BookingStatus.COMPLETED:
            attended = _latest(attended, booking.starts_at)
        if counts(booking):
            total += 1
            spend += booking.net_paid
            first = _earliest(first, booking.starts_at)
            last = _latest(last, booking.starts_at)
    return ClientFigures(
        total,
        spend,
        first,
        last,
        attended,
        activity,
        made=outcomes.total(),
        completed=outcomes[BookingStatus.COMPLETED],
        cancelled=outcomes[BookingStatus.CANCELLED],
        no_shows=outcomes[BookingStatus.NO_SHOW],
    )


def _last_event_at(booking: Booking) -> datetime:
    latest = booking.details_version[0]
    for version in (booking.status_version, booking.paid_version, booking.refund_version):
        if version is not None and version[0] > latest:
            latest = version[0]
    return latest


def update_figures(
    figures: ClientFigures, before: Booking | None, after: Booking
) -> ClientFigures | None:
    """Return the figures after one booking changed from ``before`` to ``after``.

    Counts and spend move by the booking's difference. The earliest/latest dates move
    forward cheaply; when the booking that held one of them stops holding it, the answer
    needs the other bookings, and ``None`` says so: recompute with `compute_figures`.
    """
    tally = FigureTally.of(figures)
    return tally.figures() if tally.move(before, after) else None


@attrs.define
class FigureTally:
    """A client's figures while many booking changes move them (a batch of ingest).

    The working form of `ClientFigures`: `move` applies one change in place, and `figures`
    freezes the result once, however many changes there were.
    """

    bookings: int
    spend: Decimal
    first_booking_at: datetime | None
    last_booking_at: datetime | None
    last_attended_at: datetime | None
    last_activity_at: datetime | None
    made: int
    outcomes: dict[BookingStatus, int]

    @classmethod
    def of(cls, figures: ClientFigures) -> FigureTally:
        """Start from a client's materialised figures."""
        return cls(
            figures.bookings,
            figures.spend,
            figures.first_booking_at,
            figures.last_booking_at,
            figures.last_attended_at,
            figures.last_activity_at,
            figures.made,
            {
                _COMPLETED: figures.completed,
                _CANCELLED: figures.cancelled,
                _NO_SHOW: figures.no_shows,
                BookingStatus.BOOKED: 0,  # not kept: a booking's fate is what insights count
            },
        )

    def figures(self) -> ClientFigures:
        """The figures as they stand."""
        outcomes = self.outcomes
        return ClientFigures(
            self.bookings,
            self.spend,
            self.first_booking_at,
            self.last_booking_at,
            self.last_attended_at,
            self.last_activity_at,
            made=self.made,
            completed=outcomes[_COMPLETED],
            cancelled=outcomes[_CANCELLED],
            no_shows=outcomes[_NO_SHOW],
        )

    def move(self, before: Booking | None, after: Booking) -> bool:
        """Apply one booking's change from ``before`` to ``after`` (see `update_figures`).

        Returns ``False``, changing nothing, when the answer needs the other bookings.
        """
        now_counts = counts(after)
        if before is not None:
            was = counts(before)
            if _loses_extreme(self, before, after, was=was, now=now_counts):
                return False
            if was:
                self.spend -= before.net_paid
                self.bookings -= 1
            self.outcomes[before.status] -= 1
        else:
            self.made += 1
        self.outcomes[after.status] += 1
        starts_at = after.starts_at
        if now_counts:
            self.spend += after.net_paid
            self.bookings += 1
            first, last = self.first_booking_at, self.last_booking_at
            if first is None or starts_at < first:
                self.first_booking_at = starts_at
            if last is None or starts_at > last:
                self.last_booking_at = starts_at
        if after.status is _COMPLETED:
            attended = self.last_attended_at
            if attended is None or starts_at > attended:
                self.last_attended_at = starts_at
        self.last_activity_at = _latest(self.last_activity_at, _last_event_at(after))
        return True


def _loses_extreme(
    figures: ClientFigures | FigureTally, before: Booking, after: Booking, *, was: bool, now: bool
) -> bool:
    """Whether ``before`` held an earliest/latest date that ``after`` no longer holds."""
    moved = after.starts_at != before.starts_at
    held_span = was and before.starts_at in (figures.first_booking_at, figures.last_booking_at)
    held_attended = before.status is _COMPLETED and before.starts_at == figures.last_attended_at
    still_completed = after.status is _COMPLETED
    return (held_span and (moved or not now)) or (held_attended and (moved or not still_completed))


@attrs.frozen
class QuickStats:
    """The header figures of a client's page (SPEC section 5).

    Rates are fractions in [0, 1] of the bookings that have happened (not upcoming ones);
    ``None`` where there is nothing to divide by.
    """

    total_bookings: int
    total_spend: Decimal
    average_per_booking: Decimal | None
    since_first_booking: timedelta | None
    since_last_booking: timedelta | None
    pending_bookings: int
    most_booked_service: str | None
    completion_rate: Decimal | None
    no_show_rate: Decimal | None


def quick_stats(
    bookings: Iterable[Booking], figures: ClientFigures, now: datetime, *, places: int = 2
) -> QuickStats:
    """Return the quick stats of one client at ``now``; money is rounded to ``places``."""
    pending = 0
    happened = Counter[BookingStatus]()
    services = Counter[str]()
    for booking in bookings:
        if is_pending(booking, now):
            pending += 1
        elif booking.status is not BookingStatus.BOOKED:
            happened[booking.status] += 1
        if counts(booking):
            services[booking.service] += 1
    held = sum(happened.values())
    average = None
    if figures.bookings:
        average = (figures.spend / figures.bookings).quantize(Decimal(1).scaleb(-places))
    return QuickStats(
        total_bookings=figures.bookings,
        total_spend=figures.spend,
        average_per_booking=average,
        since_first_booking=now - figures.first_booking_at if figures.first_booking_at else None,
        since_last_booking=now - figures.last_booking_at if figures.last_booking_at else None,
        pending_bookings=pending,
        most_booked_service=min(services, key=lambda s: (-services[s], s)) if services else None,
        completion_rate=share(happened[BookingStatus.COMPLETED], held),
        no_show_rate=share(happened[BookingStatus.NO_SHOW], held),
    )
