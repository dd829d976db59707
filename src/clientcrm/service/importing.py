"""Importing clients: checking each row a file brought, and creating the new clients.

Rows are taken a batch to a unit of work. A row fails with its reason (no name, an email
that is not one...), is skipped when its email came earlier in the file or already belongs
to a client, and otherwise becomes a client (source IMPORT), with its note and tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, Protocol, TypeVar

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models._checks import MAX_NAME, normalise_email, normalise_phone, require_text
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client, ClientFigures, Source
from clientcrm.models.events import ClientCreated, DomainEvent
from clientcrm.models.importing import (
    ChangeKind,
    ClientRow,
    ImportChange,
    ImportMode,
    RowOutcome,
    RowResult,
)
from clientcrm.models.note import Note
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.service.collector import collector_paused
from clientcrm.service.journeys import Journeys
from clientcrm.service.tags import clean_tags

__all__ = ["BatchImport", "BatchOutcome", "RowBatch", "contact", "import_rows", "remember"]

_R = TypeVar("_R")
_R_contra = TypeVar("_R_contra", contravariant=True)


@attrs.define
class _Candidate:
    row: ClientRow
    client: Client
    note: str | None
    dropped: str | None  # what was left out of the row, and why


@attrs.define
class BatchImport:
    """One batch of rows in one unit of work.

    ``seen`` maps each email met earlier in the file to its line; the batch adds its own to
    ``new_seen`` (merged by the caller once the batch is done, so a retried batch starts
    clean).
    """

    uow: UnitOfWork
    workspace: Workspace
    actor: Actor
    now: datetime
    new_id: Callable[[], str]
    seen: dict[str, int]
    collect: bool = False
    mode: ImportMode = ImportMode.SKIP
    run_id: str | None = None
    new_seen: dict[str, int] = attrs.Factory(dict)
    results: list[RowResult] = attrs.Factory(list)
    events: list[DomainEvent] = attrs.Factory(list)
    changes: list[ImportChange] = attrs.Factory(list)
    journeys: Journeys = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda self: Journeys(self.uow, self.workspace, collect=self.collect), takes_self=True
        ),
    )

    def run(self, rows: Sequence[ClientRow]) -> None:
        """Check every row and create the clients of those that pass."""
        candidates = [c for row in rows if (c := self._check(row)) is not None]
        ws = self.workspace.id
        known = self.uow.clients.find_by_emails(ws, [c.client.email for c in candidates])
        fresh = []
        for candidate in candidates:
            existing = known.get(candidate.client.email)
            earlier = None if existing is None else self._touched_by_run(existing.id)
            if existing is None:
                fresh.append(candidate)
            elif earlier is not None:  # an earlier batch of this run wrote it
                self._skip(candidate.row, existing.email, f"duplicate of line {earlier}")
            elif self.mode is ImportMode.SKIP:
                self._skip(candidate.row, candidate.client.email, "already a client", existing.id)
            else:
                self._update(existing, candidate)
        fresh = self._within_limit(fresh)
        if fresh:
            self._create(fresh)

    def _touched_by_run(self, client_id: str) -> int | None:
        """The first line of this run that created or changed the client, if one did: a
        recorded run keeps only its current batch's emails in memory, not the whole file's."""
        if self.run_id is None:
            return None
        ws = self.workspace.id
        lines = [
            c.line for c in self.uow.imports.for_client(ws, client_id) if c.run_id == self.run_id
        ]
        return min(lines, default=None)

    def _check(self, row: ClientRow) -> _Candidate | None:
        if row.problem is not None:
            self._fail(row, row.problem)
            return None
        try:
            name = require_text(row.full_name or "", "name", max_length=MAX_NAME)
            email = normalise_email(row.email or "")
            note = None
            if row.notes and row.notes.strip():
                limit = self.workspace.policies.notes.max_length
                note = require_text(row.notes, "notes", max_length=limit)
        except ValidationError as error:
            self._fail(row, str(error))
            return None
        earlier = self.seen.get(email) or self.new_seen.get(email)
        if earlier is not None:
            self._skip(row, email, f"duplicate of line {earlier}")
            return None
        self.new_seen[email] = row.line
        phone, dropped = None, None
        if row.phone and row.phone.strip():
            try:
                phone = normalise_phone(row.phone, self.workspace.phone_region)
            except ValidationError as error:
                dropped = f"left out: {error}"
        client = Client(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            name=name,
            email=email,
            phone=phone,
            tags=clean_tags(row.tags),
            source=Source.IMPORT,
            created_at=self.now,
            figures=ClientFigures(last_activity_at=self.now),
            journey=self.journeys.fresh(self.now),
        )
        return _Candidate(row, client, note, dropped)

    def _within_limit(self, fresh: list[_Candidate]) -> list[_Candidate]:
        limit = self.workspace.client_limit
        if limit is None:
            return fresh
        room = max(limit - self.uow.clients.count(self.workspace.id), 0)
        for candidate in fresh[room:]:
            self._fail(candidate.row, f"the workspace's plan allows at most {limit} clients")
        return fresh[:room]

    def _create(self, fresh: list[_Candidate]) -> None:
        ws = self.workspace.id
        journeys = self.journeys
        clients = [journeys.start(c.client, ()) for c in fresh]
        self.uow.clients.add(clients)
        for candidate, client in zip(fresh, clients, strict=True):
            line, reason = candidate.row.line, candidate.dropped
            self.change(
                line, ChangeKind.CREATED_CLIENT, client.id, client.id, after=contact(client)
            )
            if candidate.note is not None:
                self._add_note(line, client.id, candidate.note)
            self.results.append(
                RowResult(line, RowOutcome.CREATED, client.email, reason, client.id)
            )
            if self.collect:
                self.events.append(ClientCreated(ws, client.id, self.now, client.email))
        journeys.flush()
        self.events += journeys.events

    def _update(self, existing: Client, candidate: _Candidate) -> None:
        """Add what the row brings to a known client: its tags and note, and its name and
        phone where the client has none (or, overwriting, wherever the row has them)."""
        new = candidate.client
        overwrite = self.mode is ImportMode.OVERWRITE
        name = new.name if overwrite else existing.name
        phone = (new.phone or existing.phone) if overwrite else (existing.phone or new.phone)
        updated = attrs.evolve(existing, name=name, phone=phone, tags=existing.tags | new.tags)
        row = candidate.row
        if updated == existing and candidate.note is None:
            self._skip(row, new.email, "already a client, with nothing new", existing.id)
            return
        if updated != existing:
            self.uow.clients.update(updated)
            before, after = contact(existing), contact(updated)
            self.change(row.line, ChangeKind.UPDATED_CLIENT, existing.id, existing.id,
                        before=before, after=after)  # fmt: skip
        if candidate.note is not None:
            self._add_note(row.line, existing.id, candidate.note)
        self.results.append(
            RowResult(row.line, RowOutcome.UPDATED, new.email, candidate.dropped, existing.id)
        )

    def _add_note(self, line: int, client_id: str, text: str) -> None:
        note = Note(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            client_id=client_id,
            author_id=self.actor.id,
            text=text,
            visibility=self.workspace.policies.notes.default_visibility,
            created_at=self.now,
            updated_at=self.now,
        )
        self.uow.notes.add(note)
        self.change(line, ChangeKind.ADDED_NOTE, note.id, client_id, after={"text": text})

    def change(
        self,
        line: int,
        kind: ChangeKind,
        record_id: str,
        client_id: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Remember what the row did, for undoing the run (when the import is recorded)."""
        remember(self.changes, self.workspace.id, self.run_id, line, kind, record_id, client_id,
                 before=before, after=after)  # fmt: skip

    def _fail(self, row: ClientRow, reason: str) -> None:
        self.results.append(RowResult(row.line, RowOutcome.FAILED, row.email, reason))

    def _skip(self, row: ClientRow, email: str, reason: str, client_id: str | None = None) -> None:
        self.results.append(RowResult(row.line, RowOutcome.SKIPPED, email, reason, client_id))


