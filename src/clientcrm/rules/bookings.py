"""Folding booking events into booking state: idempotent and order-independent.

Each booking keeps four facts (details, status, payment, refund), and each fact is set by the
event with the latest `Version` that carries it. "Latest wins" is commutative and idempotent,
so any order or repetition of one set of events folds to the same booking.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from clientcrm.models.booking import Booking, BookingStatus, Version
from clientcrm.models.events import BookingEvent, BookingEventKind

__all__ = ["BEGINNING", "apply_event"]

BEGINNING = Version(datetime(1, 1, 1, tzinfo=UTC), "")
"""The version of a fact no event has set yet."""

_STATUS_OF: dict[BookingEventKind, BookingStatus] = {
    BookingEventKind.BOOKED: BookingStatus.BOOKED,
    BookingEventKind.COMPLETED: BookingStatus.COMPLETED,
    BookingEventKind.CANCELLED: BookingStatus.CANCELLED,
    BookingEventKind.NO_SHOW: BookingStatus.NO_SHOW,
}


def apply_event(
    booking: Booking | None, event: BookingEvent, workspace_id: str, client_id: str
) -> Booking:
    """Return the booking after ``event``; ``booking`` is its state before (``None`` if new).

    Amounts in the booking are plain Decimals in the workspace currency; the caller has
    checked the event's currency.
    """
    version = Version(event.occurred_at, event.event_id)
    if booking is None:
        # Until a status event arrives the booking is "booked", older than any real event.
        booking = _NEW
        details_newer = True
        first_event_at = event.occurred_at
    else:
        details_newer = version > booking.details_version
        first_event_at = min(booking.first_event_at, event.occurred_at)
    details = event if details_newer else booking
    status, status_version = booking.status, booking.status_version
    new_status = _STATUS_OF.get(event.kind)
    if new_status is not None and version > status_version:
        status, status_version = new_status, version
    paid, paid_version = booking.amount_paid, booking.paid_version
    refunded, in_full, refund_version = (
        booking.amount_refunded,
        booking.refunded_in_full,
        booking.refund_version,
    )
    amount = event.amount.amount if event.amount is not None else _ZERO
    kind = event.kind
    if kind is _PAID and (paid_version is None or version > paid_version):
        paid, paid_version = amount, version
    elif kind in _REFUNDS and (refund_version is None or version > refund_version):
        in_full = kind is _REFUNDED
        refunded, refund_version = amount, version
    if in_full:
        refunded = paid
    # Positional, in field order: the hottest constructor of ingest.
    return Booking(
        event.booking_id,
        workspace_id,
        client_id,
        details.service,
        details.starts_at,
        status,
        first_event_at,
        version if details_newer else booking.details_version,
        status_version,
        details.location,
        details.staff,
        paid,
        refunded,
        in_full,
        paid_version,
        refund_version,
        details.series_id,
    )


_ZERO = Decimal(0)
_PAID, _REFUNDED = BookingEventKind.PAID, BookingEventKind.REFUNDED
_REFUNDS = frozenset({BookingEventKind.REFUNDED, BookingEventKind.PARTIALLY_REFUNDED})
_NEW = Booking(
    id="",
    workspace_id="",
    client_id="",
    service="",
    starts_at=BEGINNING.occurred_at,
    status=BookingStatus.BOOKED,
    first_event_at=BEGINNING.occurred_at,
    details_version=BEGINNING,
    status_version=BEGINNING,
)
"""The state before any event: every fact unset, every version the oldest possible."""
