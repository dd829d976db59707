"""Imports: the rows a file brings, and what became of each."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "BookingRow",
    "ChangeKind",
    "ClientRow",
    "ImportChange",
    "ImportKind",
    "ImportMode",
    "ImportReport",
    "ImportRun",
    "RowOutcome",
    "RowResult",
    "RunState",
    "SaleRow",
    "UndoReport",
]


@attrs.frozen
class ClientRow:
    """One client as a file gives it, before any checking: text as it was in the cells.

    Attributes:
        line: the row's line in the file (the header is line 1).
        name: the full name, or ``None`` (then ``first_name`` and ``last_name`` make it).
        email: the email, if any.
        phone: the phone, if any.
        notes: a note to keep with the client, if any.
        tags: labels for the client.
        first_name: the first name, when the file splits the name.
        last_name: the last name, when the file splits the name.
        problem: why the row could not be read at all (a broken line), if it could not.
    """

    line: int
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    first_name: str | None = None
    last_name: str | None = None
    problem: str | None = None

    @property
    def full_name(self) -> str | None:
        """The name, or the first and last names joined."""
        if self.name and self.name.strip():
            return self.name.strip()
        parts = [p.strip() for p in (self.first_name, self.last_name) if p and p.strip()]
        return " ".join(parts) or None


@attrs.frozen
class SaleRow:
    """One sale from another platform's export (a Hotmart sales report), as text.

    Attributes:
        line: the row's line in the file.
        client: the buyer, as a client row (name, email, phone).
        transaction_id: the platform's reference for the sale.
        product: what was sold.
        price: the price as written ("97,00", "R$ 1.234,56").
        currency: the ISO 4217 code, if the file has one (else the workspace's).
        status: the status as written ("Aprovado", "REFUNDED").
        purchased_at: the date as written.
        platform: the platform, if the file names one per row (else the import's).
        problem: why the row could not be read at all, if it could not.
    """

    line: int
    client: ClientRow
    transaction_id: str | None = None
    product: str | None = None
    price: str | None = None
    currency: str | None = None
    status: str | None = None
    purchased_at: str | None = None
    platform: str | None = None
    problem: str | None = None


@attrs.frozen
class BookingRow:
    """One booking from another tool's history export (a visit, an appointment), as text.

    Attributes:
        line: the row's line in the file.
        client: who booked, as a client row (name, email, phone).
        booking_id: the other tool's id of the booking, if the file has one.
        service: the class or service.
        starts_at: when it started, as written ("2025-03-01 18:00", or a date and a time
            joined by a space when the file splits them).
        status: the status as written ("Signed in", "Late cancel", "No show"), if any.
        paid: the amount paid as written, if any.
        refunded: the amount refunded as written, if any.
        location: where, if known.
        staff: who taught or served, if known.
        problem: why the row could not be read at all, if it could not.
    """

    line: int
    client: ClientRow
    booking_id: str | None = None
    service: str | None = None
    starts_at: str | None = None
    status: str | None = None
    paid: str | None = None
    refunded: str | None = None
    location: str | None = None
    staff: str | None = None
    problem: str | None = None


class ImportMode(enum.StrEnum):
    """What an import does with a row whose email is already a client's."""

    SKIP = "skip"
    """Leave the client as it is (seed 002's default)."""
    UPDATE = "update"
    """Fill the client's empty fields from the row, and add its tags and note."""
    OVERWRITE = "overwrite"
    """Replace the client's name and phone with the row's (where it has them), and add its
    tags and note."""


class RowOutcome(enum.StrEnum):
    """What an import did with a row (or, in a dry run, would do)."""

    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


@attrs.frozen
class RowResult:
    """One row's outcome and why.

    Attributes:
        line: the row's line in the file.
        outcome: created, updated, skipped or failed.
        email: the row's email as read, if any.
        reason: why it was skipped or failed; for a created row, what was left out (a phone
            that is not one), if anything.
        client_id: the client created or updated, or the existing one a skipped row matched.
    """

    line: int
    outcome: RowOutcome
    email: str | None = None
    reason: str | None = None
    client_id: str | None = None


@attrs.frozen
class ImportReport:
    """What an import did (or, with ``dry_run``, would do).

    Attributes:
        created: clients created.
        updated: known clients the file added to (in the update and overwrite modes).
        skipped: rows skipped (a duplicate in the file, or a known client).
        failed: rows that could not be imported, each with its reason.
        dry_run: whether nothing was written.
        refused: whether an atomic import wrote nothing because some rows failed.
        run_id: the recorded run, which `clientcrm.CRM.undo_import` undoes (``None`` for a
            dry run or a refused one).
    """

    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    dry_run: bool = False
    refused: bool = False
    run_id: str | None = None

    @property
    def rows(self) -> int:
        """Every row the import looked at."""
        return self.created + self.updated + self.skipped + self.failed


class ImportKind(enum.StrEnum):
    """What an import brought."""

    CLIENTS = "clients"
    SALES = "sales"
    BOOKINGS = "bookings"


class RunState(enum.StrEnum):
    """Where a recorded import stands."""

    RUNNING = "running"
    """Started, and not finished: still going, or stopped midway (what it wrote stays)."""
    DONE = "done"
    UNDONE = "undone"


@attrs.frozen
class ImportRun:
    """One import, recorded so that it can be undone.

    Attributes:
        id: the run's id.
        workspace_id: the workspace.
        kind: clients, sales or bookings.
        actor_id: who imported.
        started_at: when it started.
        source: what was imported (a file's name), if known.
        state: running, done or undone.
        report: the counts, once it is done.
        finished_at: when it finished, if it did.
        undone_at: when it was undone, if it was.
    """

    id: str
    workspace_id: str
    kind: ImportKind
    actor_id: str
    started_at: datetime
    source: str | None = None
    state: RunState = RunState.RUNNING
    report: ImportReport | None = None
    finished_at: datetime | None = None
    undone_at: datetime | None = None


class ChangeKind(enum.StrEnum):
    """What an import did to one record."""

    CREATED_CLIENT = "created_client"
    UPDATED_CLIENT = "updated_client"
    ADDED_NOTE = "added_note"
    CREATED_PURCHASE = "created_purchase"
    UPDATED_PURCHASE = "updated_purchase"
    CREATED_BOOKING = "created_booking"
    UPDATED_BOOKING = "updated_booking"


@attrs.frozen
class ImportChange:
    """One record an import created or changed, with what undoing it needs.

    Attributes:
        workspace_id: the workspace.
        run_id: the import.
        line: the file's line that made the change.
        kind: what was done.
        record_id: the record's id (a client's, a note's, a purchase's, a booking's).
        client_id: the client it is about.
        before: what the import changed, as it was (for an update), JSON-able.
        after: what the import wrote (the record it created, or the fields it changed),
            JSON-able; undoing puts back only what still is so. Both are ``None`` once the
            client's data is erased.
    """

    workspace_id: str
    run_id: str
    line: int
    kind: ChangeKind
    record_id: str
    client_id: str
    before: dict[str, Any] | None = attrs.field(default=None, hash=False)
    after: dict[str, Any] | None = attrs.field(default=None, hash=False)


@attrs.frozen
class UndoReport:
    """What undoing an import did.

    Attributes:
        removed: clients the import created, removed.
        reverted: records the import changed, put back as they were.
        kept: records left as they are, each with why (something touched them since).
    """

    removed: int = 0
    reverted: int = 0
    kept: tuple[tuple[str, str], ...] = ()
