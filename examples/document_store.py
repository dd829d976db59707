"""A third store, written only against clientcrm's ports: JSON documents over plain DB-API.

Every record is one JSON document (clientcrm's own converter) in one table, keyed by kind,
workspace and id; a second table makes emails unique per workspace. It uses the standard
library's ``sqlite3`` and no SQLAlchemy, and it lists clients the way a store whose database
cannot filter would: it reads the workspace's clients and applies `clientcrm.rules.query`.

The conformance kit proves it (``tests/test_example_store.py``). Run this file to see it
serve a `CRM`.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from attrs import evolve

from clientcrm import CRM, Actor, BookingEvent, Money, Workspace
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
from clientcrm.rules.bookings import BEGINNING
from clientcrm.rules.insights import PythonInsights
from clientcrm.rules.query import ClientCriteria, matches, sort_value
from clientcrm.serialization import converter

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL, workspace_id TEXT NOT NULL, key TEXT NOT NULL,
    owner TEXT, body TEXT NOT NULL,
    PRIMARY KEY (kind, workspace_id, key));
CREATE INDEX IF NOT EXISTS documents_by_owner ON documents (kind, workspace_id, owner);
CREATE TABLE IF NOT EXISTS emails (
    workspace_id TEXT NOT NULL, email TEXT NOT NULL, client_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, email));
"""


class _Documents:
    """Reading and writing documents of one kind."""

    def __init__(self, db: sqlite3.Connection, kind: str, model: type[T]) -> None:
        self._db, self._kind, self._model = db, kind, model

    def load(self, workspace_id: str, key: str) -> Any | None:
        row = self._db.execute(
            "SELECT body FROM documents WHERE kind = ? AND workspace_id = ? AND key = ?",
            (self._kind, workspace_id, key),
        ).fetchone()
        return None if row is None else converter.structure(json.loads(row[0]), self._model)

    def where(self, workspace_id: str, owner: str | None = None) -> list[Any]:
        """The workspace's documents of this kind (only ``owner``'s, if given), by key."""
        if owner is None:
            rows = self._db.execute(
                "SELECT body FROM documents WHERE kind = ? AND workspace_id = ? ORDER BY key",
                (self._kind, workspace_id),
            )
        else:
            rows = self._db.execute(
                "SELECT body FROM documents WHERE kind = ? AND workspace_id = ? AND owner = ?"
                " ORDER BY key",
                (self._kind, workspace_id, owner),
            )
        return [converter.structure(json.loads(body), self._model) for (body,) in rows]

    def store(
        self,
        workspace_id: str,
        key: str,
        value: object,
        owner: str | None = None,
        *,
        new: bool = False,
    ) -> None:
        verb = "INSERT" if new else "INSERT OR REPLACE"
        body = json.dumps(converter.unstructure(value))
        self._db.execute(
            f"{verb} INTO documents VALUES (?, ?, ?, ?, ?)",
            (self._kind, workspace_id, key, owner, body),
        )

    def remove(self, workspace_id: str, key: str) -> bool:
        gone = self._db.execute(
            "DELETE FROM documents WHERE kind = ? AND workspace_id = ? AND key = ?",
            (self._kind, workspace_id, key),
        )
        return gone.rowcount > 0


class _Workspaces:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "workspace", Workspace)

    def get(self, workspace_id: str) -> Workspace:
        found: Workspace | None = self._docs.load(workspace_id, workspace_id)
        if found is None:
            raise NotFoundError("workspace", workspace_id)
        return found

    def save(self, workspace: Workspace) -> None:
        self._docs.store(workspace.id, workspace.id, workspace)


