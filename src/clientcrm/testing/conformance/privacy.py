"""Contract: erasing a client (SPEC section 13) leaves nothing of the person that the CRM
can show, on every store, and keeps the accounts as they were.

`plant_canaries` gives a client personal data in every place the CRM keeps some, each
holding the word `CANARY`; a store's own tests then scan its raw tables and files for it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from clientcrm.errors import PermissionDeniedError
from clientcrm.models.activity import ActivityKind
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import Client, Flag
from clientcrm.models.events import ActivityEvent, ClientErased, DomainEvent
from clientcrm.models.importing import ClientRow, ImportMode
from clientcrm.models.note import NoteVisibility
from clientcrm.models.query import ClientQuery
from clientcrm.models.timeline import TimelineQuery
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event
from clientcrm.testing.outbox import Outbox

__all__ = ["CANARY", "ErasureContract", "plant_canaries"]

CANARY = "qzcanary"
"""The word every planted piece of personal data holds (any case)."""
_PHONE = "+447700900461"
_AT = datetime(2026, 1, 12, 9, tzinfo=UTC)


def plant_canaries(crm: CRM, owner: Actor) -> Client:
    """A client whose name, emails, phones, tags, custom field, notes, review, credit
    adjustment, merge, timeline, a message sent to them, their trainer's logs and an
    import's record all hold `CANARY`, with paid bookings."""
    email = f"{CANARY}.mail@example.com"
    for n, kind in enumerate(("booked", "completed", "paid")):
        at = _AT.replace(hour=9 + n)
        amount = "25.50" if kind == "paid" else None
        crm.record(event(kind, "c1", email=email, name=f"Zoe {CANARY.title()}name", at=at,
                         amount=amount), owner)  # fmt: skip
    client = crm.find_client(email, owner)
    crm.edit_client(client.id, owner, phone=_PHONE, custom={"allergy": f"{CANARY} custom"})
    crm.tag(client.id, [f"{CANARY}-tag"], owner)
    crm.add_note(client.id, f"{CANARY} note: knee injury", owner, visibility=NoteVisibility.TEAM)
    review = ActivityEvent(
        ActivityKind.REVIEW, "r1", _AT, email, title=f"{CANARY} review: loved it"
    )
    crm.record(review, owner)
    package = crm.credits.purchase(client.id, 5, owner, at=_AT)
    crm.credits.adjust(package.id, 1, f"{CANARY} reason: a goodwill class", owner, at=_AT)
    twin = crm.add_client(
        owner, name=f"Zoe {CANARY.title()}name", email=f"{CANARY}.alias@example.com",
        phone="+447700900462",
    )  # fmt: skip
    crm.record(event("booked", "c2", email=twin.email, at=_AT), owner)
    crm.record(event("paid", "c2", email=twin.email, amount="10.00", at=_AT), owner)
    crm.merge(client.id, twin.id, owner)
    imported = ClientRow(2, name=f"Zoe {CANARY.title()}name-Import", email=email,
                         tags=(f"{CANARY}-imported",), notes=f"{CANARY} imported note")  # fmt: skip
    crm.import_clients([imported], owner, mode=ImportMode.OVERWRITE)
    trainer = Actor("pt", owner.workspace_id, Role.TRAINER)
    crm.coaching.add_to_roster(trainer, client_id=client.id)
    crm.coaching.log_workout(trainer, client.id, at=_AT, title=f"{CANARY} workout")
    crm.coaching.add_habit(trainer, client.id, f"{CANARY} habit")
    writer = Actor("writer", owner.workspace_id, owner.role, email="owner@studio.example")
    CRM(crm.store, clock=crm.clock, sender=Outbox()).send_message(
        client.id, f"{CANARY} subject", f"Dear {CANARY}, we miss you", writer
    )
    return crm.get_client(client.id, owner)


class ErasureContract(StoreFixtures):
    """Erasure removes the person everywhere the CRM shows them, and nothing else."""

    def test_erasure_leaves_no_personal_data_and_the_same_accounts(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        client = plant_canaries(crm, owner)
        assert CANARY in json.dumps(crm.export_client_data(client.id, owner)).lower()
        totals = crm.totals(owner)
        heard: list[DomainEvent] = []
        crm.subscribe(heard.append)
        erased = crm.erase_client(client.id, owner)
        assert [type(e) for e in heard] == [ClientErased]
        assert heard[0].client_id == client.id
        assert crm.totals(owner) == totals  # revenue and bookings to the cent
        assert erased.figures == client.figures
        assert Flag.INACTIVE in erased.flags
        export = crm.export_client_data(client.id, owner)
        data = json.dumps(export).lower()
        assert CANARY not in data
        assert "7700900461" not in data
        assert len(export["bookings"]) == 2  # the transactions stay
        feed = crm.timeline(client.id, owner, TimelineQuery(limit=10_000))
        assert CANARY not in json.dumps([f"{i.title} {i.detail}" for i in feed.items]).lower()
        assert crm.notes(client.id, owner) == []
        everyone = ClientQuery(search=CANARY, include_inactive=True)
        assert crm.list_clients(everyone, owner).clients == []
        assert [c.id for c in crm.iter_clients(ClientQuery(), owner)] == [kate.id]
        assert crm.credits.packages(client.id, owner)[0].balance == 6

    def test_a_new_booking_from_the_old_address_is_a_new_client(
        self, crm: CRM, owner: Actor
    ) -> None:
        client = plant_canaries(crm, owner)
        crm.erase_client(client.id, owner)
        again = crm.record(event("booked", "c9", email=f"{CANARY}.mail@example.com"), owner)
        assert again.id != client.id
        assert again.figures.bookings == 0

    def test_only_owners_and_admins_erase_and_members_export_their_own(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        staff = Actor("s1", "ws-a", Role.STAFF)
        with pytest.raises(PermissionDeniedError):
            crm.erase_client(kate.id, staff)
        with pytest.raises(PermissionDeniedError):
            crm.export_client_data(kate.id, staff)
        member = Actor("m1", "ws-a", Role.MEMBER, email="kate@example.com")
        assert crm.export_client_data(kate.id, member)["client"]["email"] == kate.email
        assert crm.get_client(kate.id, owner).name == kate.name
