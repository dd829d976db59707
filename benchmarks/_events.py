"""Booking events for the benchmarks: one completed booking per event, 20 per client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from clientcrm import BookingEvent, BookingEventKind

START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
BOOKINGS_PER_CLIENT = 20


def events(count: int, start: int = 0) -> Iterator[BookingEvent]:
    """``count`` completed-booking events from the ``start``-th; client ``n // 20`` books
    booking ``n``."""
    for n in range(start, start + count):
        client = n // BOOKINGS_PER_CLIENT
        at = START + timedelta(minutes=37 * n)
        yield BookingEvent(
            kind=BookingEventKind.COMPLETED,
            event_id=f"e{n}",
            booking_id=f"b{n}",
            occurred_at=at,
            email=f"client{client}@example.com",
            service="Vinyasa Flow",
            starts_at=at,
            name=f"Client {client}",
            location="Studio A",
        )