class _Clients:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._docs = _Documents(db, "client", Client)

    def get(self, workspace_id: str, client_id: str) -> Client:
        found: Client | None = self._docs.load(workspace_id, client_id)
        if found is None:
            raise NotFoundError("client", client_id)
        return found

    def get_many(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, Client]:
        found = {c: self._docs.load(workspace_id, c) for c in client_ids}
        return {c: client for c, client in found.items() if client is not None}

    def find_by_emails(self, workspace_id: str, emails: Collection[str]) -> dict[str, Client]:
        found = {}
        for email in emails:
            row = self._db.execute(
                "SELECT client_id FROM emails WHERE workspace_id = ? AND email = ?",
                (workspace_id, email),
            ).fetchone()
            if row is not None:
                found[email] = self.get(workspace_id, row[0])
        return found

    def add(self, clients: Sequence[Client]) -> None:
        for client in clients:
            self._claim(client, client.emails)
            self._docs.store(client.workspace_id, client.id, client, new=True)

    def _claim(self, client: Client, emails: frozenset[str]) -> None:
        for email in sorted(emails):
            holder = self.find_by_emails(client.workspace_id, [email]).get(email)
            if holder is not None and holder.id != client.id:
                raise DuplicateClientError(email, holder.id)
            self._db.execute(
                "INSERT OR REPLACE INTO emails VALUES (?, ?, ?)",
                (client.workspace_id, email, client.id),
            )

    def update(self, client: Client) -> None:
        old = self.get(client.workspace_id, client.id)
        self._claim(client, client.emails)
        for email in old.emails - client.emails:
            self._db.execute(
                "DELETE FROM emails WHERE workspace_id = ? AND email = ?",
                (client.workspace_id, email),
            )
        self._docs.store(client.workspace_id, client.id, client)

    def remove(self, workspace_id: str, client_id: str) -> None:
        if not self._docs.remove(workspace_id, client_id):
            raise NotFoundError("client", client_id)
        self._db.execute(
            "DELETE FROM emails WHERE workspace_id = ? AND client_id = ?", (workspace_id, client_id)
        )

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
            self._docs.store(client.workspace_id, client.id, new)

    def due(self, workspace_id: str, until: datetime, limit: int) -> list[Client]:
        def due_at(client: Client) -> datetime | None:
            return BEGINNING.occurred_at if client.journey is None else client.journey.due

        due = [
            (at, c.id, c)
            for c in self._docs.where(workspace_id)
            if (at := due_at(c)) is not None and at <= until
        ]
        return [c for _, _, c in sorted(due)[:limit]]

    def stage_counts(self, workspace_id: str) -> dict[Stage, int]:
        stages = [c.journey.stage for c in self._docs.where(workspace_id) if c.journey]
        return dict(Counter(stages))

    def count(self, workspace_id: str) -> int:
        return len(self._docs.where(workspace_id))

    def totals(self, workspace_id: str) -> Totals:
        clients = self._docs.where(workspace_id)
        return Totals(
            customers=len(clients),
            with_credits=sum(1 for c in clients if c.credits.available > 0),
            revenue=sum((c.figures.spend for c in clients), Decimal(0)),
            bookings=sum(c.figures.bookings for c in clients),
        )

    def list(self, workspace_id: str, criteria: ClientCriteria) -> list[Client]:
        def key(client: Client) -> tuple[object, str]:
            return (sort_value(client, criteria.sort), client.id)

        found = [c for c in self._docs.where(workspace_id) if matches(c, criteria)]
        found.sort(key=key, reverse=criteria.descending)
        if criteria.after is not None:
            mark = (criteria.after.value, criteria.after.client_id)
            found = [c for c in found if (key(c) < mark if criteria.descending else key(c) > mark)]
        return found[: criteria.limit]

    def summaries(self, workspace_id: str, criteria: ClientCriteria) -> Iterator[ClientSummary]:
        return map(ClientSummary.of, self.list(workspace_id, criteria))

    def iter_workspace(self, workspace_id: str) -> Iterator[Client]:
        yield from self._docs.where(workspace_id)


class _Bookings:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "booking", Booking)

    def get_many(self, workspace_id: str, booking_ids: Collection[str]) -> dict[str, Booking]:
        loaded = {b: self._docs.load(workspace_id, b) for b in booking_ids}
        return {b: booking for b, booking in loaded.items() if booking is not None}

    def add_many(self, bookings: Sequence[Booking]) -> None:
        for b in bookings:
            self._docs.store(b.workspace_id, b.id, b, b.client_id, new=True)

    def save_many(self, bookings: Sequence[Booking]) -> None:
        for b in bookings:
            self._docs.store(b.workspace_id, b.id, b, b.client_id)

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, list[Booking]]:
        found: dict[str, list[Booking]] = {}
        for client_id in client_ids:
            history = self._docs.where(workspace_id, client_id)
            if history:
                found[client_id] = sorted(history, key=lambda b: (b.starts_at, b.id))
        return found

    def remove(self, workspace_id: str, booking_ids: Collection[str]) -> None:
        for booking_id in booking_ids:
            self._docs.remove(workspace_id, booking_id)


