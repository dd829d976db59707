"""Importing booking history from another tool, so a studio that moves keeps its clients'
figures, statuses and stages.

Each row becomes the booking events it implies (its status; what was paid; what was
refunded), with ids derived from the booking, and goes through the same recording as live
events: the figures, pills, journeys and smart detection are the ones the events would have
made. Importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models._checks import normalise_email, require_text
from clientcrm.models.booking import Booking, BookingStatus
from clientcrm.models.events import BookingEvent, BookingEventKind, DomainEvent
from clientcrm.models.importing import BookingRow, ChangeKind, ImportChange, RowOutcome, RowResult
from clientcrm.models.money import Money
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.parsing import parse_amount, parse_booking_status, parse_moment
from clientcrm.serialization import converter
from clientcrm.service.importing import contact, remember
from clientcrm.service.recording import Batch

__all__ = ["HistoryBatch", "imported_booking_id"]

_PREFIX = "import:"


_LONGEST_GIVEN_ID = 64
_TICK = timedelta(microseconds=1)


def imported_booking_id(given: str | None, email: str, service: str, starts_at: datetime) -> str:
    """The id an imported booking gets: the other tool's (prefixed, so it never meets a
    host's id; hashed when long), or one derived from who booked what and when."""
    if given and given.strip() and len(given.strip()) <= _LONGEST_GIVEN_ID:
        return _PREFIX + given.strip()
    key = f"{given or ''}\x1f{email}\x1f{service}\x1f{starts_at.isoformat()}".encode()
    return _PREFIX + hashlib.blake2b(key, digest_size=10).hexdigest()


@attrs.frozen
class _Wanted:
    """What a row says of its booking."""

    row: BookingRow
    booking_id: str
    email: str
    service: str
    starts_at: datetime
    status: BookingStatus
    paid: Decimal
    refunded: Decimal

    def same_as(self, booking: Booking) -> bool:
        """Whether the booking already holds all the row says."""
        row = self.row
        return (
            booking.service, booking.starts_at, booking.status, booking.amount_paid,
            booking.amount_refunded, booking.location, booking.staff,
        ) == (
            self.service, self.starts_at, self.status, self.paid, self.refunded,
            row.location, row.staff,
        )  # fmt: skip


def _latest(booking: Booking) -> datetime:
    versions = (booking.details_version, booking.status_version, booking.paid_version,
                booking.refund_version)  # fmt: skip
    return max(v.occurred_at for v in versions if v is not None)


