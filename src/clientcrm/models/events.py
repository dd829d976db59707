"""Booking events (what the host reports) and domain events (what clientcrm reports)."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models._checks import normalise_email, require_aware, require_text
from clientcrm.models.activity import ActivityKind
from clientcrm.models.journey import MilestoneKind, Stage
from clientcrm.models.money import Money

__all__ = [
    "ActivityEvent",
    "BookingEvent",
    "BookingEventKind",
    "BookingRecorded",
    "ClientCreated",
    "ClientErased",
    "ClientEvent",
    "ClientFlagged",
    "DomainEvent",
    "MilestoneReached",
    "OrderEvent",
    "OrderEventKind",
    "StageChanged",
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
        series_id: the host's id of the recurring series the booking belongs to, if any
            (a weekly class the client booked once for every week).
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
    series_id: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_optional_text(self, ("name", "phone", "location", "staff", "language", "series_id"))
        if self.kind in _MONEY_KINDS:
            if self.amount is None:
                raise ValidationError("amount", f"a {self.kind} event needs an amount")
            if self.amount.amount < 0:
                raise ValidationError("amount", "must not be negative")
        elif self.amount is not None:
            raise ValidationError("amount", f"a {self.kind} event carries no amount")


def _check_optional_text(event: object, fields: tuple[str, ...]) -> None:
    for field in fields:
        value = getattr(event, field)
        if value is not None:
            require_text(value, field, max_length=200, allow_empty=True)


class OrderEventKind(enum.StrEnum):
    """What happened to an order."""

    PLACED = "placed"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


def _order_id(value: str) -> str:
    return require_text(value, "order_id", max_length=128)


def _description(value: str) -> str:
    return require_text(value, "description", max_length=200)


@attrs.frozen
class OrderEvent:
    """A fact about one e-commerce order, reported by the host.

    Like a booking event, it carries the order's details and the buyer's email, so whichever
    event arrives first creates the order and, for an unknown email, the client. For each fact
    (details, status) the event with the latest ``(occurred_at, event_id)`` wins.

    Attributes:
        kind: what happened.
        event_id: the host's id of this event.
        order_id: the host's id of the order.
        occurred_at: when it happened, timezone-aware.
        email: the buyer's email.
        description: what was ordered.
        amount: the order's total, in the workspace currency.
        name: the buyer's name, if known.
        phone: the buyer's phone, if known.
        language: the buyer's preferred language, if known.
    """

    kind: OrderEventKind = attrs.field(converter=OrderEventKind)
    event_id: str = attrs.field(converter=_id)
    order_id: str = attrs.field(converter=_order_id)
    occurred_at: datetime = attrs.field(converter=_occurred_at)
    email: str = attrs.field(converter=normalise_email)
    description: str = attrs.field(converter=_description)
    amount: Money
    name: str | None = None
    phone: str | None = None
    language: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_optional_text(self, ("name", "phone", "language"))
        if not isinstance(self.amount, Money):
            raise ValidationError("amount", "must be Money")
        if self.amount.amount < 0:
            raise ValidationError("amount", "must not be negative")


def _title(value: str | None) -> str | None:
    return None if value is None else require_text(value, "title", max_length=200)


@attrs.frozen
class ActivityEvent:
    """Something a client did that is neither a booking nor an order: sent a form, made a
    referral, left a review, shared the business. Recording it again changes nothing.

    Like a booking, an activity from an unknown email creates the client (so that the order
    in which a client's events arrive never matters).

    Attributes:
        kind: what the client did.
        event_id: the host's id of this event.
        occurred_at: when, timezone-aware.
        email: the client's email.
        title: what it was about (the form's title, say), if known.
        points: the loyalty points a `ActivityKind.REDEMPTION` takes (at least 1; zero for
            every other kind). A batch that would take a client's available points below
            zero is refused.
        name: the client's name, if known.
        phone: the client's phone, if known.
        language: the client's preferred language, if known.
    """

    kind: ActivityKind = attrs.field(converter=ActivityKind)
    event_id: str = attrs.field(converter=_id)
    occurred_at: datetime = attrs.field(converter=_occurred_at)
    email: str = attrs.field(converter=normalise_email)
    title: str | None = attrs.field(default=None, converter=_title)
    points: int = 0
    name: str | None = None
    phone: str | None = None
    language: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_optional_text(self, ("name", "phone", "language"))
        if type(self.points) is not int:
            raise ValidationError("points", "must be a whole number")
        if self.kind is ActivityKind.REDEMPTION and self.points < 1:
            raise ValidationError("points", "a redemption takes at least 1 point")
        if self.kind is not ActivityKind.REDEMPTION and self.points:
            raise ValidationError("points", f"a {self.kind.value} carries no points")


ClientEvent = BookingEvent | OrderEvent | ActivityEvent
"""Any event a host records about a client."""


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
class ClientErased(DomainEvent):
    """A client's personal data was erased (SPEC section 13): tell the owner. The record
    stays, anonymous, with its transactions."""


@attrs.frozen
class ClientFlagged(DomainEvent):
    """A manual flag was set or cleared."""

    flag: str
    on: bool


@attrs.frozen
class StageChanged(DomainEvent):
    """A client moved to another journey stage (``occurred_at`` is when, not when noticed)."""

    previous: Stage | None
    stage: Stage
    trigger: str


@attrs.frozen
class MilestoneReached(DomainEvent):
    """A client reached a milestone (``occurred_at`` is the event that earned it)."""

    kind: MilestoneKind
    trigger: str
