"""Privacy (SPEC section 13): erasing a client's personal data everywhere, and gathering
everything held about a client for a data export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from clientcrm.models.activity import ActivityKind
from clientcrm.models.client import Client, Flag
from clientcrm.models.coaching import RecordKind
from clientcrm.models.journey import JourneyHistory
from clientcrm.ports import UnitOfWork
from clientcrm.serialization import converter

__all__ = ["ERASED_NAME", "anonymous", "client_data", "erase", "is_erased"]

ERASED_NAME = "Erased client"
"""The name an erased client's record keeps."""
_ERASED_ENTRY = "Erased"


def anonymous(client: Client) -> Client:
    """The client without anything that identifies the person: an erased name, an address
    nobody has, no phones, tags, language, picture or custom fields; archived (INACTIVE).
    What they bought and booked (their figures) stays, for the accounts."""
    return attrs.evolve(
        client,
        name=ERASED_NAME,
        email=f"{client.id}@erased.invalid",
        aliases=frozenset(),
        phone=None,
        phone_aliases=frozenset(),
        language=None,
        avatar_url=None,
        tags=frozenset(),
        flags=frozenset({Flag.INACTIVE}),
        custom={},
    )


def is_erased(client: Client) -> bool:
    """Whether the client's personal data was erased (their record is `anonymous`)."""
    return client.name == ERASED_NAME and client.email == f"{client.id}@erased.invalid"


def erase(uow: UnitOfWork, client: Client) -> Client:
    """Erase the client's personal data everywhere it is held, in this unit of work, and
    return the anonymous record that stays; transactions (bookings, orders, purchases,
    credits) stay, with their dates, amounts and services."""
    ws, cid = client.workspace_id, client.id
    erased = anonymous(client)
    uow.clients.update(erased)
    for note in uow.notes.for_client(ws, cid):
        uow.notes.delete(ws, note.id)
    activities = uow.activities.for_clients(ws, [cid]).get(cid, [])
    # The free text a client wrote (a review's or form's title); a reward redeemed is not.
    written = [a for a in activities if a.title and a.kind is not ActivityKind.REDEMPTION]
    uow.activities.save_many([attrs.evolve(a, title=None) for a in written])
    uow.credits.redact(ws, cid)
    uow.coaching.forget(ws, cid)
    for merge in uow.merges.for_client(ws, cid):
        uow.merges.update(
            attrs.evolve(
                merge,
                survivor_before=anonymous(merge.survivor_before),
                loser=anonymous(merge.loser),
            )
        )
    uow.timeline.redact(ws, cid, _ERASED_ENTRY)
    uow.matches.forget(ws, cid)
    uow.imports.redact(ws, cid)
    return erased


def client_data(uow: UnitOfWork, client: Client, exported_at: datetime) -> dict[str, Any]:
    """Every record held about the client, as one JSON-able document."""
    ws, ids = client.workspace_id, [client.id]
    history = uow.journeys.for_clients(ws, ids).get(client.id, JourneyHistory())
    matches = [
        m
        for m in uow.matches.pending(ws, open_only=False)
        if client.id in (m.client_id, m.candidate_id)
    ]
    held: dict[str, Any] = {
        "exported_at": exported_at,
        "client": client,
        "bookings": uow.bookings.for_clients(ws, ids).get(client.id, []),
        "orders": uow.orders.for_clients(ws, ids).get(client.id, []),
        "external_purchases": uow.purchases.for_clients(ws, ids).get(client.id, []),
        "activities": uow.activities.for_clients(ws, ids).get(client.id, []),
        "notes": uow.notes.for_client(ws, client.id),
        "credit_packages": uow.credits.for_client(ws, client.id),
        "credit_ledger": uow.credits.ledger(ws, client.id),
        "stage_changes": list(history.changes),
        "milestones": list(history.milestones),
        "merges": uow.merges.for_client(ws, client.id),
        "timeline_entries": uow.timeline.for_client(ws, client.id),
        "pending_matches": matches,
        "distinctions": uow.matches.distinctions(ws, ids),
        "import_changes": uow.imports.for_client(ws, client.id),
        "training_and_health": [
            {"kind": kind.value, **record.body}
            for kind in RecordKind
            for record in uow.coaching.find(ws, kind, client_id=client.id)
        ],
    }
    data: dict[str, Any] = converter.unstructure(held)
    return data
