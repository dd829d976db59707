"""Translating between table rows and models."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import RowMapping

from clientcrm.models.activity import Activity, ActivityKind
from clientcrm.models.booking import Booking, BookingStatus, Version
from clientcrm.models.client import Client, ClientFigures, Flag, Source
from clientcrm.models.credits import CreditEntry, CreditPackage, CreditSummary, EntryKind
from clientcrm.models.journey import Journey, Milestone, MilestoneKind, Stage, StageChange
from clientcrm.models.loyalty import Tier, TierChange
from clientcrm.models.money import Money, minor_units
from clientcrm.models.note import Note, NoteVisibility
from clientcrm.models.order import Order, OrderStatus
from clientcrm.models.purchases import ExternalPurchase, PurchaseStatus
from clientcrm.models.workspace import Workspace
from clientcrm.policies import Policies
from clientcrm.rules.bookings import BEGINNING
from clientcrm.rules.search import fold
from clientcrm.serialization import converter
from clientcrm.stores.sql.bulk import remembered
from clientcrm.stores.sql.search import search_text
from clientcrm.stores.sql.types import labels, sqlite_time

__all__ = [
    "BOOKING_COLUMNS",
    "CHANGE_COLUMNS",
    "FIGURE_COLUMNS",
    "FLAG_COLUMNS",
    "MILESTONE_COLUMNS",
    "activity_from_row",
    "activity_row",
    "booking_from_row",
    "booking_row",
    "booking_values",
    "change_from_row",
    "change_values",
    "client_from_row",
    "client_row",
    "entry_from_row",
    "entry_row",
    "figures_row",
    "journey_columns",
    "journey_from_text",
    "journey_text",
    "milestone_from_row",
    "milestone_values",
    "note_from_row",
    "note_row",
    "order_from_row",
    "order_row",
    "package_from_row",
    "package_row",
    "parse_journey",
    "purchase_from_row",
    "purchase_row",
    "workspace_from_row",
    "workspace_row",
]

Row = RowMapping | Mapping[str, Any]
"""A stored row by column name: SQLAlchemy's row mapping, or a dict of converted values."""

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
        policies=_policies(row["policies"]),
    )


@functools.lru_cache(maxsize=256)
def _policies(text: str) -> Policies:
    """The policies a workspace row holds (read by every unit of work; frozen, so shared)."""
    return converter.structure(json.loads(text), Policies)


FIGURE_COLUMNS = (
    "created_at",
    "bookings",
    "spend",
    "first_booking_at",
    "last_booking_at",
    "last_attended_at",
    "last_activity_at",
    "stage",
    "stage_at",
    "journey",
    "journey_due",
    "credits_available",
    "credits_paused",
    "credits_purchased",
    "made",
    "completed",
    "cancelled",
    "no_shows",
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
        **journey_columns(client.journey),
        "credits_available": client.credits.available,
        "credits_paused": client.credits.paused,
        "credits_purchased": client.credits.purchased,
        "made": f.made,
        "completed": f.completed,
        "cancelled": f.cancelled,
        "no_shows": f.no_shows,
    }


def journey_columns(journey: Journey | None) -> dict[str, Any]:
    """The journey's columns: its JSON, and beside it what queries filter and order by."""
    if journey is None:
        return {"stage": None, "stage_at": None, "journey": None, "journey_due": _NEVER_EVALUATED}
    last, text = _LAST_TEXT[0]  # one read of one pair: safe between threads
    if journey is not last:  # an import's new clients share one journey object
        text = journey_text(journey)
        _LAST_TEXT[0] = (journey, text)
        if len(_WRITTEN) >= _WRITTEN_SIZE:
            _WRITTEN.clear()
        _WRITTEN[text] = journey
    return {
        "stage": _STAGE_TEXT[journey.stage],
        "stage_at": journey.stage_at,
        "journey": text,
        "journey_due": journey.due or _NOT_DUE,
    }


_LAST_TEXT: list[tuple[Journey | None, str]] = [(None, "")]
"""The journey last written, and its text, as one pair."""
_WRITTEN: dict[str, Journey] = {}
"""Journeys recently written, by their text: the next event about a client reads back the
journey the last one wrote, and needs no parsing (the text determines the journey)."""
_WRITTEN_SIZE = 4096


_NEVER_EVALUATED = BEGINNING.occurred_at
"""The due moment of a client without a journey: every scheduled run's first pick."""
_NOT_DUE = datetime.fromisoformat("9999-12-31T00:00:00+00:00")


def _read_time(value: str) -> datetime:
    """A journey's moment: UTC text as SQLite holds times (older journeys: ISO with offset)."""
    return datetime.fromisoformat(value + "+00:00" if len(value) == _UTC_TEXT else value)


_UTC_TEXT = len("2026-03-01 09:30:00.000000")


def _read_optional(value: str | None) -> datetime | None:
    return None if value is None else _read_time(value)


