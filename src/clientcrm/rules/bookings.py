"""Folding booking events into booking state: idempotent and order-independent.

Each booking keeps four facts (details, status, payment, refund), and each fact is set by the
event with the latest `Version` that carries it. "Latest wins" is commutative and idempotent,
so any order or repetition of one set of events folds to the same booking.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs

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
        booking = Booking(
            id=event.booking_id,
            workspace_id=workspace_id,
            client_id=client_id,
            service=event.service,
            starts_at=event.starts_at,
            location=event.location,
            staff=event.staff,
            status=BookingStatus.BOOKED,
            first_event_at=event.occurred_at,
            details_version=version,
            # Until a status event arrives the booking is "booked", older than any real event.
            status_version=BEGINNING,
        )
    changes: dict[str, object] = {}
    if event.occurred_at < booking.first_event_at:
        changes["first_event_at"] = event.occurred_at
    if version > booking.details_version:
        changes.update(
            service=event.service,
            starts_at=event.starts_at,
            location=event.location,
            staff=event.staff,
            details_version=version,
        )
    status = _STATUS_OF.get(event.kind)
    if status is not None and version > booking.status_version:
        changes.update(status=status, status_version=version)
    amount = event.amount.amount if event.amount is not None else Decimal(0)
    if event.kind is BookingEventKind.PAID and _newer(version, booking.paid_version):
        changes.update(amount_paid=amount, paid_version=version)
        if booking.refunded_in_full:
            changes["amount_refunded"] = amount
    elif event.kind is BookingEventKind.REFUNDED and _newer(version, booking.refund_version):
        changes.update(
            amount_refunded=changes.get("amount_paid", booking.amount_paid),
            refunded_in_full=True,
            refund_version=version,
        )
    elif event.kind is BookingEventKind.PARTIALLY_REFUNDED and _newer(
        version, booking.refund_version
    ):
        changes.update(amount_refunded=amount, refunded_in_full=False, refund_version=version)
    return attrs.evolve(booking, **changes) if changes else booking  # type: ignore[arg-type]


def _newer(version: Version, current: Version | None) -> bool:
    return current is None or version > current
