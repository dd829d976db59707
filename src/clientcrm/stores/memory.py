"""The in-memory store: the reference implementation of the ports, with no dependencies.

Each unit of work holds the store's lock, writes straight into the dictionaries and keeps an
undo journal; rollback replays the journal backwards. Units of work are therefore serialised,
which is what a reference store for tests and notebooks needs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice
from types import TracebackType
from typing import Any, Self

from attrs import evolve

from clientcrm.errors import DuplicateClientError, NotFoundError, StorageError
from clientcrm.models.activity import Activity
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client, ClientSummary
from clientcrm.models.coaching import CoachingRecord, RecordKind
from clientcrm.models.credits import CreditEntry, CreditPackage, PackageState
from clientcrm.models.importing import ImportChange, ImportRun
from clientcrm.models.insights import Totals
from clientcrm.models.journey import (
    JourneyHistory,
    Milestone,
    Stage,
    StageChange,
    StageConversion,
)
from clientcrm.models.merging import Distinction, MatchStatus, Merge, PendingMatch
from clientcrm.models.note import Note
from clientcrm.models.order import Order
from clientcrm.models.purchases import ExternalPurchase
from clientcrm.models.timeline import TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.rules.bookings import BEGINNING
from clientcrm.rules.insights import PythonInsights
from clientcrm.rules.query import ClientCriteria, matches, sort_value

__all__ = ["MemoryStore"]

_MISSING = object()


class _Tables:
    def __init__(self) -> None:
        self.workspaces: dict[str, Workspace] = {}
        self.clients: dict[tuple[str, str], Client] = {}
        self.emails: dict[tuple[str, str], str] = {}
        self.bookings: dict[tuple[str, str], Booking] = {}
        self.by_client: dict[tuple[str, str], dict[str, Booking]] = {}
        self.notes: dict[tuple[str, str], Note] = {}
        self.merges: dict[tuple[str, str], Merge] = {}
        self.entries: dict[tuple[str, str], TimelineEntry] = {}
        self.keys: dict[tuple[str, str], set[str]] = {}
        self.client_keys: dict[tuple[str, str], frozenset[str]] = {}
        self.pending: dict[tuple[str, str], PendingMatch] = {}
        self.distinctions: dict[tuple[str, str, str], Distinction] = {}
        self.orders: dict[tuple[str, str], Order] = {}
        self.activities: dict[tuple[str, str], Activity] = {}
        self.purchases: dict[tuple[str, str], ExternalPurchase] = {}
        self.runs: dict[tuple[str, str], ImportRun] = {}
        self.changes: dict[tuple[str, str, int, str], ImportChange] = {}
        self.histories: dict[tuple[str, str], JourneyHistory] = {}
        self.packages: dict[tuple[str, str], CreditPackage] = {}
        self.ledger: dict[tuple[str, str, int], CreditEntry] = {}
        self.coaching: dict[tuple[str, RecordKind, str], CoachingRecord] = {}


def _discard(table: dict[Any, set[str]], key: Any, member: str) -> None:
    members = table[key]
    members.discard(member)
    if not members:
        del table[key]


class _Journal:
    """Writes to the tables, remembering how to undo each."""

    def __init__(self) -> None:
        self.undo: list[Callable[[], None]] = []

    def put(self, table: MutableMapping[Any, Any], key: Any, value: Any) -> None:
        old = table.get(key, _MISSING)
        table[key] = value
        self.undo.append(lambda: self._restore(table, key, old))

    def pop(self, table: MutableMapping[Any, Any], key: Any) -> None:
        old = table.pop(key)
        self.undo.append(lambda: self._restore(table, key, old))

    def add_member(self, table: dict[Any, set[str]], key: Any, member: str) -> None:
        members = table.setdefault(key, set())
        if member not in members:
            members.add(member)
            self.undo.append(lambda: _discard(table, key, member))

    def discard_member(self, table: dict[Any, set[str]], key: Any, member: str) -> None:
        """Take ``member`` from the set at ``key``, and the key with its last member."""
        if member in table.get(key, ()):
            _discard(table, key, member)
            self.undo.append(lambda: table.setdefault(key, set()).add(member))

    @staticmethod
    def _restore(table: MutableMapping[Any, Any], key: Any, old: Any) -> None:
        if old is _MISSING:
            table.pop(key, None)
        else:
            table[key] = old


class _Workspaces:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def get(self, workspace_id: str) -> Workspace:
        try:
            return self._t.workspaces[workspace_id]
        except KeyError:
            raise NotFoundError("workspace", workspace_id) from None

    def save(self, workspace: Workspace) -> None:
        self._j.put(self._t.workspaces, workspace.id, workspace)


class _Clients:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def get(self, workspace_id: str, client_id: str) -> Client:
        try:
            return self._t.clients[workspace_id, client_id]
        except KeyError:
            raise NotFoundError("client", client_id) from None

    def get_many(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, Client]:
        table = self._t.clients
        return {c: table[workspace_id, c] for c in client_ids if (workspace_id, c) in table}

    def find_by_emails(self, workspace_id: str, emails: Collection[str]) -> dict[str, Client]:
        found = {}
        for email in emails:
            client_id = self._t.emails.get((workspace_id, email))
            if client_id is not None:
                found[email] = self._t.clients[workspace_id, client_id]
        return found

    def add(self, clients: Sequence[Client]) -> None:
        for client in clients:
            self._claim(client)
            self._j.put(self._t.clients, (client.workspace_id, client.id), client)

    def _claim(self, client: Client) -> None:
        for email in client.emails:
            holder = self._t.emails.get((client.workspace_id, email))
            if holder is not None and holder != client.id:
                raise DuplicateClientError(email, holder)
        for email in client.emails:
            self._j.put(self._t.emails, (client.workspace_id, email), client.id)

    def update(self, client: Client) -> None:
        old = self.get(client.workspace_id, client.id)
        self._claim(client)
        for email in old.emails - client.emails:
            self._j.pop(self._t.emails, (client.workspace_id, email))
        self._j.put(self._t.clients, (client.workspace_id, client.id), client)

    def remove(self, workspace_id: str, client_id: str) -> None:
        client = self.get(workspace_id, client_id)
        for email in client.emails:
            self._j.pop(self._t.emails, (workspace_id, email))
        self._j.pop(self._t.clients, (workspace_id, client_id))

    def update_figures(self, clients: Sequence[Client]) -> None:
        for client in clients:
            old = self.get(client.workspace_id, client.id)
            new = evolve(
                old,
                created_at=client.created_at,
                figures=client.figures,
                journey=client.journey,
                credits=client.credits,
            )
            self._j.put(self._t.clients, (client.workspace_id, client.id), new)

    def due(self, workspace_id: str, until: datetime, limit: int) -> list[Client]:
        due = [
            (when, c.id, c)
            for (ws, _), c in self._t.clients.items()
            if ws == workspace_id and (when := _due(c)) is not None and when <= until
        ]
        return [c for _, _, c in sorted(due)[:limit]]

    def stage_counts(self, workspace_id: str) -> dict[Stage, int]:
        found: dict[Stage, int] = {}
        for (ws, _), c in self._t.clients.items():
            if ws == workspace_id and c.journey is not None:
                found[c.journey.stage] = found.get(c.journey.stage, 0) + 1
        return found

    def count(self, workspace_id: str) -> int:
        return sum(1 for ws, _ in self._t.clients if ws == workspace_id)

    def totals(self, workspace_id: str) -> Totals:
        mine = [c for (ws, _), c in self._t.clients.items() if ws == workspace_id]
        return Totals(
            customers=len(mine),
            with_credits=sum(1 for c in mine if c.credits.available > 0),
            revenue=sum((c.figures.spend for c in mine), Decimal(0)),
            bookings=sum(c.figures.bookings for c in mine),
        )

    def list(self, workspace_id: str, criteria: ClientCriteria) -> list[Client]:
        rows = [
            c
            for (ws, _), c in self._t.clients.items()
            if ws == workspace_id and matches(c, criteria)
        ]

        def key(client: Client) -> tuple[object, str]:
            return (sort_value(client, criteria.sort), client.id)

        rows.sort(key=key, reverse=criteria.descending)
        if criteria.after is not None:
            mark = (criteria.after.value, criteria.after.client_id)
            if criteria.descending:
                rows = [c for c in rows if key(c) < mark]
            else:
                rows = [c for c in rows if key(c) > mark]
        return rows[: criteria.limit]

    def summaries(self, workspace_id: str, criteria: ClientCriteria) -> Iterator[ClientSummary]:
        return map(ClientSummary.of, self.list(workspace_id, criteria))

    def iter_workspace(self, workspace_id: str) -> Iterator[Client]:
        ids = sorted(cid for ws, cid in self._t.clients if ws == workspace_id)
        for client_id in ids:
            yield self._t.clients[workspace_id, client_id]


class _Bookings:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def get_many(self, workspace_id: str, booking_ids: Collection[str]) -> dict[str, Booking]:
        table = self._t.bookings
        return {b: table[workspace_id, b] for b in booking_ids if (workspace_id, b) in table}

    def add_many(self, bookings: Sequence[Booking]) -> None:
        for booking in bookings:
            if (booking.workspace_id, booking.id) in self._t.bookings:
                raise StorageError(f"booking {booking.id} already exists")
        self.save_many(bookings)

    def save_many(self, bookings: Sequence[Booking]) -> None:
        for booking in bookings:
            key = (booking.workspace_id, booking.id)
            old = self._t.bookings.get(key)
            if old is not None and old.client_id != booking.client_id:
                self._j.pop(self._t.by_client[old.workspace_id, old.client_id], old.id)
            self._j.put(self._t.bookings, key, booking)
            owner = (booking.workspace_id, booking.client_id)
            if owner not in self._t.by_client:
                self._j.put(self._t.by_client, owner, {})
            self._j.put(self._t.by_client[owner], booking.id, booking)

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, list[Booking]]:
        found: dict[str, list[Booking]] = {}
        for client_id in client_ids:
            history = self._t.by_client.get((workspace_id, client_id))
            if history:
                found[client_id] = sorted(history.values(), key=lambda b: (b.starts_at, b.id))
        return found

    def remove(self, workspace_id: str, booking_ids: Collection[str]) -> None:
        for booking_id in booking_ids:
            old = self._t.bookings.get((workspace_id, booking_id))
            if old is not None:
                self._j.pop(self._t.bookings, (workspace_id, booking_id))
                self._j.pop(self._t.by_client[workspace_id, old.client_id], booking_id)


def _due(client: Client) -> datetime | None:
    return BEGINNING.occurred_at if client.journey is None else client.journey.due


class _Owned:
    """Records keyed by (workspace_id, id) that belong to one client each."""

    def __init__(self, table: dict[tuple[str, str], Any], j: _Journal, order: str) -> None:
        self._table, self._j, self._order = table, j, order

    def get_many(self, workspace_id: str, ids: Collection[str]) -> dict[str, Any]:
        table = self._table
        return {i: table[workspace_id, i] for i in ids if (workspace_id, i) in table}

    def save_many(self, records: Sequence[Any]) -> None:
        for record in records:
            self._j.put(self._table, (record.workspace_id, record.id), record)

    def for_clients(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, list[Any]]:
        wanted = set(client_ids)
        found: dict[str, list[Any]] = {}
        for (ws, _), record in self._table.items():
            if ws == workspace_id and record.client_id in wanted:
                found.setdefault(record.client_id, []).append(record)
        for records in found.values():
            records.sort(key=lambda r: (getattr(r, self._order), r.id))
        return found


class _Purchases(_Owned):
    def in_workspace(self, workspace_id: str) -> Iterator[ExternalPurchase]:
        found = [p for (ws, _), p in self._table.items() if ws == workspace_id]
        return iter(sorted(found, key=lambda p: (p.purchased_at, p.id)))

    def remove(self, workspace_id: str, purchase_ids: Collection[str]) -> None:
        for purchase_id in purchase_ids:
            if (workspace_id, purchase_id) in self._table:
                self._j.pop(self._table, (workspace_id, purchase_id))


class _Imports:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def add_run(self, run: ImportRun) -> None:
        if (run.workspace_id, run.id) in self._t.runs:
            raise StorageError(f"import run {run.id} exists already")
        self._j.put(self._t.runs, (run.workspace_id, run.id), run)

    def get_run(self, workspace_id: str, run_id: str) -> ImportRun:
        try:
            return self._t.runs[workspace_id, run_id]
        except KeyError:
            raise NotFoundError("import run", run_id) from None

    def update_run(self, run: ImportRun) -> None:
        self.get_run(run.workspace_id, run.id)
        self._j.put(self._t.runs, (run.workspace_id, run.id), run)

    def runs(self, workspace_id: str) -> list[ImportRun]:
        found = [r for (ws, _), r in self._t.runs.items() if ws == workspace_id]
        return sorted(found, key=lambda r: (r.started_at, r.id), reverse=True)

    def add_changes(self, changes: Sequence[ImportChange]) -> None:
        for c in changes:
            key = (c.workspace_id, c.run_id, c.line, c.kind.value)
            if key in self._t.changes:
                raise StorageError(f"import change {key} exists already")
            self._j.put(self._t.changes, key, c)

    def changes(
        self, workspace_id: str, run_id: str, before: tuple[int, str] | None, limit: int
    ) -> list[ImportChange]:
        mine = {
            (line, kind): c
            for (ws, run, line, kind), c in self._t.changes.items()
            if ws == workspace_id and run == run_id and (before is None or (line, kind) < before)
        }
        return [mine[at] for at in sorted(mine, reverse=True)[:limit]]

    def for_client(self, workspace_id: str, client_id: str) -> list[ImportChange]:
        found = [
            (key, c)
            for key, c in self._t.changes.items()
            if key[0] == workspace_id and c.client_id == client_id
        ]
        return [c for _, c in sorted(found, key=lambda kc: kc[0])]

    def redact(self, workspace_id: str, client_id: str) -> None:
        for key, c in list(self._t.changes.items()):
            if key[0] == workspace_id and c.client_id == client_id:
                self._j.put(self._t.changes, key, evolve(c, before=None, after=None))


class _Journeys:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def add(self, changes: Sequence[StageChange], milestones: Sequence[Milestone]) -> None:
        for key, more in JourneyHistory.group(changes, milestones).items():
            old = self._t.histories.get(key, JourneyHistory())
            self._j.put(self._t.histories, key, old.extended(more))

    def replace(
        self,
        workspace_id: str,
        client_ids: Collection[str],
        changes: Sequence[StageChange],
        milestones: Sequence[Milestone],
    ) -> None:
        for client_id in client_ids:
            if (workspace_id, client_id) in self._t.histories:
                self._j.pop(self._t.histories, (workspace_id, client_id))
        self.add(changes, milestones)

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, JourneyHistory]:
        histories = self._t.histories
        return {c: histories[workspace_id, c] for c in client_ids if (workspace_id, c) in histories}

    def conversion(
        self, workspace_id: str, start: datetime, end: datetime
    ) -> list[StageConversion]:
        entered: dict[Stage, set[str]] = {stage: set() for stage in Stage}
        moved: dict[Stage, set[str]] = {stage: set() for stage in Stage}
        for (ws, client_id), history in self._t.histories.items():
            if ws != workspace_id:
                continue
            changes = history.changes
            for n, change in enumerate(changes):
                if not start <= change.at < end:
                    continue
                entered[change.stage].add(client_id)
                after = changes[n + 1] if n + 1 < len(changes) else None
                if after is not None and after.at < end and after.stage is not Stage.CHURNED:
                    moved[change.stage].add(client_id)
        return [StageConversion(s, len(entered[s]), len(moved[s])) for s in Stage]


class _Credits:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def get(self, workspace_id: str, package_id: str) -> CreditPackage:
        try:
            return self._t.packages[workspace_id, package_id]
        except KeyError:
            raise NotFoundError("credit package", package_id) from None

    def for_client(self, workspace_id: str, client_id: str) -> list[CreditPackage]:
        found = [
            p
            for (ws, _), p in self._t.packages.items()
            if ws == workspace_id and p.client_id == client_id
        ]
        return sorted(found, key=lambda p: (p.purchased_at, p.id))

    def save(self, packages: Sequence[CreditPackage], entries: Sequence[CreditEntry]) -> None:
        for package in packages:
            self._j.put(self._t.packages, (package.workspace_id, package.id), package)
        for entry in entries:
            key = (entry.workspace_id, entry.package_id, entry.seq)
            if key in self._t.ledger:
                raise StorageError(f"ledger entry {key} exists already")
            self._j.put(self._t.ledger, key, entry)

    def _entries(self, workspace_id: str) -> Iterator[CreditEntry]:
        return (e for (ws, _, _), e in self._t.ledger.items() if ws == workspace_id)

    def ledger(self, workspace_id: str, client_id: str) -> list[CreditEntry]:
        found = [e for e in self._entries(workspace_id) if e.client_id == client_id]
        return sorted(found, key=lambda e: (e.at, e.package_id, e.seq))

    def for_booking(self, workspace_id: str, booking_id: str) -> list[CreditEntry]:
        found = [e for e in self._entries(workspace_id) if e.booking_id == booking_id]
        return sorted(found, key=lambda e: (e.package_id, e.seq))

    def expiring(self, workspace_id: str, until: datetime, limit: int) -> list[CreditPackage]:
        found = [
            (p.expires_at, p.id, p)
            for (ws, _), p in self._t.packages.items()
            if ws == workspace_id
            and p.state is PackageState.ACTIVE
            and p.expires_at is not None
            and p.expires_at <= until
        ]
        return [p for _, _, p in sorted(found)[:limit]]

    def move(self, workspace_id: str, package_ids: Collection[str], client_id: str) -> None:
        moving = set(package_ids)
        for package_id in moving:
            package = self.get(workspace_id, package_id)
            self._j.put(
                self._t.packages, (workspace_id, package_id), evolve(package, client_id=client_id)
            )
        for key, entry in list(self._t.ledger.items()):
            if key[0] == workspace_id and key[1] in moving:
                self._j.put(self._t.ledger, key, evolve(entry, client_id=client_id))

    def redact(self, workspace_id: str, client_id: str) -> None:
        for key, entry in list(self._t.ledger.items()):
            if key[0] == workspace_id and entry.client_id == client_id and entry.reason:
                self._j.put(self._t.ledger, key, evolve(entry, reason=None))


class _Notes:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def get(self, workspace_id: str, note_id: str) -> Note:
        try:
            return self._t.notes[workspace_id, note_id]
        except KeyError:
            raise NotFoundError("note", note_id) from None

    def add(self, note: Note) -> None:
        self._j.put(self._t.notes, (note.workspace_id, note.id), note)

    def update(self, note: Note) -> None:
        self.get(note.workspace_id, note.id)
        self.add(note)

    def delete(self, workspace_id: str, note_id: str) -> None:
        self.get(workspace_id, note_id)
        self._j.pop(self._t.notes, (workspace_id, note_id))

    def for_client(self, workspace_id: str, client_id: str) -> list[Note]:
        notes = [
            n
            for (ws, _), n in self._t.notes.items()
            if ws == workspace_id and n.client_id == client_id
        ]
        notes.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        notes.sort(key=lambda n: not n.pinned)
        return notes


class _Merges:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def add(self, merge: Merge) -> None:
        self._j.put(self._t.merges, (merge.workspace_id, merge.id), merge)

    def get(self, workspace_id: str, merge_id: str) -> Merge:
        try:
            return self._t.merges[workspace_id, merge_id]
        except KeyError:
            raise NotFoundError("merge", merge_id) from None

    def update(self, merge: Merge) -> None:
        self.get(merge.workspace_id, merge.id)
        self.add(merge)

    def for_client(self, workspace_id: str, client_id: str) -> list[Merge]:
        found = [
            m
            for (ws, _), m in self._t.merges.items()
            if ws == workspace_id and client_id in (m.survivor_id, m.loser_id)
        ]
        return sorted(found, key=lambda m: (m.merged_at, m.id), reverse=True)


class _Timeline:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def add(self, entries: Sequence[TimelineEntry]) -> None:
        for entry in entries:
            self._j.put(self._t.entries, (entry.workspace_id, entry.id), entry)

    def for_client(self, workspace_id: str, client_id: str) -> list[TimelineEntry]:
        found = [
            e
            for (ws, _), e in self._t.entries.items()
            if ws == workspace_id and e.client_id == client_id
        ]
        return sorted(found, key=lambda e: (e.at, e.id), reverse=True)

    def move(self, workspace_id: str, entry_ids: Collection[str], client_id: str) -> None:
        for entry_id in entry_ids:
            entry = self._t.entries[workspace_id, entry_id]
            self._j.put(
                self._t.entries, (workspace_id, entry_id), evolve(entry, client_id=client_id)
            )

    def redact(self, workspace_id: str, client_id: str, summary: str) -> None:
        for key, entry in list(self._t.entries.items()):
            if key[0] == workspace_id and (
                entry.client_id == client_id or client_id in entry.data.values()
            ):
                self._j.put(self._t.entries, key, evolve(entry, summary=summary, data={}))


class _Matches:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def index(self, workspace_id: str, keys: Mapping[str, Collection[str]]) -> None:
        for client_id, new in keys.items():
            old = self._t.client_keys.get((workspace_id, client_id), frozenset())
            for key in old - set(new):
                self._j.discard_member(self._t.keys, (workspace_id, key), client_id)
            for key in set(new) - old:
                self._j.add_member(self._t.keys, (workspace_id, key), client_id)
            self._j.put(self._t.client_keys, (workspace_id, client_id), frozenset(new))

    def holders(self, workspace_id: str, keys: Collection[str], limit: int) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key in keys:
            if held := self._t.keys.get((workspace_id, key)):
                found[key] = sorted(held) if len(held) <= limit else list(islice(held, limit + 1))
        return found

    def add_pending(self, match: PendingMatch) -> None:
        self._j.put(self._t.pending, (match.workspace_id, match.id), match)

    def get_pending(self, workspace_id: str, match_id: str) -> PendingMatch:
        try:
            return self._t.pending[workspace_id, match_id]
        except KeyError:
            raise NotFoundError("pending match", match_id) from None

    def update_pending(self, match: PendingMatch) -> None:
        self.get_pending(match.workspace_id, match.id)
        self.add_pending(match)

    def pending(self, workspace_id: str, *, open_only: bool = True) -> list[PendingMatch]:
        found = [
            m
            for (ws, _), m in self._t.pending.items()
            if ws == workspace_id and (m.status is MatchStatus.OPEN or not open_only)
        ]
        return sorted(found, key=lambda m: (m.created_at, m.id))

    def forget(self, workspace_id: str, client_id: str) -> None:
        self.index(workspace_id, {client_id: ()})
        self._j.pop(self._t.client_keys, (workspace_id, client_id))
        for key, match in list(self._t.pending.items()):
            if key[0] == workspace_id and client_id in (match.client_id, match.candidate_id):
                self._j.pop(self._t.pending, key)
        for pair in list(self._t.distinctions):
            if pair[0] == workspace_id and client_id in pair[1:]:
                self._j.pop(self._t.distinctions, pair)

    def add_distinction(self, distinction: Distinction) -> None:
        d = distinction
        self._j.put(self._t.distinctions, (d.workspace_id, d.a_id, d.b_id), d)

    def distinctions(
        self, workspace_id: str, client_ids: Collection[str] | None = None
    ) -> list[Distinction]:
        wanted = None if client_ids is None else set(client_ids)
        return sorted(
            (
                d
                for (ws, a, b), d in self._t.distinctions.items()
                if ws == workspace_id and (wanted is None or a in wanted or b in wanted)
            ),
            key=lambda d: (d.a_id, d.b_id),
        )


class _Coaching:
    def __init__(self, t: _Tables, j: _Journal) -> None:
        self._t, self._j = t, j

    def put(self, records: Sequence[CoachingRecord]) -> None:
        for record in records:
            self._j.put(self._t.coaching, (record.workspace_id, record.kind, record.key), record)

    def get(self, workspace_id: str, kind: RecordKind, key: str) -> CoachingRecord | None:
        return self._t.coaching.get((workspace_id, kind, key))

    def find(
        self,
        workspace_id: str,
        kind: RecordKind,
        *,
        client_id: str | None = None,
        owner_id: str | None = None,
    ) -> list[CoachingRecord]:
        found = [
            r
            for (ws, k, _), r in self._t.coaching.items()
            if ws == workspace_id
            and k is kind
            and (client_id is None or r.client_id == client_id)
            and (owner_id is None or r.owner_id == owner_id)
        ]
        return sorted(found, key=lambda r: (r.at, r.key))

    def remove(self, workspace_id: str, kind: RecordKind, key: str) -> None:
        if (workspace_id, kind, key) in self._t.coaching:
            self._j.pop(self._t.coaching, (workspace_id, kind, key))

    def forget(self, workspace_id: str, client_id: str) -> None:
        for key, record in list(self._t.coaching.items()):
            if key[0] == workspace_id and record.client_id == client_id:
                self._j.pop(self._t.coaching, key)


class _UnitOfWork:
    def __init__(self, tables: _Tables, lock: threading.RLock) -> None:
        self._lock = lock
        self._journal = _Journal()
        self.workspaces = _Workspaces(tables, self._journal)
        self.clients = _Clients(tables, self._journal)
        self.bookings = _Bookings(tables, self._journal)
        self.notes = _Notes(tables, self._journal)
        self.orders = _Owned(tables.orders, self._journal, "placed_at")
        self.activities = _Owned(tables.activities, self._journal, "at")
        self.purchases = _Purchases(tables.purchases, self._journal, "purchased_at")
        self.imports = _Imports(tables, self._journal)
        self.journeys = _Journeys(tables, self._journal)
        self.credits = _Credits(tables, self._journal)
        self.merges = _Merges(tables, self._journal)
        self.timeline = _Timeline(tables, self._journal)
        self.matches = _Matches(tables, self._journal)
        self.coaching = _Coaching(tables, self._journal)
        self.insights = PythonInsights(
            lambda ws: [c for (w, _), c in tables.clients.items() if w == ws],
            lambda ws: [b for (w, _), b in tables.bookings.items() if w == ws],
        )

    def __enter__(self) -> Self:
        self._lock.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._lock.release()

    def commit(self) -> None:
        self._journal.undo.clear()

    def rollback(self) -> None:
        undo = self._journal.undo
        while undo:
            undo.pop()()


class MemoryStore:
    """Every record in Python dictionaries: the reference store, for tests and notebooks."""

    def __init__(self) -> None:
        self._tables = _Tables()
        self._lock = threading.RLock()

    def unit_of_work(self) -> _UnitOfWork:
        """Return a new unit of work; use it as a context manager."""
        return _UnitOfWork(self._tables, self._lock)

    def purge(self) -> None:
        """Nothing to purge: the dictionaries hold only what is current."""

    def close(self) -> None:
        """Nothing to release."""
