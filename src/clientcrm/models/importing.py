"""Imports: the rows a file brings, and what became of each."""

from __future__ import annotations

import enum

import attrs

__all__ = ["ClientRow", "ImportMode", "ImportReport", "RowOutcome", "RowResult", "SaleRow"]


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
    """

    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    dry_run: bool = False
    refused: bool = False

    @property
    def rows(self) -> int:
        """Every row the import looked at."""
        return self.created + self.updated + self.skipped + self.failed
