"""Translating between table rows and models."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import RowMapping

from clientcrm.models.booking import Booking, BookingStatus, Version
from clientcrm.models.client import Client, ClientFigures, Flag, Source
from clientcrm.models.note import Note, NoteVisibility
from clientcrm.models.workspace import Workspace
from clientcrm.policies import Policies
from clientcrm.rules.search import fold
from clientcrm.serialization import converter
from clientcrm.stores.sql.search import search_text

__all__ = [
    "BOOKING_COLUMNS",
    "FIGURE_COLUMNS",
    "FLAG_COLUMNS",
    "booking_from_row",
    "booking_row",
    "booking_values",
    "client_from_row",
    "client_row",
    "figures_row",
    "note_from_row",
    "note_row",
    "workspace_from_row",
    "workspace_row",
]

Row = RowMapping

FLAG_COLUMNS = {Flag.VIP: "flag_vip", Flag.BLOCKED: "flag_blocked", Flag.INACTIVE: "flag_inactive"}


def workspace_row(workspace: Workspace) -> dict[str, Any]:
    """The row of a workspace."""
    return {
        "workspace_id": workspace.id,
        "name": workspace.name,
        "timezone": workspace.timezone,
        "currency": workspace.currency,
        "phone_region": workspace.phone_region,
        "client_limit": workspace.client_limit,
        "policies": json.dumps(converter.unstructure(workspace.policies)),
    }


def workspace_from_row(row: Row) -> Workspace:
    """The workspace a row holds."""
    return Workspace(
        id=row["workspace_id"],
        name=row["name"],
        timezone=row["timezone"],
        currency=row["currency"],
        phone_region=row["phone_region"],
        client_limit=row["client_limit"],
        policies=converter.structure(json.loads(row["policies"]), Policies),
    )


FIGURE_COLUMNS = (
    "created_at",
    "bookings",
    "spend",
    "first_booking_at",
    "last_booking_at",
    "last_attended_at",
    "last_activity_at",
)
"""The columns `figures_row` fills: what `ClientRepository.update_figures` writes."""


def figures_row(client: Client) -> dict[str, Any]:
    """The columns `ClientRepository.update_figures` writes."""
    f = client.figures
    return {
        "created_at": client.created_at,
        "bookings": f.bookings,
        "spend": f.spend,
        "first_booking_at": f.first_booking_at,
        "last_booking_at": f.last_booking_at,
        "last_attended_at": f.last_attended_at,
        "last_activity_at": f.last_activity_at or client.created_at,
    }


def client_row(client: Client) -> dict[str, Any]:
    """The row of a client, but for its ``search_key`` (its emails and tags have tables too)."""
    return {
        "workspace_id": client.workspace_id,
        "client_id": client.id,
        "name": client.name,
        "name_key": fold(client.name),
        "email": client.email,
        "aliases": _labels_text(client.aliases),
        "phone": client.phone,
        "phone_aliases": _labels_text(client.phone_aliases),
        "language": client.language,
        "avatar_url": client.avatar_url,
        "tags": _labels_text(client.tags),
        "source": client.source.value,
        **{column: flag in client.flags for flag, column in FLAG_COLUMNS.items()},
        "custom": json.dumps(client.custom) if client.custom else "{}",
        **figures_row(client),
        "search_text": search_text(client),
    }


_NONE: frozenset[str] = frozenset()


def _labels_text(labels: frozenset[str]) -> str:
    return json.dumps(sorted(labels)) if labels else "[]"


def _labels(text: str) -> frozenset[str]:
    return _NONE if text == "[]" else frozenset(json.loads(text))


def client_from_row(row: Row) -> Client:
    """The client a row holds."""
    return Client(
        id=row["client_id"],
        workspace_id=row["workspace_id"],
        name=row["name"],
        email=row["email"],
        created_at=row["created_at"],
        source=Source(row["source"]),
        phone=row["phone"],
        phone_aliases=_labels(row["phone_aliases"]),
        aliases=_labels(row["aliases"]),
        language=row["language"],
        avatar_url=row["avatar_url"],
        tags=_labels(row["tags"]),
        flags=frozenset(flag for flag, column in FLAG_COLUMNS.items() if row[column]),
        custom={} if row["custom"] == "{}" else json.loads(row["custom"]),
        figures=ClientFigures(
            bookings=row["bookings"],
            spend=row["spend"],
            first_booking_at=row["first_booking_at"],
            last_booking_at=row["last_booking_at"],
            last_attended_at=row["last_attended_at"],
            last_activity_at=row["last_activity_at"],
        ),
    )


def _version(row: Row, prefix: str) -> Version | None:
    at = row[f"{prefix}_at"]
    return None if at is None else Version(at, row[f"{prefix}_event"])


BOOKING_COLUMNS = (
    "workspace_id",
    "booking_id",
    "client_id",
    "service",
    "starts_at",
    "location",
    "staff",
    "status",
    "amount_paid",
    "amount_refunded",
    "refunded_in_full",
    "first_event_at",
    "details_at",
    "details_event",
    "status_at",
    "status_event",
    "paid_at",
    "paid_event",
    "refund_at",
    "refund_event",
)


_STATUS_TEXT = {status: status.value for status in BookingStatus}


def booking_values(booking: Booking) -> tuple[Any, ...]:
    """A booking's column values in `BOOKING_COLUMNS` order (once per event during ingest)."""
    paid, refund = booking.paid_version, booking.refund_version
    return (
        booking.workspace_id,
        booking.id,
        booking.client_id,
        booking.service,
        booking.starts_at,
        booking.location,
        booking.staff,
        _STATUS_TEXT[booking.status],
        booking.amount_paid,
        booking.amount_refunded,
        booking.refunded_in_full,
        booking.first_event_at,
        *booking.details_version,
        *booking.status_version,
        *(paid or (None, None)),
        *(refund or (None, None)),
    )


def booking_row(booking: Booking) -> dict[str, Any]:
    """The row of a booking, keyed by column."""
    return dict(zip(BOOKING_COLUMNS, booking_values(booking), strict=True))


def booking_from_row(row: Row) -> Booking:
    """The booking a row holds."""
    details = Version(row["details_at"], row["details_event"])
    status = Version(row["status_at"], row["status_event"])
    return Booking(
        id=row["booking_id"],
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        service=row["service"],
        starts_at=row["starts_at"],
        location=row["location"],
        staff=row["staff"],
        status=BookingStatus(row["status"]),
        amount_paid=row["amount_paid"],
        amount_refunded=row["amount_refunded"],
        refunded_in_full=bool(row["refunded_in_full"]),
        first_event_at=row["first_event_at"],
        details_version=details,
        status_version=status,
        paid_version=_version(row, "paid"),
        refund_version=_version(row, "refund"),
    )


def note_row(note: Note) -> dict[str, Any]:
    """The row of a note."""
    return {
        "workspace_id": note.workspace_id,
        "note_id": note.id,
        "client_id": note.client_id,
        "author_id": note.author_id,
        "text": note.text,
        "visibility": note.visibility.value,
        "pinned": note.pinned,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def note_from_row(row: Row) -> Note:
    """The note a row holds."""
    return Note(
        id=row["note_id"],
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        author_id=row["author_id"],
        text=row["text"],
        visibility=NoteVisibility(row["visibility"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        pinned=bool(row["pinned"]),
    )
