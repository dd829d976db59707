"""Clients and their materialised figures."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from clientcrm.models.credits import CreditSummary
from clientcrm.models.journey import Journey

__all__ = ["Client", "ClientFigures", "ClientSummary", "Flag", "Source", "StatusPill"]


class Flag(enum.StrEnum):
    """Manual flags an owner sets beside the status pill (seed 001)."""

    VIP = "vip"
    BLOCKED = "blocked"
    INACTIVE = "inactive"


class Source(enum.StrEnum):
    """How a client record came to exist."""

    BOOKING = "booking"
    FORM = "form"
    ORDER = "order"
    MANUAL = "manual"
    IMPORT = "import"
    ACTIVITY = "activity"
    """A referral, review or share (`clientcrm.models.events.ActivityEvent`)."""


class StatusPill(enum.StrEnum):
    """The status pill of SPEC section 6, evaluated at a moment."""

    LAPSED = "lapsed"
    REGULAR = "regular"
    ACTIVE = "active"
    NEW = "new"


@attrs.frozen
class ClientFigures:
    """The figures derived from a client's bookings (SPEC section 5), kept materialised.

    Attributes:
        bookings: the number of counted bookings.
        spend: lifetime spend in the workspace currency: paid minus refunded over counted bookings.
        first_booking_at: start of the earliest counted booking.
        last_booking_at: start of the latest counted booking (drives LAPSED).
        last_attended_at: start of the latest completed booking.
        last_activity_at: the latest moment anything happened to the client.
        made: every booking the client made, whatever became of it (counted or not).
        completed: those completed.
        cancelled: those cancelled.
        no_shows: those the client did not turn up to.
    """

    bookings: int = 0
    spend: Decimal = Decimal(0)
    first_booking_at: datetime | None = None
    last_booking_at: datetime | None = None
    last_attended_at: datetime | None = None
    last_activity_at: datetime | None = None
    made: int = 0
    completed: int = 0
    cancelled: int = 0
    no_shows: int = 0


@attrs.frozen
class Client:
    """A person the workspace has a relationship with.

    Attributes:
        id: clientcrm's id of the client.
        workspace_id: the workspace the record belongs to.
        name: the display name.
        email: the primary email, normalised (trimmed, lower case); unique in the workspace.
        aliases: further emails that route to this client.
        phone: E.164 where it parsed.
        phone_aliases: further phones the client was seen with (E.164 where they parsed).
        language: preferred language (BCP 47 tag), if known.
        avatar_url: a picture, if the host has one.
        tags: free labels.
        flags: manual flags (VIP, BLOCKED, INACTIVE).
        source: how the record came to exist.
        created_at: "client since".
        custom: host-defined fields: string keys, JSON-able values.
        figures: the materialised figures.
        journey: the materialised journey (stage, counts, milestones); ``None`` until it is
            first evaluated (clients stored before journeys existed).
        credits: the credits of the client's packages at a glance.
    """

    id: str
    workspace_id: str
    name: str
    email: str
    created_at: datetime
    source: Source = Source.MANUAL
    phone: str | None = None
    aliases: frozenset[str] = frozenset()
    phone_aliases: frozenset[str] = frozenset()
    language: str | None = None
    avatar_url: str | None = None
    tags: frozenset[str] = frozenset()
    flags: frozenset[Flag] = frozenset()
    custom: dict[str, Any] = attrs.field(factory=dict, hash=False)
    figures: ClientFigures = attrs.Factory(ClientFigures)
    journey: Journey | None = None
    credits: CreditSummary = attrs.Factory(CreditSummary)

    @property
    def emails(self) -> frozenset[str]:
        """Every email of the client: the primary one and the aliases."""
        return self.aliases | {self.email}

    @property
    def phones(self) -> frozenset[str]:
        """Every phone of the client: the primary one (if any) and the aliases."""
        return self.phone_aliases | {self.phone} if self.phone else self.phone_aliases


class ClientSummary(NamedTuple):
    """A client as a list or an export shows them: who they are, their tags, and the figures
    the status pill reads. Read without the rest of the record, so a million stream quickly.

    A named tuple rather than an attrs class, as `Version` is: exports make one per client.
    """

    id: str
    name: str
    email: str
    phone: str | None
    tags: frozenset[str]
    bookings: int
    spend: Decimal
    first_booking_at: datetime | None
    last_booking_at: datetime | None

    @classmethod
    def of(cls, client: Client) -> ClientSummary:
        """The summary of a whole record."""
        f = client.figures
        return cls(client.id, client.name, client.email, client.phone, client.tags, f.bookings,
                   f.spend, f.first_booking_at, f.last_booking_at)  # fmt: skip