class _Owned:
    """Orders or activities: documents owned by a client, returned oldest first."""

    def __init__(self, db: sqlite3.Connection, kind: str, model: type[T], at: str) -> None:
        self._docs, self._at = _Documents(db, kind, model), at

    def get_many(self, workspace_id: str, ids: Collection[str]) -> dict[str, Any]:
        loaded = {i: self._docs.load(workspace_id, i) for i in ids}
        return {i: record for i, record in loaded.items() if record is not None}

    def save_many(self, records: Sequence[Any]) -> None:
        for r in records:
            self._docs.store(r.workspace_id, r.id, r, r.client_id)

    def for_clients(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, list[Any]]:
        found = {c: self._docs.where(workspace_id, c) for c in client_ids}
        return {
            c: sorted(records, key=lambda r: (getattr(r, self._at), r.id))
            for c, records in found.items()
            if records
        }


class _Credits:
    """Credit packages, and each ledger entry as a document keyed by package and place."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._packages = _Documents(db, "credit_package", CreditPackage)
        self._entries = _Documents(db, "credit_entry", CreditEntry)

    def get(self, workspace_id: str, package_id: str) -> CreditPackage:
        found: CreditPackage | None = self._packages.load(workspace_id, package_id)
        if found is None:
            raise NotFoundError("credit package", package_id)
        return found

    def for_client(self, workspace_id: str, client_id: str) -> list[CreditPackage]:
        found = self._packages.where(workspace_id, client_id)
        return sorted(found, key=lambda p: (p.purchased_at, p.id))

    def save(self, packages: Sequence[CreditPackage], entries: Sequence[CreditEntry]) -> None:
        for p in packages:
            self._packages.store(p.workspace_id, p.id, p, p.client_id)
        for e in entries:
            key = f"{e.package_id}/{e.seq:09d}"
            self._entries.store(e.workspace_id, key, e, e.client_id, new=True)

    def ledger(self, workspace_id: str, client_id: str) -> list[CreditEntry]:
        found = self._entries.where(workspace_id, client_id)
        return sorted(found, key=lambda e: (e.at, e.package_id, e.seq))

    def for_booking(self, workspace_id: str, booking_id: str) -> list[CreditEntry]:
        found = [e for e in self._entries.where(workspace_id) if e.booking_id == booking_id]
        return sorted(found, key=lambda e: (e.package_id, e.seq))

    def expiring(self, workspace_id: str, until: datetime, limit: int) -> list[CreditPackage]:
        due = [
            p
            for p in self._packages.where(workspace_id)
            if p.state is PackageState.ACTIVE and p.expires_at is not None and p.expires_at <= until
        ]
        return sorted(due, key=lambda p: (p.expires_at, p.id))[:limit]

    def move(self, workspace_id: str, package_ids: Collection[str], client_id: str) -> None:
        moving = set(package_ids)
        for p in self._packages.where(workspace_id):
            if p.id in moving:
                self._packages.store(workspace_id, p.id, evolve(p, client_id=client_id), client_id)
        for e in self._entries.where(workspace_id):
            if e.package_id in moving:
                key = f"{e.package_id}/{e.seq:09d}"
                self._entries.store(workspace_id, key, evolve(e, client_id=client_id), client_id)

    def redact(self, workspace_id: str, client_id: str) -> None:
        for e in self._entries.where(workspace_id, client_id):
            if e.reason:
                key = f"{e.package_id}/{e.seq:09d}"
                self._entries.store(workspace_id, key, evolve(e, reason=None), client_id)


class _Journeys:
    """Each client's stage changes and milestones, as one document."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "journey", JourneyHistory)

    def add(self, changes: Sequence[StageChange], milestones: Sequence[Milestone]) -> None:
        for (ws, client_id), more in JourneyHistory.group(changes, milestones).items():
            old = self._docs.load(ws, client_id) or JourneyHistory()
            self._docs.store(ws, client_id, old.extended(more), client_id)

    def replace(
        self,
        workspace_id: str,
        client_ids: Collection[str],
        changes: Sequence[StageChange],
        milestones: Sequence[Milestone],
    ) -> None:
        for client_id in client_ids:
            self._docs.remove(workspace_id, client_id)
        self.add(changes, milestones)

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, JourneyHistory]:
        loaded = {c: self._docs.load(workspace_id, c) for c in client_ids}
        return {c: history for c, history in loaded.items() if history is not None}

    def conversion(
        self, workspace_id: str, start: datetime, end: datetime
    ) -> list[StageConversion]:
        entered: Counter[Stage] = Counter()
        moved: Counter[Stage] = Counter()
        for history in self._docs.where(workspace_id):
            changes = history.changes
            went_in, went_on = set(), set()
            for change, after in zip(changes, (*changes[1:], None), strict=True):
                if start <= change.at < end:
                    went_in.add(change.stage)
                    if after and after.at < end and after.stage is not Stage.CHURNED:
                        went_on.add(change.stage)
            entered.update(went_in)
            moved.update(went_on)
        return [StageConversion(s, entered[s], moved[s]) for s in Stage]


