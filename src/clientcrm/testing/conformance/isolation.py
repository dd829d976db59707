"""Contract: no `CRM` call reads or changes another workspace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clientcrm.errors import CRMError
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client, Flag
from clientcrm.models.note import NoteVisibility
from clientcrm.models.query import ClientQuery
from clientcrm.models.workspace import Workspace
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["IsolationContract"]

Call = Callable[[CRM, Actor, Client, str], Any]

# Every public method of CRM that touches records, called by an outsider on ws-a's records.
CALLS: dict[str, Call] = {
    "get_client": lambda crm, a, c, n: crm.get_client(c.id, a),
    "find_client": lambda crm, a, c, n: crm.find_client(c.email, a),
    "client_detail": lambda crm, a, c, n: crm.client_detail(c.id, a),
    "edit_client": lambda crm, a, c, n: crm.edit_client(c.id, a, name="Hacked"),
    "flag": lambda crm, a, c, n: crm.flag(c.id, Flag.BLOCKED, a),
    "tag": lambda crm, a, c, n: crm.tag(c.id, ["hacked"], a),
    "untag": lambda crm, a, c, n: crm.untag(c.id, ["Injury"], a),
    "add_note": lambda crm, a, c, n: crm.add_note(c.id, "hacked", a),
    "notes": lambda crm, a, c, n: crm.notes(c.id, a),
    "edit_note": lambda crm, a, c, n: crm.edit_note(n, "hacked", a),
    "pin_note": lambda crm, a, c, n: crm.pin_note(n, a),
    "delete_note": lambda crm, a, c, n: crm.delete_note(n, a),
    "save_workspace": lambda crm, a, c, n: crm.save_workspace(Workspace("ws-a", "Hacked"), a),
}


class IsolationContract(StoreFixtures):
    """An actor of workspace B can neither read nor change anything of workspace A."""

    @pytest.fixture
    def planted(self, crm: CRM, owner: Actor, kate: Client) -> tuple[Client, str]:
        """Kate, tagged, with a team note, in ws-a."""
        crm.tag(kate.id, ["Injury"], owner)
        note = crm.add_note(kate.id, "Knee surgery in May", owner, visibility=NoteVisibility.TEAM)
        return crm.get_client(kate.id, owner), note.id

    @pytest.mark.parametrize("method", sorted(CALLS))
    def test_outsider_cannot_reach_records(
        self, crm: CRM, owner: Actor, planted: tuple[Client, str], method: str
    ) -> None:
        """Each method refuses an owner of another workspace and leaves ws-a unchanged."""
        client, note_id = planted
        outsider = Actor.owner("ws-b")
        before = (
            crm.client_detail(client.id, owner),
            crm.notes(client.id, owner),
            crm.workspace(owner),
        )
        with pytest.raises(CRMError):
            CALLS[method](crm, outsider, client, note_id)
        after = (
            crm.client_detail(client.id, owner),
            crm.notes(client.id, owner),
            crm.workspace(owner),
        )
        assert after == before

    def test_outsider_lists_and_records_only_in_their_own_workspace(
        self, crm: CRM, owner: Actor, planted: tuple[Client, str]
    ) -> None:
        """Listing, recording and rebuilding from ws-b never see or touch ws-a."""
        client, _ = planted
        outsider = Actor.owner("ws-b")
        assert crm.list_clients(ClientQuery(search="kate"), outsider).clients == []
        theirs = crm.record(event("booked", "k1", email=client.email), outsider)
        assert theirs.id != client.id
        assert crm.rebuild(outsider).clients == 1
        assert crm.get_client(client.id, owner) == client
