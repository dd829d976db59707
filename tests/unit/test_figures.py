"""Counting and lifetime spend (SPEC section 5) at their boundaries."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientcrm.models.booking import Booking, BookingStatus, PaymentStatus, Version
from clientcrm.rules.figures import compute_figures, counts, kept, quick_stats

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
V = Version(NOW - timedelta(days=30), "e")


def booking(
    status: str,
    paid: str = "0",
    refunded: str = "0",
    *,
    days_ago: int = 10,
    full_refund: bool = False,
    service: str = "Yin",
    booking_id: str = "b",
) -> Booking:
    is_paid = Decimal(paid) > 0 or full_refund
    has_refund = Decimal(refunded) > 0 or full_refund
    return Booking(
        id=booking_id,
        workspace_id="w",
        client_id="c",
        service=service,
        starts_at=NOW - timedelta(days=days_ago),
        status=BookingStatus(status),
        first_event_at=V.occurred_at,
        details_version=V,
        status_version=V,
        amount_paid=Decimal(paid),
        amount_refunded=Decimal(paid) if full_refund else Decimal(refunded),
        refunded_in_full=full_refund,
        paid_version=V if is_paid else None,
        refund_version=V if has_refund else None,
    )


@pytest.mark.parametrize(
    ("case", "b", "counted", "spend", "payment"),
    [
        ("completed and paid", booking("completed", "20.00"), True, "20.00", "paid"),
        ("completed, unpaid: counts, adds nothing", booking("completed"), True, "0", "unpaid"),
        ("no-show, money kept", booking("no_show", "20.00"), True, "20.00", "paid"),
        ("no-show, unpaid", booking("no_show"), False, "0", "unpaid"),
        ("cancelled, fee kept", booking("cancelled", "20.00"), True, "20.00", "paid"),
        (
            "cancelled, fully refunded",
            booking("cancelled", "20.00", full_refund=True),
            False,
            "0",
            "refunded",
        ),
        (
            "completed, fully refunded",
            booking("completed", "20.00", full_refund=True),
            False,
            "0",
            "refunded",
        ),
        (
            "completed, partially refunded",
            booking("completed", "20.00", "7.50"),
            True,
            "12.50",
            "partially_refunded",
        ),
        (
            "no-show, partially refunded keeps the rest",
            booking("no_show", "20.00", "19.99"),
            True,
            "0.01",
            "partially_refunded",
        ),
        (
            "refund equal to payment is a full refund",
            booking("completed", "20.00", "20.00"),
            False,
            "0",
            "refunded",
        ),
        (
            "upcoming booking is pending",
            booking("booked", "20.00", days_ago=-3),
            False,
            "0",
            "paid",
        ),
        ("past booking never closed", booking("booked", "20.00"), False, "0", "paid"),
    ],
)
def test_counting_and_spend(case: str, b: Booking, counted: bool, spend: str, payment: str) -> None:
    """Each case counts (or not) and adds exactly this much to lifetime spend."""
    assert counts(b) is counted, case
    assert kept(b) == (Decimal(spend) if counted else None), case
    figures = compute_figures([b], NOW - timedelta(days=60))
    assert figures.bookings == int(counted)
    assert figures.spend == Decimal(spend)
    assert b.payment_status == PaymentStatus(payment)


def test_dates_come_from_counted_and_completed_bookings() -> None:
    """First/last booking use counted bookings; last attended uses completed ones only."""
    history = [
        booking("completed", "10.00", days_ago=40, booking_id="a"),
        booking("no_show", "10.00", days_ago=5, booking_id="b"),
        booking("cancelled", "10.00", days_ago=2, full_refund=True, booking_id="c"),
        booking("booked", days_ago=-7, booking_id="d"),
    ]
    figures = compute_figures(history, NOW - timedelta(days=90))
    assert figures.first_booking_at == NOW - timedelta(days=40)
    assert figures.last_booking_at == NOW - timedelta(days=5)
    assert figures.last_attended_at == NOW - timedelta(days=40)
    assert figures.bookings == 2
    assert figures.spend == Decimal("20.00")


def test_quick_stats() -> None:
    """Averages, rates over held bookings, pending count and the most booked service."""
    history = [
        booking("completed", "30.00", service="Yin", booking_id="a"),
        booking("completed", "10.00", service="Flow", booking_id="b"),
        booking("completed", "20.00", service="Flow", booking_id="c"),
        booking("no_show", booking_id="d"),
        booking("booked", days_ago=-1, booking_id="e"),
    ]
    figures = compute_figures(history, NOW - timedelta(days=90))
    stats = quick_stats(history, figures, NOW)
    assert stats.total_bookings == 3
    assert stats.total_spend == Decimal("60.00")
    assert stats.average_per_booking == Decimal("20.00")
    assert stats.pending_bookings == 1
    assert stats.most_booked_service == "Flow"
    assert stats.completion_rate == Decimal("0.75")
    assert stats.no_show_rate == Decimal("0.25")
    assert stats.since_last_booking == timedelta(days=10)


def test_quick_stats_of_a_client_without_bookings() -> None:
    """Nothing to divide by gives None, not zero or an error."""
    figures = compute_figures([], NOW)
    stats = quick_stats([], figures, NOW)
    assert (stats.average_per_booking, stats.completion_rate, stats.since_first_booking) == (
        None,
        None,
        None,
    )