def journey_text(journey: Journey) -> str:
    """The journey as compact JSON (by hand: it is written for every client an event moves)."""
    j = journey
    time = remembered(sqlite_time)  # most moments are a booking's, formatted once per batch
    return _COMPACT.encode(
        [
            _STAGE_TEXT[j.stage],
            time(j.stage_at),
            time(j.last_activity_at),
            time(j.until),
            j.changes,
            j.interactions,
            j.purchases,
            str(j.value),
            j.attended,
            j.missed,
            time(j.first_purchase_at),
            time(j.last_purchase_at),
            j.months,
            sorted(j.milestones),
            time(j.scheduled),
            time(j.due),
            [
                j.points,
                j.redeemed,
                j.earned,
                _TIER_TEXT[j.tier],
                [
                    [time(c.at), _TIER_TEXT[c.previous], _TIER_TEXT[c.tier], c.trigger]
                    for c in j.tiers
                ],
            ],
        ]
    )


_COMPACT = json.JSONEncoder(separators=(",", ":"), check_circular=False)
"""JSON without spaces (one encoder: `json.dumps` with options builds one per call), and
without the check for cycles: a journey's lists are made here and hold none."""


def journey_from_text(text: str) -> Journey:
    """The journey `journey_text` wrote."""
    written = _WRITTEN.get(text)
    return written if written is not None else parse_journey(text)


def parse_journey(text: str) -> Journey:
    """The journey `journey_text` wrote, parsed (`journey_from_text` remembers recent ones)."""
    (stage, stage_at, activity, until, changes, interactions, purchases, value, attended, missed,
     first, last, months, milestones, scheduled, due, loyalty) = json.loads(text)  # fmt: skip
    points, redeemed, earned, tier, tiers = loyalty
    return Journey(
        stage=Stage(stage),
        stage_at=_read_time(stage_at),
        last_activity_at=_read_time(activity),
        until=_read_time(until),
        changes=changes,
        interactions=interactions,
        purchases=purchases,
        value=Decimal(value),
        attended=attended,
        missed=missed,
        first_purchase_at=_read_optional(first),
        last_purchase_at=_read_optional(last),
        months=tuple((month, count) for month, count in months),
        milestones=frozenset(MilestoneKind(m) for m in milestones),
        points=points,
        redeemed=redeemed,
        earned=tuple((month, count) for month, count in earned),
        tier=Tier(tier),
        tiers=tuple(
            TierChange(_read_time(at), Tier(previous), Tier(now), trigger)
            for at, previous, now, trigger in tiers
        ),
        scheduled=_read_optional(scheduled),
        due=_read_optional(due),
    )


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


def _labels_text(labels: frozenset[str]) -> str:
    return json.dumps(sorted(labels)) if labels else "[]"


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
        phone_aliases=labels(row["phone_aliases"]),
        aliases=labels(row["aliases"]),
        language=row["language"],
        avatar_url=row["avatar_url"],
        tags=labels(row["tags"]),
        flags=frozenset(flag for flag, column in FLAG_COLUMNS.items() if row[column]),
        custom={} if row["custom"] == "{}" else json.loads(row["custom"]),
        figures=ClientFigures(
            bookings=row["bookings"],
            spend=row["spend"],
            first_booking_at=row["first_booking_at"],
            last_booking_at=row["last_booking_at"],
            last_attended_at=row["last_attended_at"],
            last_activity_at=row["last_activity_at"],
            made=row["made"],
            completed=row["completed"],
            cancelled=row["cancelled"],
            no_shows=row["no_shows"],
        ),
        journey=None if row["journey"] is None else journey_from_text(row["journey"]),
        credits=CreditSummary(
            row["credits_available"], row["credits_paused"], row["credits_purchased"]
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
    "series_id",
)


_STATUS_TEXT = {status: status.value for status in BookingStatus}
"""Enum members' texts, looked up (``.value`` is a descriptor call, and rows of bookings,
stage changes and milestones are written by the thousand)."""
_STAGE_TEXT: dict[Stage | None, str | None] = {None: None} | {s: s.value for s in Stage}
_MILESTONE_TEXT = {kind: kind.value for kind in MilestoneKind}
_TIER_TEXT = {tier: tier.value for tier in Tier}


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
        booking.series_id,
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
        series_id=row["series_id"],
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


def order_row(order: Order) -> dict[str, Any]:
    """The row of an order."""
    return {
        "workspace_id": order.workspace_id,
        "order_id": order.id,
        "client_id": order.client_id,
        "description": order.description,
        "amount": order.amount,
        "status": order.status.value,
        "placed_at": order.placed_at,
        "details_at": order.details_version.occurred_at,
        "details_event": order.details_version.event_id,
        "status_at": order.status_version.occurred_at,
        "status_event": order.status_version.event_id,
    }