@attrs.define
class HistoryBatch:
    """One batch of a booking history's rows in one unit of work.

    A row's outcome is its booking's: created, updated (a booking imported before whose
    status or payment the file changes: the file's say is newer, so it wins), skipped
    (imported before, unchanged) or failed.
    """

    uow: UnitOfWork
    workspace: Workspace
    new_id: Callable[[], str]
    now: datetime
    collect: bool
    run_id: str | None
    dayfirst: bool = True
    new_seen: dict[str, int] = attrs.Factory(dict)
    results: list[RowResult] = attrs.Factory(list)
    events: list[DomainEvent] = attrs.Factory(list)
    changes: list[ImportChange] = attrs.Factory(list)

    def run(self, rows: Sequence[BookingRow]) -> None:
        """Check every row, and record the events of those that say something new."""
        wanted = [w for row in rows if (w := self._check(row)) is not None]
        ws = self.workspace.id
        before = self.uow.bookings.get_many(ws, {w.booking_id for w in wanted})
        latest = {i: _latest(b) for i, b in before.items()}
        events: list[BookingEvent] = []
        fresh: list[_Wanted] = []
        for w in wanted:
            held = before.get(w.booking_id)
            if held is not None and w.same_as(held):
                self._result(w, RowOutcome.SKIPPED, held.client_id, "already imported")
                continue
            said = latest.get(w.booking_id)  # an earlier say, stored or in this batch
            at = w.starts_at if said is None else max(self.now, said + _TICK)  # newer wins
            latest[w.booking_id] = at
            events += self._events(w, at, updating=said is not None)
            fresh.append(w)
        batch = Batch(self.uow, self.workspace, self.new_id)
        batch.run(events, collect=self.collect)
        self.events += batch.events
        after = self.uow.bookings.get_many(ws, {w.booking_id for w in fresh})
        made = batch.created_ids
        new_clients = self.uow.clients.get_many(ws, made)
        for w in fresh:
            booking = after[w.booking_id]
            line, cid = w.row.line, booking.client_id
            if cid in made:  # the first row of a client the import made
                made.discard(cid)
                self._change(line, ChangeKind.CREATED_CLIENT, cid, cid,
                             after=contact(new_clients[cid]))  # fmt: skip
            now, was = converter.unstructure(booking), before.get(w.booking_id)
            if was is None:
                self._change(line, ChangeKind.CREATED_BOOKING, booking.id, cid, after=now)
                self._result(w, RowOutcome.CREATED, cid)
            else:
                self._change(line, ChangeKind.UPDATED_BOOKING, booking.id, cid, after=now,
                             before=converter.unstructure(was))  # fmt: skip
                self._result(w, RowOutcome.UPDATED, cid)

    def _events(self, w: _Wanted, at: datetime, *, updating: bool) -> list[BookingEvent]:
        """The events that bring the booking to what the row says, all at ``at``."""
        currency, client = self.workspace.currency, w.row.client
        stamp = f"@{at.isoformat()}" if updating else ""

        def event(kind: BookingEventKind, amount: Decimal | None = None) -> BookingEvent:
            return BookingEvent(
                kind, f"{w.booking_id}:{kind.value}{stamp}", w.booking_id, at, w.email,
                w.service, w.starts_at, name=client.full_name, phone=client.phone,
                location=w.row.location, staff=w.row.staff,
                amount=None if amount is None else Money(amount, currency),
            )  # fmt: skip

        found = [event(BookingEventKind(w.status.value))]
        if w.paid or updating:
            found.append(event(BookingEventKind.PAID, w.paid))
        if w.refunded and w.refunded == w.paid:
            found.append(event(BookingEventKind.REFUNDED))
        elif w.refunded or updating:
            found.append(event(BookingEventKind.PARTIALLY_REFUNDED, w.refunded))
        return found

    def _change(
        self, line: int, kind: ChangeKind, record_id: str, client_id: str, **snapshots: Any
    ) -> None:
        ws, run_id = self.workspace.id, self.run_id
        remember(self.changes, ws, run_id, line, kind, record_id, client_id, **snapshots)

    def _check(self, row: BookingRow) -> _Wanted | None:
        """What the row says, or ``None`` (and its failure) when it cannot be read."""
        if row.problem is not None:
            self._fail(row, row.problem)
            return None
        try:
            return self._wanted(row)
        except ValidationError as error:
            self._fail(row, str(error))
            return None

    def _wanted(self, row: BookingRow) -> _Wanted:
        ws, currency = self.workspace, self.workspace.currency
        email = normalise_email(row.client.email or "")
        service = require_text(row.service or "", "service", max_length=200)
        starts_at = parse_moment(row.starts_at or "", ws.tz, "starts_at", dayfirst=self.dayfirst)
        if row.status:
            status = parse_booking_status(row.status)
        else:
            status = BookingStatus.COMPLETED if starts_at <= self.now else BookingStatus.BOOKED
        paid = parse_amount(row.paid, currency, "paid") if row.paid else Decimal(0)
        refunded = parse_amount(row.refunded, currency, "refunded") if row.refunded else Decimal(0)
        if paid < 0 or refunded < 0:
            raise ValidationError("paid", "amounts must not be negative")
        if refunded > paid:
            raise ValidationError("refunded", f"{refunded} is more than the {paid} paid")
        booking_id = imported_booking_id(row.booking_id, email, service, starts_at)
        return _Wanted(row, booking_id, email, service, starts_at, status, paid, refunded)

    def _result(
        self, w: _Wanted, outcome: RowOutcome, client_id: str, reason: str | None = None
    ) -> None:
        row = w.row
        self.results.append(RowResult(row.line, outcome, row.client.email, reason, client_id))

    def _fail(self, row: BookingRow, reason: str) -> None:
        self.results.append(RowResult(row.line, RowOutcome.FAILED, row.client.email, reason))
