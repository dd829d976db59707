"""Contracts: journeys (stages, stage history, milestones) and the repositories behind them.

Journeys are derived from each client's history of bookings, orders and activities, so the
properties are the figures' ones: any order or repetition of events gives the same journeys,
and what is stored always equals a replay of the history. The scheduled job catches up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.errors import PlanLimitError
from clientcrm.models.activity import Activity, ActivityKind
from clientcrm.models.actor import Actor
from clientcrm.models.booking import Version
from clientcrm.models.client import Client
from clientcrm.models.events import (
    ActivityEvent,
    ClientEvent,
    DomainEvent,
    MilestoneReached,
    OrderEvent,
    StageChanged,
)
from clientcrm.models.journey import Journey, Milestone, MilestoneKind, Stage, StageChange
from clientcrm.models.money import Money
from clientcrm.models.order import Order, OrderStatus
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.models.workspace import Workspace
from clientcrm.ports import Store
from clientcrm.rules.journey import anniversary
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event
from clientcrm.testing.conformance.properties import SHARED_STORE, fresh_workspace
from clientcrm.testing.strategies import EPOCH, client_histories

__all__ = [
    "ActivityRepositoryContract",
    "JourneyPropertyContract",
    "JourneyRepositoryContract",
    "OrderRepositoryContract",
    "journey_state",
]

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def journey_state(crm: CRM, actor: Actor) -> dict[str, tuple[object, ...]]:
    """Every client's journey, stage history and milestones, keyed by email."""
    state: dict[str, tuple[object, ...]] = {}
    for client in crm.iter_clients(ClientQuery(sort=SortKey.NAME, include_inactive=True), actor):
        view = crm.journey(client.id, actor)
        state[client.email] = (
            client.created_at,
            view.journey,
            tuple((c.seq, c.previous, c.stage, c.at, c.trigger) for c in view.changes),
            tuple(sorted((m.kind, m.at, m.trigger) for m in view.milestones)),
        )
    return state


def _visit(n: int, at: datetime, email: str = "kate@example.com") -> list[ClientEvent]:
    """A booking made, attended and paid."""
    bid = f"{email.partition('@')[0]}-v{n}"
    return [
        event("booked", bid, email=email, at=at, starts_at=at + DAY),
        event("completed", bid, email=email, at=at + DAY + HOUR, starts_at=at + DAY),
        event("paid", bid, email=email, at=at + DAY + HOUR, starts_at=at + DAY, amount="30"),
    ]


