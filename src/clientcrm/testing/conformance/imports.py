"""Contracts: imports are recorded runs that undo in one call, on every store."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientcrm.errors import NotFoundError
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client
from clientcrm.models.importing import (
    BookingRow,
    ChangeKind,
    ClientRow,
    ImportChange,
    ImportKind,
    ImportMode,
    ImportReport,
    ImportRun,
    RunState,
    SaleRow,
)
from clientcrm.models.money import Money
from clientcrm.models.query import ClientQuery
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["ImportRepositoryContract", "ImportRunContract"]

T0 = datetime(2026, 1, 10, 9, tzinfo=UTC)


def _emails(crm: CRM, owner: Actor) -> set[str]:
    return {c.email for c in crm.iter_clients(ClientQuery(include_inactive=True), owner)}


class ImportRepositoryContract(StoreFixtures):
    """Runs: added, read, replaced, listed newest first; changes paged in (line, kind)
    order, found by client, and redacted."""

    def test_runs_and_changes_round_trip(self, store: Store, crm: CRM) -> None:
        early = ImportRun("r1", "ws-a", ImportKind.CLIENTS, "owner", T0, "a.csv")
        late = ImportRun("r2", "ws-a", ImportKind.SALES, "owner", T0.replace(hour=10))
        done = ImportRun(
            "r1", "ws-a", ImportKind.CLIENTS, "owner", T0, "a.csv", RunState.DONE,
            ImportReport(created=2, run_id="r1"), T0,
        )  # fmt: skip
        changes = [
            ImportChange("ws-a", "r1", 3, ChangeKind.ADDED_NOTE, "n1", "c1", after={"text": "x"}),
            ImportChange("ws-a", "r1", 2, ChangeKind.CREATED_CLIENT, "c2", "c2", after={"a": 1}),
            ImportChange("ws-a", "r1", 3, ChangeKind.CREATED_CLIENT, "c1", "c1"),
            ImportChange(
                "ws-a", "r1", 4, ChangeKind.UPDATED_CLIENT, "c1", "c1", {"name": "A"}, {"name": "B"}
            ),
        ]
        with store.unit_of_work() as uow:
            uow.imports.add_run(early)
            uow.imports.add_run(late)
            uow.imports.add_changes(changes)
            uow.imports.update_run(done)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.imports.get_run("ws-a", "r1") == done
            assert [r.id for r in uow.imports.runs("ws-a")] == ["r2", "r1"]
            assert uow.imports.runs("ws-b") == []
            with pytest.raises(NotFoundError):
                uow.imports.get_run("ws-b", "r1")
            last = uow.imports.changes("ws-a", "r1", None, 2)
            rest = uow.imports.changes("ws-a", "r1", (last[-1].line, last[-1].kind.value), 9)
            mine = uow.imports.for_client("ws-a", "c1")
            uow.imports.redact("ws-a", "c1")
            uow.commit()
        assert [(c.line, c.kind) for c in last + rest] == [
            (4, ChangeKind.UPDATED_CLIENT), (3, ChangeKind.CREATED_CLIENT),
            (3, ChangeKind.ADDED_NOTE), (2, ChangeKind.CREATED_CLIENT),
        ]  # fmt: skip
        assert last[0].before == {"name": "A"}
        assert len(mine) == 3
        with store.unit_of_work() as uow:
            blank = uow.imports.for_client("ws-a", "c1")
            assert uow.imports.for_client("ws-a", "c2")[0].after == {"a": 1}
        assert {(c.before, c.after) for c in blank} == {(None, None)}


class ImportRunContract(StoreFixtures):
    """An import undone in one call: what it created goes, what it changed comes back,
    and what was touched since stays."""

    def test_undo_removes_creations_and_reverts_updates(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        before = _emails(crm, owner)
        rows = [
            ClientRow(2, name="Ana Lima", email="ana@example.com", notes="New in town"),
            ClientRow(
                3,
                name="Kate S",
                email="KATE@example.com",
                phone="07700 900123",
                tags=("Injury",),
                notes="Knee",
            ),
            ClientRow(4, name="Bo Chen", email="bo@example.com", tags=("Beginner",)),
        ]
        report = crm.import_clients(rows, owner, mode=ImportMode.UPDATE, source="list.csv")
        assert (report.created, report.updated) == (2, 1)
        assert report.run_id is not None
        [run] = crm.import_runs(owner)
        assert (run.id, run.state, run.source, run.report) == (
            report.run_id, RunState.DONE, "list.csv", report,
        )  # fmt: skip
        updated = crm.get_client(kate.id, owner)
        assert (updated.phone, updated.tags) == ("+447700900123", frozenset({"Injury"}))
        rebuilt = crm.rebuild(owner)  # the new clients' figures and journeys are as replayed
        assert (rebuilt.repaired, rebuilt.journeys_repaired) == ([], [])
        undone = crm.undo_import(report.run_id, owner)
        assert (undone.removed, undone.kept) == (2, ())
        assert undone.reverted == 3  # kate's update and both notes
        assert _emails(crm, owner) == before
        assert crm.get_client(kate.id, owner) == kate
        assert crm.notes(kate.id, owner) == []
        assert crm.import_runs(owner)[0].state is RunState.UNDONE
        assert crm.undo_import(report.run_id, owner).removed == 0

    def test_what_was_touched_since_stays(self, crm: CRM, owner: Actor, kate: Client) -> None:
        rows = [
            ClientRow(2, name="Ana Lima", email="ana@example.com"),
            ClientRow(3, name="Bo Chen", email="bo@example.com"),
            ClientRow(4, name="Cy Diaz", email="cy@example.com"),
            ClientRow(5, name="Kate S", email="kate@example.com", phone="07700 900123"),
        ]
        report = crm.import_clients(rows, owner, mode=ImportMode.UPDATE)
        assert report.run_id is not None
        crm.record(event("booked", "b9", email="ana@example.com"), owner)
        bo = crm.find_client("bo@example.com", owner)
        crm.edit_client(bo.id, owner, name="Bo Chen-Li")
        crm.edit_client(kate.id, owner, phone="+447700900999")
        undone = crm.undo_import(report.run_id, owner)
        assert undone.removed == 1  # only Cy, untouched
        reasons = dict(undone.kept)
        ana = crm.find_client("ana@example.com", owner)
        assert reasons[ana.id] == "the client has bookings since"
        assert reasons[bo.id] == "the client was edited since"
        assert reasons[kate.id] == "the client changed since"
        assert crm.get_client(kate.id, owner).phone == "+447700900999"
        with pytest.raises(NotFoundError):
            crm.find_client("cy@example.com", owner)

    def test_a_sales_import_undoes_its_purchases_and_buyers(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        def sale(line: int, email: str, transaction: str) -> SaleRow:
            buyer = ClientRow(line, name="Ana Lima", email=email)
            return SaleRow(line, buyer, transaction, "Course", "97,00", "EUR", "Aprovado",
                           "2025-10-25")  # fmt: skip

        crm.purchases.record(
            kate.id, owner, platform="Hotmart", transaction_id="HP0", product="Course",
            price=Money("97.00", "EUR"), status="pending", purchased_at=T0,
        )  # fmt: skip
        rows = [
            sale(2, "ana@example.com", "HP1"),
            sale(3, "ana@example.com", "HP2"),
            sale(4, "kate@example.com", "HP0"),
        ]
        report = crm.import_sales(rows, owner)
        assert (report.created, report.updated) == (2, 1)
        assert report.run_id is not None
        undone = crm.undo_import(report.run_id, owner)
        assert (undone.removed, undone.reverted, undone.kept) == (1, 3, ())
        [held] = crm.purchases.of_client(kate.id, owner)
        assert held.status.value == "pending"  # the import's update reverted
        with pytest.raises(NotFoundError):
            crm.find_client("ana@example.com", owner)

    def test_dry_runs_and_refused_atomic_imports_record_nothing(
        self, crm: CRM, owner: Actor
    ) -> None:
        rows = [ClientRow(2, name="Ana", email="ana@example.com"), ClientRow(3, name="X")]
        assert crm.import_clients(rows, owner, dry_run=True).run_id is None
        refused = crm.import_clients(rows, owner, atomic=True)
        assert refused.refused
        assert refused.run_id is None
        assert crm.import_runs(owner) == []
        done = crm.import_clients(rows[:1], owner, atomic=True)
        assert [r.id for r in crm.import_runs(owner)] == [done.run_id]

    def test_a_booking_history_undoes_to_what_came_before(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        def visit(
            line: int, email: str, day: int, status: str, paid: str = "", refunded: str = ""
        ) -> BookingRow:
            who = ClientRow(line, name=email.partition("@")[0].title(), email=email)
            return BookingRow(line, who, f"v{line}", "Vinyasa", f"2025-10-{day:02d} 18:00",
                              status, paid, refunded)  # fmt: skip

        first = crm.import_bookings(
            [visit(2, "ana@example.com", 1, "Signed in", "20,00"),
             visit(3, "kate@example.com", 2, "Signed in", "15,00")], owner,
        )  # fmt: skip
        second = crm.import_bookings(
            [visit(2, "ana@example.com", 1, "Late cancel", "20,00", "20,00"),
             visit(4, "ana@example.com", 3, "No show")], owner,
        )  # fmt: skip
        assert (second.created, second.updated) == (1, 1)
        ana = crm.find_client("ana@example.com", owner)
        assert crm.get_client(ana.id, owner).figures.bookings == 0  # refunded, and unpaid
        assert second.run_id is not None
        assert first.run_id is not None
        undone = crm.undo_import(second.run_id, owner)
        assert (undone.removed, undone.reverted, undone.kept) == (0, 2, ())
        ana = crm.get_client(ana.id, owner)
        assert (ana.figures.bookings, ana.figures.spend) == (1, Decimal("20.00"))
        crm.record(event("booked", "live", email="ana@example.com"), owner)
        undone = crm.undo_import(first.run_id, owner)
        assert dict(undone.kept) == {ana.id: "the client has bookings since"}
        assert crm.get_client(ana.id, owner).figures.spend == 0
        assert crm.get_client(kate.id, owner).figures == kate.figures
