"""Booking events (what the host reports) and domain events (what clientcrm reports)."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models._checks import normalise_email, require_aware, require_text
from clientcrm.models.money import Money

__all__ = [
    "BookingEvent",
    "BookingEventKind",
    "BookingRecorded",
    "ClientCreated",
    "ClientFlagged",
    "DomainEvent",
]


class BookingEventKind(enum.StrEnum):
    """What happened to a booking."""

    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    PAID = "paid"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


_MONEY_KINDS = frozenset({BookingEventKind.PAID, BookingEventKind.PARTIALLY_REFUNDED})


def _id(value: str) -> str:
    return require_text(value, "id", max_length=128)


def _service(value: str) -> str:
    return require_text(value, "service", max_length=200)


def _occurred_at(value: datetime) -> datetime:
    return require_aware(value, "occurred_at")


def _starts_at(value: datetime) -> datetime:
    return require_aware(value, "starts_at")


@attrs.frozen
class BookingEvent:
    """A fact about one booking, reported by the host.

    Every event carries the booking's details (service and start) and the booker's email, so
    whichever event arrives first can create the booking and, for an unknown email, the client.
    Recording is idempotent and order-independent: for each fact (details, status, payment,
    refund) the event with the latest ``(occurred_at, event_id)`` wins.

    Attributes:
        kind: what happened.
        event_id: the host's id of this event (breaks ties between equal ``occurred_at``).
        booking_id: the host's id of the booking.
        occurred_at: when it happened, timezone-aware.
        email: the booker's email (a guest's too).
        service: the class or service title.
        starts_at: when the session starts, timezone-aware.
        name: the booker's name, if known.
        phone: the booker's phone, if known.
        location: where the session takes place.
        staff: who teaches or serves.
        language: the booker's preferred language (BCP 47), if known.
        amount: for ``paid``, the amount paid; for ``partially_refunded``, the total refunded
            on the booking so far (as payment providers report it). Other kinds carry none.
    """

    kind: BookingEventKind = attrs.field(converter=BookingEventKind)
    event_id: str = attrs.field(converter=_id)
    booking_id: str = attrs.field(converter=_id)
    occurred_at: datetime = attrs.field(converter=_occurred_at)
    email: str = attrs.field(converter=normalise_email)
    service: str = attrs.field(converter=_service)
    starts_at: datetime = attrs.field(converter=_starts_at)
    name: str | None = None
    phone: str | None = None
    location: str | None = None
    staff: str | None = None
    language: str | None = None
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        for field in ("name", "phone", "location", "staff", "language"):
            value = getattr(self, field)
            if value is not None:
                require_text(value, field, max_length=200, allow_empty=True)
        if self.kind in _MONEY_KINDS:
            if self.amount is None:
                raise ValidationError("amount", f"a {self.kind} event needs an amount")
            if self.amount.amount < 0:
                raise ValidationError("amount", "must not be negative")
        elif self.amount is not None:
            raise ValidationError("amount", f"a {self.kind} event carries no amount")


@attrs.frozen
class DomainEvent:
    """Something clientcrm tells subscribers after a unit of work commits."""

    workspace_id: str
    client_id: str
    occurred_at: datetime


@attrs.frozen
class ClientCreated(DomainEvent):
    """A client record was created (by a booking, manually or by an import)."""

    email: str


@attrs.frozen
class BookingRecorded(DomainEvent):
    """A booking event changed a booking."""

    booking_id: str
    kind: BookingEventKind


@attrs.frozen
class ClientFlagged(DomainEvent):
    """A manual flag was set or cleared."""

    flag: str
    on: bool
