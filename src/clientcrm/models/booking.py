"""Bookings: the state a booking's events fold into."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import attrs

__all__ = ["Booking", "BookingStatus", "PaymentStatus", "Version"]


class BookingStatus(enum.StrEnum):
    """Where a booking stands."""

    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class PaymentStatus(enum.StrEnum):
    """Where a booking's money stands."""

    UNPAID = "unpaid"
    PAID = "paid"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class Version(NamedTuple):
    """When a fact was true: the host's ``occurred_at``, then its event id to break ties.

    A named tuple rather than an attrs class: versions are compared on every event, and
    tuple comparison is the fastest Python has.
    """

    occurred_at: datetime
    event_id: str


@attrs.frozen
class Booking:
    """One booking, as the latest of its events say (last writer wins per fact, by `Version`).

    Attributes:
        id: the host's booking id.
        workspace_id: the workspace.
        client_id: the client who booked.
        service: the class or service title.
        starts_at: when the session starts.
        location: where, if known.
        staff: who teaches or serves, if known.
        status: booked, completed, cancelled or no-show.
        amount_paid: what was paid, in the workspace currency.
        amount_refunded: what was given back so far.
        refunded_in_full: whether a full refund was recorded (then ``amount_refunded`` equals
            ``amount_paid`` whatever order the events came in).
        first_event_at: the earliest ``occurred_at`` of its events.
        details_version: the version of the service, start, location and staff.
        status_version: the version of the status.
        paid_version: the version of the payment, ``None`` while unpaid.
        refund_version: the version of the refund, ``None`` while not refunded.
        series_id: the recurring series it belongs to, if any (a detail, like the start).
    """

    id: str
    workspace_id: str
    client_id: str
    service: str
    starts_at: datetime
    status: BookingStatus
    first_event_at: datetime
    details_version: Version
    status_version: Version
    location: str | None = None
    staff: str | None = None
    amount_paid: Decimal = Decimal(0)
    amount_refunded: Decimal = Decimal(0)
    refunded_in_full: bool = False
    paid_version: Version | None = None
    refund_version: Version | None = None
    series_id: str | None = None

    @property
    def payment_status(self) -> PaymentStatus:
        """Unpaid, paid, refunded (nothing kept) or partially refunded."""
        if self.paid_version is None:
            return PaymentStatus.UNPAID
        if self.refund_version is None or self.amount_refunded <= 0:
            return PaymentStatus.PAID
        if self.amount_refunded >= self.amount_paid:
            return PaymentStatus.REFUNDED
        return PaymentStatus.PARTIALLY_REFUNDED

    @property
    def net_paid(self) -> Decimal:
        """What the workspace keeps: paid minus refunded, never below zero."""
        if not self.amount_refunded:
            return self.amount_paid
        return max(self.amount_paid - self.amount_refunded, Decimal(0))
