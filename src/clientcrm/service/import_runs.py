"""Imports as recorded runs: running one batch by batch (or all at once), and undoing it.

Every real import is an `ImportRun` whose changes (each client, note, purchase or booking it
created or changed) are written in the same unit of work as the change itself, so a run
stopped midway can be undone as far as it went. Undoing takes back the run's notes,
purchases and bookings and reverts its updates, then removes the clients it created that
nothing else has touched since; whatever was touched since stays, and the report says why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

import attrs

from clientcrm.errors import NotFoundError
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client
from clientcrm.models.events import DomainEvent
from clientcrm.models.importing import (
    ChangeKind,
    ImportChange,
    ImportKind,
    ImportReport,
    ImportRun,
    RowOutcome,
    RowResult,
    RunState,
    UndoReport,
)
from clientcrm.models.purchases import ExternalPurchase
from clientcrm.ports import Store, UnitOfWork
from clientcrm.serialization import converter
from clientcrm.service.bus import EventBus
from clientcrm.service.importing import BatchOutcome, RowBatch, contact, import_rows
from clientcrm.service.journeys import Journeys, refigured
from clientcrm.service.running import Runner

__all__ = ["Importer", "Start"]

_R = TypeVar("_R")
Start = Callable[[UnitOfWork, dict[str, int], str | None], RowBatch[_R]]
"""Makes a batch in a unit of work, given the emails seen so far and the run's id."""
_PAGE = 500
_CREATIONS = frozenset({ChangeKind.CREATED_CLIENT})


@attrs.frozen
class Importer:
    """Runs imports as recorded runs, and undoes them."""

    _store: Store
    _run: Runner
    _bus: EventBus
    _clock: Callable[[], datetime]
    _ids: Callable[[], str]

    def run(
        self,
        kind: ImportKind,
        actor_id: str,
        workspace_id: str,
        rows: Iterable[_R],
        start: Start[_R],
        *,
        source: str | None,
        dry_run: bool,
        atomic: bool,
        batch_size: int,
        each: Callable[[RowResult], None] | None,
    ) -> ImportReport:
        """Import ``rows`` a batch at a time (all in one unit of work when ``atomic``),
        recorded as a run unless ``dry_run``."""
        run = ImportRun(self._ids(), workspace_id, kind, actor_id, self._clock(), source)
        run_id = None if dry_run else run.id

        def begin(uow: UnitOfWork, seen: dict[str, int]) -> RowBatch[_R]:
            return start(uow, seen, run_id)

        if atomic:
            events: list[DomainEvent] = []
            with self._store.unit_of_work() as uow:
                if run_id is not None:
                    uow.imports.add_run(run)

                def within(work: Callable[[UnitOfWork], BatchOutcome]) -> BatchOutcome:
                    outcome = work(uow)
                    events.extend(outcome.events)
                    return outcome

                counts = import_rows(rows, begin, within, batch_size, each, remember=dry_run)
                report = _report(counts, dry_run, refused=counts[RowOutcome.FAILED] > 0)
                if not (dry_run or report.refused):
                    report = attrs.evolve(report, run_id=run.id)
                    uow.imports.update_run(_finished(run, report, self._clock()))
                    uow.commit()
                    self._bus.publish(events)
            return report

        def each_batch(work: Callable[[UnitOfWork], BatchOutcome]) -> BatchOutcome:
            if dry_run:
                with self._store.unit_of_work() as uow:
                    return work(uow)
            outcome = self._run(work)
            self._bus.publish(outcome.events)
            return outcome

        if run_id is not None:
            self._run(lambda uow: uow.imports.add_run(run))
        counts = import_rows(rows, begin, each_batch, batch_size, each, remember=dry_run)
        report = _report(counts, dry_run, refused=False)
        if run_id is None:
            return report
        report = attrs.evolve(report, run_id=run.id)
        done = _finished(run, report, self._clock())
        self._run(lambda uow: uow.imports.update_run(done))
        return report

    def undo(self, workspace_id: str, run_id: str) -> UndoReport:
        """Undo a run: its notes, purchases and bookings taken back and its updates reverted
        where nothing changed them since, then the clients it created removed where nothing
        touched them since. Undoing an undone run does nothing."""
        run = self._run(lambda uow: uow.imports.get_run(workspace_id, run_id))
        if run.state is RunState.UNDONE:
            return UndoReport()
        tally = _Tally()
        for creations in (False, True):  # the run's own records first, then its clients
            for page in self._pages(workspace_id, run_id):
                wanted = [c for c in page if (c.kind in _CREATIONS) is creations]
                self._run(partial(_undo_all, changes=wanted, tally=tally))
                tally.keep()
        undone = attrs.evolve(run, state=RunState.UNDONE, undone_at=self._clock())
        self._run(lambda uow: uow.imports.update_run(undone))
        return tally.report()

    def _pages(self, workspace_id: str, run_id: str) -> Iterator[list[ImportChange]]:
        """The run's changes, last first: a record the run changed twice is put back
        through its second change before its first."""
        before: tuple[int, str] | None = None
        while True:

            def read(uow: UnitOfWork, at: tuple[int, str] | None = before) -> list[ImportChange]:
                return uow.imports.changes(workspace_id, run_id, at, _PAGE)

            page = self._run(read)
            if not page:
                return
            yield page
            before = (page[-1].line, page[-1].kind.value)