class JourneyPropertyContract(StoreFixtures):
    """Journeys do not depend on the order of events; the daily job catches up."""

    @SHARED_STORE
    @given(history=client_histories(), data=st.data())
    def test_order_and_repeats_do_not_change_journeys(
        self, crm: CRM, history: list[ClientEvent], data: st.DataObject
    ) -> None:
        """One by one or batched, shuffled, twice over: the same stages, history and
        milestones; and so after the scheduled job runs on both."""
        first, second = fresh_workspace(crm), fresh_workspace(crm)
        for item in history:
            crm.record(item, first)
        size = data.draw(st.integers(1, 10))
        for _ in range(2):
            crm.record_many(data.draw(st.permutations(history)), second, batch_size=size)
        assert journey_state(crm, first) == journey_state(crm, second)
        later = EPOCH + timedelta(days=data.draw(st.integers(0, 1200)))
        crm.run_scheduled(later, first)
        crm.run_scheduled(later, second)
        assert journey_state(crm, first) == journey_state(crm, second)

    @SHARED_STORE
    @given(history=client_histories(), days=st.integers(0, 1200))
    def test_stored_journeys_equal_a_replay_of_the_history(
        self, crm: CRM, history: list[ClientEvent], days: int
    ) -> None:
        """What is stored (figures and journeys), however it got there, is what a rebuild
        derives from scratch."""
        actor = fresh_workspace(crm)
        cut = len(history) // 2
        crm.record_many(history[:cut], actor, batch_size=3)
        crm.run_scheduled(EPOCH + timedelta(days=days), actor)
        crm.record_many(history[cut:], actor, batch_size=3)
        report = crm.rebuild(actor)
        assert (report.repaired, report.journeys_repaired) == ([], [])

    def test_the_daily_job_catches_up_with_true_dates(self, crm: CRM, owner: Actor) -> None:
        """Forty days without a run: the anniversary and the churn of those days appear once
        each, dated when they came; further runs change nothing."""
        events = [e for n in range(3) for e in _visit(n, T0 + n * 7 * DAY)]
        crm.record_many(events, owner)
        kate = crm.find_client("kate@example.com", owner)
        first_purchase = T0 + DAY + HOUR
        last_activity = T0 + 14 * DAY + DAY + HOUR
        london = Workspace("ws-a", "x", timezone="Europe/London").tz
        one_year = anniversary(first_purchase, 1, london)
        crm.run_scheduled(one_year - 30 * DAY, owner)  # churned by then, no anniversary yet
        report = crm.run_scheduled(one_year + 10 * DAY, owner)
        assert (report.examined, report.stage_changes, report.milestones) == (1, 0, 1)
        view = crm.journey(kate.id, owner)
        assert [(c.stage, c.at) for c in view.changes][-1] == (
            Stage.CHURNED,
            last_activity + timedelta(days=180),
        )
        got = {m.kind: m.at for m in view.milestones}
        assert got[MilestoneKind.ANNIVERSARY_1] == one_year
        assert crm.run_scheduled(one_year + 10 * DAY, owner).examined == 0
        assert crm.journey(kate.id, owner) == view

    def test_only_clients_due_are_examined(self, crm: CRM, owner: Actor) -> None:
        """The job reads the clients whose next moment has come, not the workspace."""
        for n in range(6):
            crm.record_many(_visit(n, T0 + n * 60 * DAY, email=f"c{n}@example.com"), owner)
        cutoff = T0 + 2 * 60 * DAY + 180 * DAY + DAY + 2 * HOUR
        report = crm.run_scheduled(cutoff, owner)
        assert report.examined == 3
        assert crm.stage_distribution(owner)[Stage.CHURNED] == 3

    def test_stage_and_milestone_events_reach_subscribers_after_commit_only(
        self, crm: CRM, owner: Actor
    ) -> None:
        heard: list[DomainEvent] = []
        crm.subscribe(heard.append)
        crm.record_many(_visit(1, T0), owner)
        changes = [(e.previous, e.stage) for e in heard if isinstance(e, StageChanged)]
        assert changes == [(None, Stage.DISCOVERY), (Stage.DISCOVERY, Stage.ACTIVATION)]
        assert [e.kind for e in heard if isinstance(e, MilestoneReached)] == [
            MilestoneKind.FIRST_BOOKING
        ]
        crm.save_workspace(Workspace("ws-a", "Full", client_limit=1), owner)
        heard.clear()
        with pytest.raises(PlanLimitError):
            crm.record_many([*_visit(2, T0), *_visit(3, T0, email="new@example.com")], owner)
        assert heard == []

    def test_orders_forms_and_shares_move_journeys(self, crm: CRM, owner: Actor) -> None:
        """Orders and forms are interactions, a paid order a purchase; unknown emails make
        clients of the right source; the list filters by stage."""
        order = OrderEvent("paid", "o-1", "ord-1", T0, "ola@example.com", "Mat", Money("40", "EUR"))
        crm.record(order, owner)
        crm.record(ActivityEvent("form", "f-1", T0, "uma@example.com", title="Waiver"), owner)
        crm.record(ActivityEvent("form", "f-2", T0 + DAY, "uma@example.com"), owner)
        shared = ActivityEvent("social_share", "s-1", T0, "sam@example.com")
        crm.record(shared, owner)
        crm.record(shared, owner)
        by_email = {c.email: c for c in crm.iter_clients(ClientQuery(), owner)}
        assert {
            e: (c.source.value, c.journey and c.journey.stage) for e, c in by_email.items()
        } == {
            "ola@example.com": ("order", Stage.ACTIVATION),
            "uma@example.com": ("form", Stage.ENGAGEMENT),
            "sam@example.com": ("activity", Stage.DISCOVERY),
        }
        sam = crm.journey(by_email["sam@example.com"].id, owner)
        assert [m.kind for m in sam.milestones] == [MilestoneKind.SOCIAL_SHARE]
        ola = crm.journey(by_email["ola@example.com"].id, owner)
        assert {m.kind for m in ola.milestones} == {MilestoneKind.FIRST_ORDER}
        engaged = crm.list_clients(ClientQuery(stages=[Stage.ENGAGEMENT]), owner).clients
        assert [c.email for c in engaged] == ["uma@example.com"]

    def test_stage_conversion_between_two_dates(self, crm: CRM, owner: Actor) -> None:
        """Entered: clients who came into a stage in the period; moved on: those of them who
        went to a further stage before its end."""
        crm.record_many(_visit(1, T0, email="a@example.com"), owner)  # discovery, activation
        crm.record_many(
            [e for n in range(3) for e in _visit(n, T0 + n * DAY, email="b@example.com")], owner
        )
        table = {
            c.stage: (c.entered, c.moved_on)
            for c in crm.stage_conversion(T0 - DAY, T0 + 30 * DAY, owner)
        }
        assert table[Stage.DISCOVERY] == (2, 2)
        assert table[Stage.ACTIVATION] == (2, 1)
        assert table[Stage.RETENTION] == (1, 0)
        early = {
            c.stage: (c.entered, c.moved_on)
            for c in crm.stage_conversion(T0 - DAY, T0 + DAY + 2 * HOUR, owner)
        }
        assert early[Stage.ACTIVATION] == (2, 0)


def _client(crm: CRM, email: str) -> Client:
    return crm.add_client(Actor.owner("ws-a"), name=email, email=email)


def _journey(at: datetime, due: datetime | None) -> Journey:
    return Journey(Stage.DISCOVERY, at, at, at, due=due)