def order_from_row(row: Row) -> Order:
    """The order a row holds."""
    return Order(
        id=row["order_id"],
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        description=row["description"],
        amount=row["amount"],
        status=OrderStatus(row["status"]),
        placed_at=row["placed_at"],
        details_version=Version(row["details_at"], row["details_event"]),
        status_version=Version(row["status_at"], row["status_event"]),
    )


def purchase_row(purchase: ExternalPurchase) -> dict[str, Any]:
    """The row of an external purchase."""
    return {
        "workspace_id": purchase.workspace_id,
        "purchase_id": purchase.id,
        "client_id": purchase.client_id,
        "platform": purchase.platform,
        "transaction_id": purchase.transaction_id,
        "product": purchase.product,
        "price": purchase.price.amount,
        "currency": purchase.price.currency,
        "status": purchase.status.value,
        "purchased_at": purchase.purchased_at,
    }


def purchase_from_row(row: Row) -> ExternalPurchase:
    """The external purchase a row holds."""
    currency = row["currency"]
    price = row["price"].quantize(Decimal(1).scaleb(-minor_units(currency)))
    return ExternalPurchase(
        id=row["purchase_id"],
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        platform=row["platform"],
        transaction_id=row["transaction_id"],
        product=row["product"],
        price=Money(price, currency),
        status=PurchaseStatus(row["status"]),
        purchased_at=row["purchased_at"],
    )


def activity_row(activity: Activity) -> dict[str, Any]:
    """The row of an activity."""
    return {
        "workspace_id": activity.workspace_id,
        "activity_id": activity.id,
        "client_id": activity.client_id,
        "kind": activity.kind.value,
        "at": activity.at,
        "title": activity.title,
        "points": activity.points,
    }


def activity_from_row(row: Row) -> Activity:
    """The activity a row holds."""
    return Activity(
        id=row["activity_id"],
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        kind=ActivityKind(row["kind"]),
        at=row["at"],
        title=row["title"],
        points=row["points"],
    )


CHANGE_COLUMNS = ("workspace_id", "client_id", "seq", "previous", "stage", "at", "trigger")


def change_values(change: StageChange) -> tuple[Any, ...]:
    """A stage change's column values, in `CHANGE_COLUMNS` order."""
    c = change
    previous, stage = _STAGE_TEXT[c.previous], _STAGE_TEXT[c.stage]
    return (c.workspace_id, c.client_id, c.seq, previous, stage, c.at, c.trigger)


def change_from_row(row: Row) -> StageChange:
    """The stage change a row holds."""
    previous = row["previous"]
    return StageChange(
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        seq=row["seq"],
        previous=None if previous is None else Stage(previous),
        stage=Stage(row["stage"]),
        at=row["at"],
        trigger=row["trigger"],
    )


MILESTONE_COLUMNS = ("workspace_id", "client_id", "kind", "at", "trigger")


def milestone_values(milestone: Milestone) -> tuple[Any, ...]:
    """A milestone's column values, in `MILESTONE_COLUMNS` order."""
    m = milestone
    return (m.workspace_id, m.client_id, _MILESTONE_TEXT[m.kind], m.at, m.trigger)


def milestone_from_row(row: Row) -> Milestone:
    """The milestone a row holds."""
    return Milestone(
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        kind=MilestoneKind(row["kind"]),
        at=row["at"],
        trigger=row["trigger"],
    )


def package_row(package: CreditPackage) -> dict[str, Any]:
    """The row of a credit package."""
    p = package
    return {
        "workspace_id": p.workspace_id,
        "package_id": p.id,
        "client_id": p.client_id,
        "name": p.name,
        "purchased_at": p.purchased_at,
        "credits": p.credits,
        "balance": p.balance,
        "expires_at": p.expires_at,
        "paused_at": p.paused_at,
        "expired_at": p.expired_at,
        "entries": p.entries,
    }


def package_from_row(row: Row) -> CreditPackage:
    """The credit package a row holds."""
    return CreditPackage(
        id=row["package_id"],
        workspace_id=row["workspace_id"],
        client_id=row["client_id"],
        name=row["name"],
        purchased_at=row["purchased_at"],
        credits=row["credits"],
        balance=row["balance"],
        expires_at=row["expires_at"],
        paused_at=row["paused_at"],
        expired_at=row["expired_at"],
        entries=row["entries"],
    )


def entry_row(entry: CreditEntry) -> dict[str, Any]:
    """The row of a ledger entry."""
    row = attrs.asdict(entry, recurse=False)
    row["kind"] = entry.kind.value
    return row


def entry_from_row(row: Row) -> CreditEntry:
    """The ledger entry a row holds."""
    return CreditEntry(
        **{name: row[name] for name in _ENTRY_FIELDS} | {"kind": EntryKind(row["kind"])}
    )


_ENTRY_FIELDS = tuple(field.name for field in attrs.fields(CreditEntry))
