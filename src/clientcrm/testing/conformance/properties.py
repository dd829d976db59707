"""Contract: figures are right whatever the order or repetition of events."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcrm.errors import NotFoundError
from clientcrm.models.actor import Actor
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client
from clientcrm.models.events import BookingEvent, ClientEvent
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.models.workspace import Workspace
from clientcrm.rules.figures import compute_figures
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event
from clientcrm.testing.strategies import booking_histories, client_histories

__all__ = [
    "SHARED_STORE",
    "FiguresPropertyContract",
    "MergePropertyContract",
    "fresh_workspace",
    "observable_state",
]

_workspaces = itertools.count()
_PHONES = (None, "+14155550100", "+14155550123")
# One store serves many examples; each example gets a fresh workspace in it, so the
# function-scoped store fixture is safe. Each store's test class inherits the same property,
# which hypothesis sees as "differing executors": the stores differ, the property does not.
SHARED_STORE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.differing_executors,
    ],
)


def fresh_workspace(crm: CRM) -> Actor:
    """The owner of a new workspace in ``crm`` (each hypothesis example gets its own)."""
    ws = f"prop-{next(_workspaces)}"
    actor = Actor.owner(ws)
    crm.save_workspace(Workspace(ws, ws, timezone="America/Sao_Paulo"), actor)
    return actor


def observable_state(crm: CRM, actor: Actor) -> dict[str, tuple[object, ...]]:
    """Everything observable about the workspace, keyed by email (ids differ between runs)."""
    state: dict[str, tuple[object, ...]] = {}
    for client in crm.iter_clients(ClientQuery(sort=SortKey.NAME, include_inactive=True), actor):
        detail = crm.client_detail(client.id, actor)
        bookings = tuple(_booking_facts(b) for b in detail.bookings)
        state[client.email] = (
            client.name,
            client.created_at,
            client.figures,
            detail.stats,
            bookings,
        )
    return state


def _booking_facts(booking: Booking) -> tuple[object, ...]:
    return (
        booking.id,
        booking.status,
        booking.payment_status,
        booking.amount_paid,
        booking.amount_refunded,
        booking.starts_at,
        booking.service,
    )


def _recomputed(crm: CRM, client: Client, actor: Actor) -> object:
    detail = crm.client_detail(client.id, actor)
    return compute_figures(detail.bookings, client.created_at)


class FiguresPropertyContract(StoreFixtures):
    """Incremental figures equal a recomputation; order and repeats do not matter."""

    @SHARED_STORE
    @given(history=booking_histories())
    def test_incremental_figures_equal_recomputation(
        self, crm: CRM, history: list[BookingEvent]
    ) -> None:
        """After any history, stored figures equal figures recomputed from the bookings."""
        actor = fresh_workspace(crm)
        crm.record_many(history, actor, batch_size=3)
        for client in crm.iter_clients(ClientQuery(include_inactive=True), actor):
            assert client.figures == _recomputed(crm, client, actor)
        assert crm.rebuild(actor).repaired == []

    @SHARED_STORE
    @given(history=booking_histories(), data=st.data())
    def test_order_and_repeats_do_not_matter(
        self, crm: CRM, history: list[BookingEvent], data: st.DataObject
    ) -> None:
        """Any arrival order, one by one or batched, twice over, gives the same state."""
        first, second = fresh_workspace(crm), fresh_workspace(crm)
        for item in history:
            crm.record(item, first)
        batch_size = data.draw(st.integers(1, 10))
        for _ in range(2):
            crm.record_many(data.draw(st.permutations(history)), second, batch_size=batch_size)
        assert observable_state(crm, first) == observable_state(crm, second)

    def test_out_of_order_arrival_keeps_the_latest_status(self, crm: CRM, owner: Actor) -> None:
        """A cancellation that happened after the completion wins even if it arrives first."""
        t1, t2 = datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 1, 12, tzinfo=UTC)
        crm.record(event("cancelled", "b1", at=t2), owner)
        client = crm.record(event("completed", "b1", at=t1), owner)
        detail = crm.client_detail(client.id, owner)
        assert detail.bookings[0].status == "cancelled"
        assert client.figures.bookings == 0


_Stored = dict[str, tuple[Any, ...]]


def _stored(crm: CRM, workspace_id: str) -> _Stored:
    """Every client of the workspace as stored, by id: the record, its bookings, notes,
    orders, activities and journey history."""
    with crm.store.unit_of_work() as uow:
        clients = list(uow.clients.iter_workspace(workspace_id))
        ids = [c.id for c in clients]
        history = uow.bookings.for_clients(workspace_id, ids)
        orders = uow.orders.for_clients(workspace_id, ids)
        activities = uow.activities.for_clients(workspace_id, ids)
        journeys = uow.journeys.for_clients(workspace_id, ids)
        return {
            c.id: (
                c,
                tuple(history.get(c.id, [])),
                tuple(uow.notes.for_client(workspace_id, c.id)),
                tuple(orders.get(c.id, [])),
                tuple(activities.get(c.id, [])),
                journeys.get(c.id),
            )
            for c in clients
        }


class MergePropertyContract(StoreFixtures):
    """A merge moves everything to the survivor; undoing it restores both exactly."""

    @SHARED_STORE
    @given(history=client_histories(), data=st.data())
    def test_merge_then_unmerge_is_the_identity(
        self, crm: CRM, history: list[ClientEvent], data: st.DataObject
    ) -> None:
        """After merge and unmerge every client, booking, note, order, activity and journey
        is as it was."""
        actor = fresh_workspace(crm)
        crm.record_many(history, actor)
        clients = list(crm.iter_clients(ClientQuery(include_inactive=True), actor))
        if len(clients) < 2:
            return
        survivor, loser = data.draw(st.permutations(clients))[:2]
        crm.tag(loser.id, [data.draw(st.sampled_from(["Injury", "Beginner"]))], actor)
        crm.add_note(loser.id, "Prefers the 6 pm class", actor)
        phones = data.draw(st.tuples(*[st.sampled_from(_PHONES)] * 2))
        for client, phone in zip((survivor, loser), phones, strict=True):
            crm.edit_client(client.id, actor, phone=phone)
        before = _stored(crm, actor.workspace_id)

        merge = crm.merge(survivor.id, loser.id, actor)
        after = _stored(crm, actor.workspace_id)
        merged, bookings, notes, orders, activities, _ = after[survivor.id]
        assert loser.id not in after
        assert len(orders) == len(before[survivor.id][3]) + len(before[loser.id][3])
        assert len(activities) == len(before[survivor.id][4]) + len(before[loser.id][4])
        assert {b.id for b in bookings} == {
            b.id for b in before[survivor.id][1] + before[loser.id][1]
        }
        assert len(notes) == len(before[survivor.id][2]) + len(before[loser.id][2])
        assert crm.rebuild(actor).repaired == []
        assert merged.phones == {phone for phone in phones if phone}
        assert crm.find_client(loser.email, actor).id == survivor.id
        with pytest.raises(NotFoundError):
            crm.get_client(loser.id, actor)

        crm.unmerge(merge.id, actor)
        assert _stored(crm, actor.workspace_id) == before
        assert crm.find_client(loser.email, actor).id == loser.id
