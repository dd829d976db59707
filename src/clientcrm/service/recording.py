"""Recording booking events in batches: the hot path of ingest.

One batch is one unit of work: every client, booking and figure it touches is read once,
changed in memory, and written back with one statement per table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import attrs

from clientcrm.errors import BlockedClientError, PlanLimitError, ValidationError
from clientcrm.matching.score import MatchLevel
from clientcrm.models._checks import normalise_phone
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client, ClientFigures, Flag, Source
from clientcrm.models.events import BookingEvent, BookingRecorded, ClientCreated, DomainEvent
from clientcrm.models.merging import PendingMatch
from clientcrm.models.timeline import EntryKind, TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.policies import MatchMode
from clientcrm.ports import UnitOfWork
from clientcrm.rules.bookings import apply_event
from clientcrm.rules.figures import FigureTally, compute_figures
from clientcrm.service.detection import Detection, Detector

__all__ = ["Batch"]


@attrs.define
class _Working:
    """A client being changed by the batch; the record is rebuilt once, at the end."""

    client: Client
    tally: FigureTally
    since: datetime
    new: bool
    blocked: bool
    moved: bool = False
    recompute: bool = False
    contact: bool = False
    """Smart detection gave the client an alias or a phone: the whole record is written."""

    @classmethod
    def of(cls, client: Client, *, new: bool) -> _Working:
        blocked = Flag.BLOCKED in client.flags
        return cls(client, FigureTally.of(client.figures), client.created_at, new, blocked)

    def result(self) -> Client:
        figures = self.tally.figures()
        if figures == self.client.figures and self.since == self.client.created_at:
            return self.client
        return attrs.evolve(self.client, created_at=self.since, figures=figures)


@attrs.define
class Batch:
    """The working set of one batch of events inside one unit of work."""

    uow: UnitOfWork
    workspace: Workspace
    new_id: Callable[[], str]
    by_email: dict[str, _Working] = attrs.Factory(dict)
    bookings: dict[str, Booking] = attrs.Factory(dict)
    stored: set[str] = attrs.Factory(set)
    changed: dict[str, Booking] = attrs.Factory(dict)
    events: list[DomainEvent] = attrs.Factory(list)
    _shared: dict[str, _Working] = attrs.Factory(dict)
    """The batch's clients by id."""
    detector: Detector = attrs.field(
        init=False,
        default=attrs.Factory(lambda self: Detector(self.uow, self.workspace), takes_self=True),
    )
    pending: list[PendingMatch] = attrs.Factory(list)
    entries: list[TimelineEntry] = attrs.Factory(list)
    changed_events: int = 0
    created: int = 0
    _client_count: int | None = None

    @property
    def clients(self) -> dict[str, Client]:
        """The batch's clients as they stand, by email (primary and aliases)."""
        return {email: working.result() for email, working in self.by_email.items()}

    def run(self, events: Sequence[BookingEvent], *, collect: bool) -> None:
        """Apply ``events`` in order; ``collect`` builds domain events for subscribers."""
        ws = self.workspace.id
        self._check_currency(events)
        known = self.uow.clients.find_by_emails(ws, {e.email for e in events})
        shared = self._shared
        for email, client in known.items():
            if client.id not in shared:
                shared[client.id] = _Working.of(client, new=False)
            self.by_email[email] = shared[client.id]
        self.bookings = self.uow.bookings.get_many(ws, {e.booking_id for e in events})
        self.stored = set(self.bookings)
        if self._smart:
            self.detector.prepare(e for e in events if e.email not in known)
        for event in events:
            self._apply(event, collect=collect)
        self._write()

    def _check_currency(self, events: Sequence[BookingEvent]) -> None:
        currency = self.workspace.currency
        for event in events:
            if event.amount is not None and event.amount.currency != currency:
                raise ValidationError(
                    "amount",
                    f"{event.amount.currency} does not match the workspace currency {currency}",
                )

    def _apply(self, event: BookingEvent, *, collect: bool) -> None:
        working = self.by_email.get(event.email) or self._create(event, collect=collect)
        client = working.client
        before = self.bookings.get(event.booking_id)
        if before is None and working.blocked:
            raise BlockedClientError(client.id)
        if before is not None and before.client_id != client.id:
            raise ValidationError(
                "email", f"booking {event.booking_id} belongs to another client, not {event.email}"
            )
        after = apply_event(before, event, self.workspace.id, client.id)
        since = min(working.since, event.occurred_at)
        unchanged = before is not None and after == before
        if unchanged and since == working.since:
            return
        self.changed_events += 1
        working.since = since
        working.moved = True
        self.bookings[after.id] = self.changed[after.id] = after
        if not unchanged and not working.recompute:
            working.recompute = not working.tally.move(before, after)
        if collect:
            self.events.append(
                BookingRecorded(
                    self.workspace.id, client.id, event.occurred_at, after.id, event.kind
                )
            )

    @property
    def _smart(self) -> bool:
        return self.workspace.policies.matching.mode is MatchMode.SMART

    def _create(self, event: BookingEvent, *, collect: bool) -> _Working:
        if not self._smart:
            return self._new_client(event, collect=collect)
        found = self.detector.detect(event)
        if found is not None and found.level is MatchLevel.EXACT:
            working = self._link(event, found)
        else:
            working = self._new_client(event, collect=collect)
            if found is not None:
                self._queue(event, working.client, found)
        if working.new:
            self.detector.add(working.client, event)
        return working

    def _link(self, event: BookingEvent, found: Detection) -> _Working:
        """An exact match: the booking's email joins the client as an alias (its phone is one
        of the client's already: the exact rule for an unknown email is the same name and
        phone)."""
        working = self._shared.get(found.client.id)
        if working is None:
            working = self._shared[found.client.id] = _Working.of(found.client, new=False)
        client = working.client
        working.client = attrs.evolve(client, aliases=client.aliases | {event.email})
        working.contact = True
        self.by_email[event.email] = working
        summary = f"booking from {event.email} linked: {found.result.reasons[0].detail}"
        self._note(client.id, EntryKind.MATCH_LINKED, event, summary, found)
        return working

    def _queue(self, event: BookingEvent, provisional: Client, found: Detection) -> None:
        """A partial match: the new client holds the booking until someone decides."""
        match = PendingMatch(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            client_id=provisional.id,
            candidate_id=found.client.id,
            score=found.result.score,
            reasons=found.result.reasons,
            created_at=event.occurred_at,
        )
        self.pending.append(match)
        summary = f"may be {found.client.name} <{found.client.email}>: waiting for review"
        self._note(provisional.id, EntryKind.MATCH_PENDING, event, summary, found, match.id)

    def _note(
        self,
        client_id: str,
        kind: EntryKind,
        event: BookingEvent,
        summary: str,
        found: Detection,
        match_id: str | None = None,
    ) -> None:
        data = {"email": event.email, "score": found.result.score, "candidate_id": found.client.id}
        if match_id is not None:
            data["match_id"] = match_id
        self.entries.append(
            TimelineEntry(
                self.new_id(),
                self.workspace.id,
                client_id,
                kind,
                event.occurred_at,
                summary,
                data=data,
            )
        )

    def _new_client(self, event: BookingEvent, *, collect: bool) -> _Working:
        limit = self.workspace.client_limit
        if limit is not None:
            if self._client_count is None:
                self._client_count = self.uow.clients.count(self.workspace.id)
            if self._client_count + self.created >= limit:
                raise PlanLimitError(limit)
        client = Client(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            name=event.name or event.email.partition("@")[0],
            email=event.email,
            phone=_phone(event.phone, self.workspace),
            language=event.language,
            source=Source.BOOKING,
            created_at=event.occurred_at,
            figures=ClientFigures(last_activity_at=event.occurred_at),
        )
        self.created += 1
        working = self.by_email[client.email] = _Working.of(client, new=True)
        self._shared[client.id] = working
        if collect:
            self.events.append(
                ClientCreated(self.workspace.id, client.id, event.occurred_at, client.email)
            )
        return working

    def _write(self) -> None:
        uow = self.uow
        everyone = {id(w): w for w in self.by_email.values()}.values()
        new = [w for w in everyone if w.new]
        if new:
            uow.clients.add([w.result() for w in new])
        added = [b for b in self.changed.values() if b.id not in self.stored]
        if added:
            uow.bookings.add_many(added)
        if len(added) < len(self.changed):
            uow.bookings.save_many([b for b in self.changed.values() if b.id in self.stored])
        recompute = [w for w in everyone if w.recompute]
        if recompute:
            ids = [w.client.id for w in recompute]
            history = uow.bookings.for_clients(self.workspace.id, ids)
            for working in recompute:
                figures = compute_figures(history.get(working.client.id, []), working.since)
                working.tally = FigureTally.of(figures)
        for working in everyone:
            if working.contact and not working.new:
                uow.clients.update(working.result())
        moved = [
            w.result()
            for w in everyone
            if ((w.moved and not w.new) or w.recompute) and not (w.contact and not w.new)
        ]
        if moved:
            uow.clients.update_figures(moved)
        self._write_matches(everyone)

    def _write_matches(self, everyone: Iterable[_Working]) -> None:
        if self.pending:
            for match in self.pending:
                self.uow.matches.add_pending(match)
        if self.entries:
            self.uow.timeline.add(self.entries)
        if self._smart:
            keys = {
                w.client.id: self.detector.client_keys(w.client)
                for w in everyone
                if w.new or w.contact
            }
            if keys:
                self.uow.matches.index(self.workspace.id, keys)


def _phone(raw: str | None, workspace: Workspace) -> str | None:
    """A booking's phone is kept when it parses, and dropped (not refused) when it does not."""
    if raw is None:
        return None
    try:
        return normalise_phone(raw, workspace.phone_region)
    except ValidationError:
        return None