class _Notes:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "note", Note)

    def get(self, workspace_id: str, note_id: str) -> Note:
        found: Note | None = self._docs.load(workspace_id, note_id)
        if found is None:
            raise NotFoundError("note", note_id)
        return found

    def add(self, note: Note) -> None:
        self._docs.store(note.workspace_id, note.id, note, note.client_id, new=True)

    def update(self, note: Note) -> None:
        self.get(note.workspace_id, note.id)
        self._docs.store(note.workspace_id, note.id, note, note.client_id)

    def delete(self, workspace_id: str, note_id: str) -> None:
        if not self._docs.remove(workspace_id, note_id):
            raise NotFoundError("note", note_id)

    def for_client(self, workspace_id: str, client_id: str) -> list[Note]:
        notes = self._docs.where(workspace_id, client_id)
        notes.sort(key=lambda n: n.id, reverse=True)
        notes.sort(key=lambda n: n.created_at, reverse=True)
        notes.sort(key=lambda n: not n.pinned)
        return notes


class _Merges:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "merge", Merge)

    def add(self, merge: Merge) -> None:
        self._docs.store(merge.workspace_id, merge.id, merge, new=True)

    def get(self, workspace_id: str, merge_id: str) -> Merge:
        found: Merge | None = self._docs.load(workspace_id, merge_id)
        if found is None:
            raise NotFoundError("merge", merge_id)
        return found

    def update(self, merge: Merge) -> None:
        self.get(merge.workspace_id, merge.id)
        self._docs.store(merge.workspace_id, merge.id, merge)

    def for_client(self, workspace_id: str, client_id: str) -> list[Merge]:
        merges = [
            m for m in self._docs.where(workspace_id) if client_id in (m.survivor_id, m.loser_id)
        ]
        return sorted(merges, key=lambda m: (m.merged_at, m.id), reverse=True)


class _Timeline:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "entry", TimelineEntry)

    def add(self, entries: Sequence[TimelineEntry]) -> None:
        for e in entries:
            self._docs.store(e.workspace_id, e.id, e, e.client_id, new=True)

    def for_client(self, workspace_id: str, client_id: str) -> list[TimelineEntry]:
        entries = self._docs.where(workspace_id, client_id)
        return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)

    def move(self, workspace_id: str, entry_ids: Collection[str], client_id: str) -> None:
        for entry_id in entry_ids:
            entry = self._docs.load(workspace_id, entry_id)
            if entry is not None:
                moved = evolve(entry, client_id=client_id)
                self._docs.store(workspace_id, entry_id, moved, client_id)

    def redact(self, workspace_id: str, client_id: str, summary: str) -> None:
        for e in self._docs.where(workspace_id):
            if e.client_id == client_id or client_id in e.data.values():
                redacted = evolve(e, summary=summary, data={})
                self._docs.store(workspace_id, e.id, redacted, e.client_id)