def _report(counts: dict[RowOutcome, int], dry_run: bool, *, refused: bool) -> ImportReport:
    return ImportReport(
        counts[RowOutcome.CREATED], counts[RowOutcome.UPDATED], counts[RowOutcome.SKIPPED],
        counts[RowOutcome.FAILED], dry_run, refused,
    )  # fmt: skip


def _finished(run: ImportRun, report: ImportReport, now: datetime) -> ImportRun:
    return attrs.evolve(run, state=RunState.DONE, report=report, finished_at=now)


@attrs.define
class _Tally:
    """What undoing did, page by page; a page's own counts are kept only once its unit of
    work commits (a retried page starts again from nothing)."""

    removed: int = 0
    reverted: int = 0
    kept: list[tuple[str, str]] = attrs.Factory(list)
    page: _Tally | None = None
    refigure: set[str] = attrs.Factory(set)
    """Clients whose bookings changed: their figures and journeys are evaluated again."""

    def fresh(self) -> _Tally:
        self.page = _Tally()
        return self.page

    def keep(self) -> None:
        if self.page is not None:
            self.removed += self.page.removed
            self.reverted += self.page.reverted
            self.kept += self.page.kept
            self.page = None

    def report(self) -> UndoReport:
        return UndoReport(self.removed, self.reverted, tuple(self.kept))


def _undo_all(uow: UnitOfWork, *, changes: list[ImportChange], tally: _Tally) -> None:
    """Undo ``changes`` in one unit of work (counted in a fresh page of the tally)."""
    page = tally.fresh()
    for change in changes:
        _UNDO[change.kind](uow, change, page)
    if page.refigure and changes:
        _refigure(uow, changes[0].workspace_id, page.refigure)


def _refigure(uow: UnitOfWork, ws: str, client_ids: Collection[str]) -> None:
    """Evaluate the figures and journeys of these clients again from what they hold."""
    clients = list(uow.clients.get_many(ws, client_ids).values())
    uow.clients.update_figures(refigured(Journeys(uow, uow.workspaces.get(ws)), clients))


def _undo_note(uow: UnitOfWork, c: ImportChange, tally: _Tally) -> None:
    try:
        note = uow.notes.get(c.workspace_id, c.record_id)
    except NotFoundError:
        return
    if c.after is None or note.text != c.after["text"]:
        tally.kept.append((c.record_id, "the note was edited since"))
        return
    uow.notes.delete(c.workspace_id, c.record_id)
    tally.reverted += 1


def _undo_purchase(uow: UnitOfWork, c: ImportChange, tally: _Tally) -> None:
    _undo_record(uow.purchases, ExternalPurchase, "purchase", c, tally)


def _undo_booking(uow: UnitOfWork, c: ImportChange, tally: _Tally) -> None:
    if _undo_record(uow.bookings, Booking, "booking", c, tally):
        tally.refigure.add(c.client_id)