class RowBatch(Protocol[_R_contra]):
    """A batch of an import's rows in one unit of work (`BatchImport`, or a sales batch)."""

    @property
    def new_seen(self) -> dict[str, int]:
        """The emails this batch met, each with its line."""
        ...

    @property
    def results(self) -> list[RowResult]:
        """What became of each row."""
        ...

    @property
    def events(self) -> list[DomainEvent]:
        """What to publish once the batch commits."""
        ...

    @property
    def changes(self) -> list[ImportChange]:
        """What the batch created or changed, for undoing the run."""
        ...

    def run(self, rows: Sequence[_R_contra]) -> None:
        """Import ``rows``."""
        ...


@attrs.frozen
class BatchOutcome:
    """What outlives a batch of rows: the batch itself is freed inside its unit of work,
    before the cyclic collector resumes and would walk all of it."""

    new_seen: dict[str, int]
    results: list[RowResult]
    events: list[DomainEvent]


def remember(
    changes: list[ImportChange],
    workspace_id: str,
    run_id: str | None,
    line: int,
    kind: ChangeKind,
    record_id: str,
    client_id: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add what a row did to ``changes``, when the import is a recorded run."""
    if run_id is not None:
        changes.append(
            ImportChange(workspace_id, run_id, line, kind, record_id, client_id, before, after)
        )


def contact(client: Client) -> dict[str, Any]:
    """What identifies a client and an import may set: for telling whether a client is as
    an import left it."""
    return {
        "name": client.name,
        "email": client.email,
        "phone": client.phone,
        "tags": sorted(client.tags),
        "flags": sorted(client.flags),
        "custom": client.custom,
    }


def import_rows(
    rows: Iterable[_R],
    start: Callable[[UnitOfWork, dict[str, int]], RowBatch[_R]],
    run: Callable[[Callable[[UnitOfWork], BatchOutcome]], BatchOutcome],
    batch_size: int,
    each: Callable[[RowResult], None] | None,
    *,
    remember: bool = True,
) -> dict[RowOutcome, int]:
    """Import ``rows`` a batch at a time: ``start`` makes a batch in a unit of work (given
    the emails seen earlier in the file, when it must ``remember`` them: a run that writes
    finds them in the store instead), ``run`` runs it in one. Each row's result goes to
    ``each`` in file order; returns how many rows had each outcome."""
    seen: dict[str, int] = {}
    counts = dict.fromkeys(RowOutcome, 0)
    iterator = iter(rows)
    while chunk := list(islice(iterator, batch_size)):

        def work(uow: UnitOfWork, chunk: list[_R] = chunk) -> BatchOutcome:
            batch = start(uow, seen)
            batch.run(chunk)
            if batch.changes:
                uow.imports.add_changes(batch.changes)
            return BatchOutcome(batch.new_seen, batch.results, batch.events)

        with collector_paused():
            outcome = run(work)
        if remember:
            seen.update(outcome.new_seen)
        for result in sorted(outcome.results, key=lambda r: r.line):
            counts[result.outcome] += 1
            if each is not None:
                each(result)
    return counts