class _Matches:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._keys = _Documents(db, "match_keys", dict[str, Any])
        self._pending = _Documents(db, "pending", PendingMatch)
        self._distinctions = _Documents(db, "distinction", Distinction)

    def index(self, workspace_id: str, keys: Mapping[str, Collection[str]]) -> None:
        for client_id, client_keys in keys.items():
            held = {"client": client_id, "keys": sorted(set(client_keys))}
            self._keys.store(workspace_id, client_id, held)

    def holders(self, workspace_id: str, keys: Collection[str], limit: int) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        wanted = set(keys)
        for held in self._keys.where(workspace_id):  # a scan: fine for an example
            for key in wanted.intersection(held["keys"]):
                found.setdefault(key, []).append(held["client"])
        return {key: sorted(ids)[: limit + 1] for key, ids in found.items()}

    def add_pending(self, match: PendingMatch) -> None:
        self._pending.store(match.workspace_id, match.id, match, new=True)

    def get_pending(self, workspace_id: str, match_id: str) -> PendingMatch:
        found: PendingMatch | None = self._pending.load(workspace_id, match_id)
        if found is None:
            raise NotFoundError("pending match", match_id)
        return found

    def update_pending(self, match: PendingMatch) -> None:
        self.get_pending(match.workspace_id, match.id)
        self._pending.store(match.workspace_id, match.id, match)

    def pending(self, workspace_id: str, *, open_only: bool = True) -> list[PendingMatch]:
        found = [
            m
            for m in self._pending.where(workspace_id)
            if m.status is MatchStatus.OPEN or not open_only
        ]
        return sorted(found, key=lambda m: (m.created_at, m.id))

    def forget(self, workspace_id: str, client_id: str) -> None:
        self._keys.remove(workspace_id, client_id)
        for m in self._pending.where(workspace_id):
            if client_id in (m.client_id, m.candidate_id):
                self._pending.remove(workspace_id, m.id)
        for d in self._distinctions.where(workspace_id):
            if client_id in (d.a_id, d.b_id):
                self._distinctions.remove(workspace_id, f"{d.a_id}\x1f{d.b_id}")

    def add_distinction(self, distinction: Distinction) -> None:
        d = distinction
        self._distinctions.store(d.workspace_id, f"{d.a_id}\x1f{d.b_id}", d)

    def distinctions(
        self, workspace_id: str, client_ids: Collection[str] | None = None
    ) -> list[Distinction]:
        found = self._distinctions.where(workspace_id)
        if client_ids is not None:
            wanted = set(client_ids)
            found = [d for d in found if d.a_id in wanted or d.b_id in wanted]
        return sorted(found, key=lambda d: (d.a_id, d.b_id))


class _Purchases(_Owned):
    """External purchases: owned documents, and the workspace's in time order."""

    def in_workspace(self, workspace_id: str) -> Iterator[ExternalPurchase]:
        found = self._docs.where(workspace_id)
        return iter(sorted(found, key=lambda p: (p.purchased_at, p.id)))

    def remove(self, workspace_id: str, purchase_ids: Collection[str]) -> None:
        for purchase_id in purchase_ids:
            self._docs.remove(workspace_id, purchase_id)