def _undo_record(
    records: _Records, model: type[Any], what: str, c: ImportChange, tally: _Tally
) -> bool:
    """Remove the record the import created, or put back the one it changed, if it is as
    the import left it; whether it did."""
    found = records.get_many(c.workspace_id, [c.record_id]).get(c.record_id)
    if found is None:
        return False
    if c.before is not None and converter.unstructure(found) == c.before:
        return False  # put back already
    if c.after is None or converter.unstructure(found) != c.after:
        tally.kept.append((c.record_id, f"the {what} changed since"))
        return False
    if c.before is None:
        records.remove(c.workspace_id, [c.record_id])
    else:
        records.save_many([converter.structure(c.before, model)])
    tally.reverted += 1
    return True


class _Records(Protocol):
    """A repository of records an import creates or changes (purchases, bookings)."""

    def get_many(self, workspace_id: str, ids: Collection[str], /) -> Mapping[str, Any]: ...

    def save_many(self, records: Sequence[Any], /) -> None: ...

    def remove(self, workspace_id: str, ids: Collection[str], /) -> None: ...


def _undo_update(uow: UnitOfWork, c: ImportChange, tally: _Tally) -> None:
    try:
        client = uow.clients.get(c.workspace_id, c.record_id)
    except NotFoundError:
        return
    if c.before is None or c.after is None:
        tally.kept.append((c.record_id, "the client's data was erased since"))
        return
    now = contact(client)
    changed = [f for f in c.after if c.after[f] != c.before[f]]
    back = {f: c.before[f] for f in changed if now[f] == c.after[f]}
    if back:
        uow.clients.update(_with(client, back))
        tally.reverted += 1
    if any(now[f] not in (c.after[f], c.before[f]) for f in changed):
        tally.kept.append((c.record_id, "the client changed since"))


def _with(client: Client, fields: dict[str, Any]) -> Client:
    """The client with these of its `contact` fields (those an import changes: the name,
    phone and tags) put back."""
    if "tags" in fields:
        fields = fields | {"tags": frozenset(fields["tags"])}
    return attrs.evolve(client, **fields)


def _undo_creation(uow: UnitOfWork, c: ImportChange, tally: _Tally) -> None:
    ws, cid = c.workspace_id, c.record_id
    try:
        client = uow.clients.get(ws, cid)
    except NotFoundError:
        return
    why = _touched(uow, client, c)
    if why is not None:
        tally.kept.append((cid, why))
        return
    uow.journeys.replace(ws, [cid], (), ())
    uow.matches.forget(ws, cid)
    uow.clients.remove(ws, cid)
    tally.removed += 1


def _touched(uow: UnitOfWork, client: Client, c: ImportChange) -> str | None:
    """Why the client created by the import is not as the import left it, if it is not."""
    ws, ids = client.workspace_id, [client.id]
    if c.after is None:
        return "the client's data was erased since"
    if contact(client) != c.after:
        return "the client was edited since"
    held: dict[str, dict[str, list[Any]]] = {
        "bookings": uow.bookings.for_clients(ws, ids),
        "orders": uow.orders.for_clients(ws, ids),
        "activities": uow.activities.for_clients(ws, ids),
        "purchases": uow.purchases.for_clients(ws, ids),
    }
    for what, found in held.items():
        if found.get(client.id):
            return f"the client has {what} since"
    if uow.notes.for_client(ws, client.id):
        return "the client has notes since"
    if uow.credits.for_client(ws, client.id):
        return "the client has credits since"
    return None


_UNDO: dict[ChangeKind, Callable[[UnitOfWork, ImportChange, _Tally], None]] = {
    ChangeKind.ADDED_NOTE: _undo_note,
    ChangeKind.CREATED_PURCHASE: _undo_purchase,
    ChangeKind.UPDATED_PURCHASE: _undo_purchase,
    ChangeKind.CREATED_BOOKING: _undo_booking,
    ChangeKind.UPDATED_BOOKING: _undo_booking,
    ChangeKind.UPDATED_CLIENT: _undo_update,
    ChangeKind.CREATED_CLIENT: _undo_creation,
}