class JourneyRepositoryContract(StoreFixtures):
    """Stage histories, milestones, conversion counts, and the clients due."""

    def test_histories_are_added_read_and_replaced(
        self, store: Store, crm: CRM, owner: Actor
    ) -> None:
        a = _client(crm, "a@example.com")
        b = _client(crm, "b@example.com")
        change = StageChange("ws-a", a.id, 1, Stage.DISCOVERY, Stage.ACTIVATION, T0, "x:1")
        first = Milestone("ws-a", a.id, MilestoneKind.FIRST_ORDER, T0 + HOUR, "x:1")
        early = Milestone("ws-a", a.id, MilestoneKind.SOCIAL_SHARE, T0, "s:1")
        with store.unit_of_work() as uow:
            uow.journeys.add([change], [first, early])
            uow.commit()
        with store.unit_of_work() as uow:
            found = uow.journeys.for_clients("ws-a", [a.id, b.id, "nobody"])
            other = uow.journeys.for_clients("ws-b", [a.id])
        assert [c.seq for c in found[a.id].changes] == [0, 1]
        assert found[a.id].milestones == (early, first)
        assert [c.stage for c in found[b.id].changes] == [Stage.DISCOVERY]
        assert set(found) == {a.id, b.id}
        assert other == {}
        with store.unit_of_work() as uow:
            uow.journeys.replace("ws-a", [a.id], [change], [])
            uow.commit()
        with store.unit_of_work() as uow:
            found = uow.journeys.for_clients("ws-a", [a.id, b.id])
        assert found[a.id].changes == (change,)
        assert found[a.id].milestones == ()
        assert len(found[b.id].changes) == 1

    def test_due_clients_earliest_first_and_stage_counts(
        self, store: Store, crm: CRM, owner: Actor
    ) -> None:
        clients = [_client(crm, f"{n}@example.com") for n in range(4)]
        dues = [T0 + 2 * DAY, None, T0, T0 + 9 * DAY]
        with store.unit_of_work() as uow:
            fixed = [
                Client(c.id, c.workspace_id, c.name, c.email, c.created_at, journey=j)
                for c, j in zip(clients, [_journey(T0, d) for d in dues], strict=True)
            ]
            uow.clients.update_figures([*fixed[:3], _without_journey(clients[3])])
            uow.commit()
        with store.unit_of_work() as uow:
            due = uow.clients.due("ws-a", T0 + 2 * DAY, 10)
            first = uow.clients.due("ws-a", T0 + 9 * DAY, 2)
            counts = uow.clients.stage_counts("ws-a")
            elsewhere = uow.clients.due("ws-b", T0 + 99 * DAY, 10)
        # no journey yet: due before anything; then by due moment; never-due never
        assert [c.id for c in due] == [clients[3].id, clients[2].id, clients[0].id]
        assert [c.id for c in first] == [clients[3].id, clients[2].id]
        assert counts == {Stage.DISCOVERY: 3}
        assert elsewhere == []


def _without_journey(client: Client) -> Client:
    """The client without a journey (as stored before journeys existed)."""
    return Client(client.id, client.workspace_id, client.name, client.email, client.created_at)


class OrderRepositoryContract(StoreFixtures):
    """Orders: read by id, written whole, listed per client earliest placed first."""

    def test_orders_round_trip(self, store: Store, crm: CRM, kate: Client) -> None:
        def order(n: int, at: datetime, status: OrderStatus) -> Order:
            version = Version(at, f"e{n}")
            return Order(
                f"o{n}", "ws-a", kate.id, "Mat", Decimal("12.34"), status, at, version, version
            )

        late, early = order(1, T0 + DAY, OrderStatus.PAID), order(2, T0, OrderStatus.PLACED)
        with store.unit_of_work() as uow:
            uow.orders.save_many([late, early])
            uow.orders.save_many([order(2, T0, OrderStatus.REFUNDED)])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.orders.get_many("ws-a", ["o1", "o9"]) == {"o1": late}
            assert uow.orders.get_many("ws-b", ["o1"]) == {}
            listed = uow.orders.for_clients("ws-a", [kate.id, "nobody"])
        assert [(o.id, o.status) for o in listed[kate.id]] == [
            ("o2", OrderStatus.REFUNDED),
            ("o1", OrderStatus.PAID),
        ]
        assert set(listed) == {kate.id}


class ActivityRepositoryContract(StoreFixtures):
    """Activities: read by id, listed per client oldest first."""

    def test_activities_round_trip(self, store: Store, crm: CRM, kate: Client) -> None:
        review = Activity("a1", "ws-a", kate.id, ActivityKind.REVIEW, T0 + DAY, "Great class")
        form = Activity("a2", "ws-a", kate.id, ActivityKind.FORM, T0)
        with store.unit_of_work() as uow:
            uow.activities.save_many([review, form])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.activities.get_many("ws-a", ["a1", "zz"]) == {"a1": review}
            assert uow.activities.get_many("ws-b", ["a1"]) == {}
            assert uow.activities.for_clients("ws-a", [kate.id]) == {kate.id: [form, review]}