class _Imports:
    """Import runs, and each change as a document keyed by run, line and kind."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._runs = _Documents(db, "import_run", ImportRun)
        self._changes = _Documents(db, "import_change", ImportChange)

    def add_run(self, run: ImportRun) -> None:
        self._runs.store(run.workspace_id, run.id, run, new=True)

    def get_run(self, workspace_id: str, run_id: str) -> ImportRun:
        found: ImportRun | None = self._runs.load(workspace_id, run_id)
        if found is None:
            raise NotFoundError("import run", run_id)
        return found

    def update_run(self, run: ImportRun) -> None:
        self.get_run(run.workspace_id, run.id)
        self._runs.store(run.workspace_id, run.id, run)

    def runs(self, workspace_id: str) -> list[ImportRun]:
        found = self._runs.where(workspace_id)
        return sorted(found, key=lambda r: (r.started_at, r.id), reverse=True)

    @staticmethod
    def _key(c: ImportChange) -> str:
        return f"{c.run_id}/{c.line:09d}/{c.kind.value}"

    def add_changes(self, changes: Sequence[ImportChange]) -> None:
        for c in changes:
            self._changes.store(c.workspace_id, self._key(c), c, c.client_id, new=True)

    def changes(
        self, workspace_id: str, run_id: str, before: tuple[int, str] | None, limit: int
    ) -> list[ImportChange]:
        found = [
            c
            for c in reversed(self._changes.where(workspace_id))  # by key: run, line, kind
            if c.run_id == run_id and (before is None or (c.line, c.kind.value) < before)
        ]
        return found[:limit]

    def for_client(self, workspace_id: str, client_id: str) -> list[ImportChange]:
        found: list[ImportChange] = self._changes.where(workspace_id, client_id)
        return found

    def redact(self, workspace_id: str, client_id: str) -> None:
        for c in self._changes.where(workspace_id, client_id):
            blank = evolve(c, before=None, after=None)
            self._changes.store(workspace_id, self._key(c), blank, client_id)


class _Coaching:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._docs = _Documents(db, "coaching", CoachingRecord)

    def put(self, records: Sequence[CoachingRecord]) -> None:
        for r in records:
            self._docs.store(r.workspace_id, f"{r.kind}:{r.key}", r, r.client_id)

    def get(self, workspace_id: str, kind: RecordKind, key: str) -> CoachingRecord | None:
        found: CoachingRecord | None = self._docs.load(workspace_id, f"{kind}:{key}")
        return found

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
            for r in self._docs.where(workspace_id, client_id)
            if r.kind is kind and (owner_id is None or r.owner_id == owner_id)
        ]
        return sorted(found, key=lambda r: (r.at, r.key))

    def remove(self, workspace_id: str, kind: RecordKind, key: str) -> None:
        self._docs.remove(workspace_id, f"{kind}:{key}")

    def forget(self, workspace_id: str, client_id: str) -> None:
        for r in self._docs.where(workspace_id, client_id):
            self._docs.remove(workspace_id, f"{r.kind}:{r.key}")


class _UnitOfWork:
    def __init__(self, path: Path) -> None:
        self._path = path

    def __enter__(self) -> Self:
        try:
            self._db = sqlite3.connect(self._path, isolation_level=None, timeout=5)
            self._db.execute("BEGIN IMMEDIATE")  # one writer at a time: simple and safe
        except sqlite3.Error as error:
            raise StorageError(f"cannot open {self._path}: {error}") from error
        self.workspaces = _Workspaces(self._db)
        self.clients = _Clients(self._db)
        self.bookings = _Bookings(self._db)
        self.notes = _Notes(self._db)
        self.orders = _Owned(self._db, "order", Order, "placed_at")
        self.activities = _Owned(self._db, "activity", Activity, "at")
        self.purchases = _Purchases(self._db, "purchase", ExternalPurchase, "purchased_at")
        self.imports = _Imports(self._db)
        self.journeys = _Journeys(self._db)
        self.credits = _Credits(self._db)
        self.merges = _Merges(self._db)
        self.timeline = _Timeline(self._db)
        self.matches = _Matches(self._db)
        self.coaching = _Coaching(self._db)
        # No query engine over JSON documents: the reference aggregates, in Python.
        self.insights = PythonInsights(
            _Documents(self._db, "client", Client).where,
            _Documents(self._db, "booking", Booking).where,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._db.in_transaction:
            self._db.rollback()
        self._db.close()
        if isinstance(exc, sqlite3.Error):
            raise StorageError(f"the database refused the work: {exc}") from exc

    def commit(self) -> None:
        self._db.commit()
        self._db.execute("BEGIN IMMEDIATE")

    def rollback(self) -> None:
        self._db.rollback()
        self._db.execute("BEGIN IMMEDIATE")


class DocumentStore:
    """clientcrm's records as JSON documents in a SQLite file, through plain DB-API."""

    def __init__(self, path: Path) -> None:
        self._path = path
        with sqlite3.connect(path) as db:
            db.executescript(SCHEMA)
            db.execute("PRAGMA journal_mode=WAL")

    def unit_of_work(self) -> _UnitOfWork:
        """A unit of work: one transaction on its own connection."""
        return _UnitOfWork(self._path)

    def purge(self) -> None:
        """Zero the free space erased documents left, and empty the write-ahead log."""
        with sqlite3.connect(self._path) as db:
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Nothing to release: each unit of work closes its connection."""


def main() -> None:
    """Serve a `CRM` from a document store: one paid class, and the client's spend."""
    start = datetime(2026, 3, 2, 18, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        crm = CRM(DocumentStore(Path(folder) / "documents.db"))
        owner = Actor.owner("lotus")
        crm.save_workspace(Workspace("lotus", "Lotus Yoga"), owner)
        for kind, amount in (("completed", None), ("paid", Money("18.00", "EUR"))):
            crm.record(
                BookingEvent(
                    kind,
                    f"bk-1-{kind}",
                    "bk-1",
                    start,
                    "ana@example.com",
                    "Yin",
                    start,
                    amount=amount,
                ),
                owner,
            )
        print(crm.find_client("ana@example.com", owner).figures.spend)


if __name__ == "__main__":
    main()
