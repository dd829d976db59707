"""Folding booking events: every fact is decided by its latest event."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.models.booking import Booking, BookingStatus, PaymentStatus
from clientcrm.models.events import BookingEvent
from clientcrm.rules.bookings import apply_event
from clientcrm.testing.conformance import event
from clientcrm.testing.strategies import booking_histories

T = datetime(2026, 1, 10, 9, tzinfo=UTC)


def fold(events: list[BookingEvent]) -> dict[str, Booking]:
    state: dict[str, Booking] = {}
    for e in events:
        state[e.booking_id] = apply_event(state.get(e.booking_id), e, "w", "c")
    return state


@given(history=booking_histories(), data=st.data())
def test_any_order_and_repetition_folds_to_the_same_bookings(
    history: list[BookingEvent], data: st.DataObject
) -> None:
    """Folding is commutative and idempotent over one set of events."""
    again = data.draw(st.permutations(history + history[: len(history) // 2]))
    assert fold(again) == fold(history)


def test_full_refund_before_payment_arrives() -> None:
    """A full refund that arrives before its payment still refunds the whole payment."""
    refund = event("refunded", "b", at=T + timedelta(hours=2))
    pay = event("paid", "b", amount="25.00", at=T + timedelta(hours=1))
    b = fold([refund, pay])["b"]
    assert (b.amount_paid, b.amount_refunded, b.payment_status) == (
        Decimal("25.00"),
        Decimal("25.00"),
        PaymentStatus.REFUNDED,
    )


def test_partial_refunds_report_the_running_total() -> None:
    """The latest partial refund's amount is the total refunded, whatever the arrival order."""
    events = [
        event("paid", "b", amount="40.00", at=T),
        event("partially_refunded", "b", amount="10.00", at=T + timedelta(hours=1)),
        event("partially_refunded", "b", amount="15.00", at=T + timedelta(hours=2)),
    ]
    b = fold(list(reversed(events)))["b"]
    assert b.amount_refunded == Decimal("15.00")
    assert b.net_paid == Decimal("25.00")
    assert b.payment_status is PaymentStatus.PARTIALLY_REFUNDED


def test_a_booking_first_seen_through_its_payment_is_booked() -> None:
    """Without a status event the booking is booked; a later status event still applies."""
    b = fold([event("paid", "b", amount="5.00", at=T + timedelta(days=1))])["b"]
    assert b.status is BookingStatus.BOOKED
    done = fold(
        [
            event("paid", "b", amount="5.00", at=T + timedelta(days=1)),
            event("completed", "b", at=T),
        ]
    )["b"]
    assert done.status is BookingStatus.COMPLETED


def test_equal_times_are_ordered_by_event_id() -> None:
    """Two events at the same moment: the larger event id wins, in either arrival order."""
    a = event("cancelled", "b", at=T, event_id="e-1")
    b = event("completed", "b", at=T, event_id="e-2")
    assert fold([a, b])["b"].status is fold([b, a])["b"].status is BookingStatus.COMPLETED


def test_every_detail_lands_in_its_own_field() -> None:
    """The fold builds bookings positionally (ingest's hottest call): each of the event's
    details, the ids and the versions must come out in the field that names it."""
    booked = event("booked", "b1", email="a@example.com", at=T, starts_at=T + timedelta(days=1))
    booked = attrs.evolve(booked, service="Yin", location="Room 2", staff="Mara")
    paid = event("paid", "b1", email="a@example.com", at=T + timedelta(hours=1), amount="20")
    first = apply_event(None, booked, "ws", "client")
    assert (first.id, first.workspace_id, first.client_id) == ("b1", "ws", "client")
    assert (first.service, first.location, first.staff) == ("Yin", "Room 2", "Mara")
    assert first.starts_at == T + timedelta(days=1)
    assert first.details_version == first.status_version == (T, booked.event_id)
    booking = apply_event(first, paid, "ws", "client")
    assert booking.first_event_at == T
    assert booking.status_version == (T, booked.event_id)
    assert booking.paid_version == (T + timedelta(hours=1), paid.event_id)
    assert (booking.amount_paid, booking.amount_refunded) == (Decimal(20), Decimal(0))
    assert booking.refund_version is None
    assert booking.refunded_in_full is False
