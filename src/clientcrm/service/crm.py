"""The `CRM` facade: the one object a host calls."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

import attrs

from clientcrm.clock import Clock, system_clock
from clientcrm.errors import (
    ConflictError,
    DuplicateClientError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    ValidationError,
)
from clientcrm.matching.dedupe import Duplicates, Progress, find_duplicates
from clientcrm.matching.records import Record
from clientcrm.models._checks import (
    MAX_NAME,
    normalise_email,
    normalise_phone,
    require_aware,
    require_text,
)
from clientcrm.models.activity import ActivityKind
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.client import Client, ClientSummary, Flag, Source
from clientcrm.models.events import (
    ActivityEvent,
    ClientCreated,
    ClientErased,
    ClientEvent,
    ClientFlagged,
    DomainEvent,
)
from clientcrm.models.importing import (
    BookingRow,
    ClientRow,
    ImportKind,
    ImportMode,
    ImportReport,
    ImportRun,
    RowResult,
    SaleRow,
    UndoReport,
)
from clientcrm.models.insights import (
    CohortRetention,
    Insights,
    MonthlyBookings,
    SlippingClient,
    SpendDistribution,
    Totals,
)
from clientcrm.models.journey import Journey, JourneyHistory, Stage, StageConversion
from clientcrm.models.merging import Distinction, MatchStatus, Merge, PendingMatch
from clientcrm.models.messages import MessagePurpose, MessageReport, SentMessage
from clientcrm.models.money import minor_units
from clientcrm.models.note import Note, NoteVisibility
from clientcrm.models.query import ClientPage, ClientQuery
from clientcrm.models.timeline import TimelinePage, TimelineQuery
from clientcrm.models.workspace import Workspace
from clientcrm.ports import EmailSender, PaymentProvider, Store, UnitOfWork
from clientcrm.rules.figures import compute_figures, quick_stats
from clientcrm.rules.query import ClientCriteria, encode_cursor, resolve
from clientcrm.rules.status import is_growing, status_pill
from clientcrm.rules.timeline import feed_page
from clientcrm.service import insights as analytics
from clientcrm.service import permissions as perm
from clientcrm.service.billing import Billing
from clientcrm.service.bus import EventBus, Subscriber
from clientcrm.service.coaching import Coaching
from clientcrm.service.collector import collector_paused
from clientcrm.service.credits import Credits
from clientcrm.service.history import HistoryBatch
from clientcrm.service.import_runs import Importer
from clientcrm.service.importing import BatchImport
from clientcrm.service.journeys import Journeys, refigured
from clientcrm.service.merging import merge_clients, reindex, unmerge_clients
from clientcrm.service.messages import Draft, Messenger
from clientcrm.service.privacy import client_data, erase
from clientcrm.service.purchases import Purchases, SaleBatch
from clientcrm.service.recording import Batch
from clientcrm.service.review import PendingReview, decide, distinguish, holding_distinctions
from clientcrm.service.tags import clean_tags
from clientcrm.service.timeline import client_feed
from clientcrm.service.views import (
    ClientDetail,
    FigureRepair,
    JourneyView,
    RebuildReport,
    RecordSummary,
    ScheduleReport,
)

__all__ = ["CRM"]

_UNSET: Any = object()
_ATTEMPTS = 16
"""Units of work a batch of events gets when concurrent writers conflict with it."""
_BACKOFF_S = 0.01
"""The first retry's longest wait; it doubles with each attempt, up to `_BACKOFF_CAP_S`."""
_BACKOFF_CAP_S = 0.5
_EVERY = 2**62  # a limit no workspace reaches: a summary stream reads every match
_T = TypeVar("_T")
_R = TypeVar("_R")


def _new_id() -> str:
    """A UUIDv7-layout id: time-ordered, so new rows land together at the end of indexes."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (rand >> 64 & 0xFFF) << 64
    value |= 0b10 << 62 | rand & 0x3FFF_FFFF_FFFF_FFFF
    return f"{value:032x}"  # as uuid.UUID(int=value).hex, without the object


class CRM:
    """The client relationship manager a host embeds.

    Every method takes the acting person, checks their permission, works inside one unit of
    work (all or nothing) and, after it commits, tells subscribers what happened.

    Args:
        store: where records live (`clientcrm.stores.memory.MemoryStore`,
            `clientcrm.stores.sql.SQLStore`, or your own).
        clock: returns the current aware datetime; defaults to the system UTC clock.
        ids: makes new record ids; defaults to random UUIDs.
        sender: delivers email to clients (`clientcrm.messaging.SMTPSender`, or the host's
            own `clientcrm.ports.EmailSender`); without one, messages can only be dry runs.
        payments: bills personal trainers' clients (`clientcrm.payments.StripeProvider`);
            without one, billing is not active.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = system_clock,
        ids: Callable[[], str] = _new_id,
        sender: EmailSender | None = None,
        payments: PaymentProvider | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self._ids = ids
        self._bus = EventBus()
        self.credits = Credits(self._retrying, clock, ids)
        """Credit packages and their ledgers (`clientcrm.service.credits.Credits`)."""
        self.purchases = Purchases(self._retrying, store.unit_of_work)
        self.coaching = Coaching(self._retrying, store.unit_of_work, clock, ids)
        """The personal-trainer console (`clientcrm.service.coaching.Coaching`)."""
        self.billing = Billing(self._retrying, store.unit_of_work, clock, ids, payments)
        """Personal trainers' invoices (`clientcrm.service.billing.Billing`)."""
        self._imports = Importer(store, self._retrying, self._bus, clock, ids)
        """Purchases on other platforms (`clientcrm.service.purchases.Purchases`)."""

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with each domain event, after the work that made it commits."""
        self._bus.subscribe(subscriber)

    # -- workspaces ---------------------------------------------------------------------------

    def save_workspace(self, workspace: Workspace, actor: Actor) -> Workspace:
        """Create the workspace, or change its settings. Only its owner or an admin may."""
        perm.require_workspace(actor, workspace.id)
        perm.require_admin(actor, "configure the workspace")
        with self.store.unit_of_work() as uow:
            uow.workspaces.save(workspace)
            uow.commit()
        return workspace

    def workspace(self, actor: Actor) -> Workspace:
        """Return the actor's workspace."""
        with self.store.unit_of_work() as uow:
            return uow.workspaces.get(actor.workspace_id)

    # -- recording ----------------------------------------------------------------------------

    def record(self, event: ClientEvent, actor: Actor) -> Client:
        """Record one event (a `BookingEvent`, `OrderEvent` or `ActivityEvent`) and return
        the client it is about.

        Idempotent and order-independent: repeating an event, or receiving events out of
        order, gives the state their ``occurred_at`` order gives: figures, journey stage,
        stage history and milestones. An unknown email creates the client (guests too).

        Raises:
            ValidationError: the event's money is not in the workspace currency, or its
                booking or order belongs to another client.
            BlockedClientError: a new booking for a BLOCKED client.
            PlanLimitError: a new client past the plan's limit.
            PermissionDeniedError: the actor may not record it.
        """
        return self._record([event], actor, lambda batch: batch.clients[event.email])

    def record_many(
        self, events: Iterable[ClientEvent], actor: Actor, *, batch_size: int = 5000
    ) -> RecordSummary:
        """Record many events, ``batch_size`` to a unit of work, and summarise.

        Each batch is all or nothing: when an event is refused, its batch is rolled back and
        the error raised; earlier batches stay recorded (re-recording them is harmless).
        """
        total = changed = created = 0
        iterator = iter(events)
        while chunk := list(islice(iterator, batch_size)):
            moved, new = self._record(chunk, actor, lambda b: (b.changed_events, b.created))
            total += len(chunk)
            changed += moved
            created += new
        return RecordSummary(total, changed, created)

    def _record(
        self, events: Sequence[ClientEvent], actor: Actor, outcome: Callable[[Batch], _T]
    ) -> _T:
        """Record ``events`` in one batch; what ``outcome`` takes from it.

        Only the outcome and the domain events outlive the batch: its working set is freed
        before the collector resumes, which would otherwise walk all of it."""
        self._may_record(events, actor)

        def work(uow: UnitOfWork) -> tuple[list[DomainEvent], _T]:
            batch = Batch(uow, uow.workspaces.get(actor.workspace_id), self._ids)
            batch.run(events, collect=self._bus.active)
            return batch.events, outcome(batch)

        with collector_paused():
            published, result = self._retrying(work)
        self._bus.publish(published)
        return result

    def _retrying(self, work: Callable[[UnitOfWork], _T]) -> _T:
        """Run ``work`` in a unit of work and commit; when concurrent writers conflict with
        it, back off a jittered while and run it again in a new one."""
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self.store.unit_of_work() as uow:
                    result = work(uow)
                    uow.commit()
                return result
            except ConflictError:
                if attempt == _ATTEMPTS:
                    raise
                time.sleep(random.uniform(0, min(_BACKOFF_CAP_S, _BACKOFF_S * 2**attempt)))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _may_record(events: Sequence[ClientEvent], actor: Actor) -> None:
        if actor.role is Role.MEMBER:
            own = (actor.email or "").strip().lower()
            if any(event.email != own for event in events):
                raise PermissionDeniedError(
                    "record the booking", "members book only for themselves"
                )
        else:
            perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "record bookings")

    # -- clients ------------------------------------------------------------------------------

    def add_client(
        self,
        actor: Actor,
        *,
        name: str,
        email: str,
        phone: str | None = None,
        language: str | None = None,
        tags: Iterable[str] = (),
        custom: Mapping[str, Any] | None = None,
        source: Source = Source.MANUAL,
    ) -> Client:
        """Add a client by hand: name and email required, email unique in the workspace.

        Raises:
            ValidationError: a field is missing or malformed (the error names it).
            DuplicateClientError: the email already belongs to a client (named in the error).
            PlanLimitError: the workspace is at its plan's client limit.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "add clients")
        now = self.clock()
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            client = Client(
                id=self._ids(),
                workspace_id=workspace.id,
                name=require_text(name, "name", max_length=MAX_NAME),
                email=normalise_email(email),
                phone=normalise_phone(phone, workspace.phone_region) if phone else None,
                language=language,
                tags=clean_tags(tags),
                custom=dict(custom or {}),
                source=source,
                created_at=now,
                figures=compute_figures((), now),
            )
            existing = uow.clients.find_by_emails(workspace.id, [client.email])
            if existing:
                raise DuplicateClientError(client.email, existing[client.email].id)
            limit = workspace.client_limit
            if limit is not None and uow.clients.count(workspace.id) >= limit:
                raise PlanLimitError(limit)
            journeys = Journeys(uow, workspace, collect=self._bus.active)
            client = journeys.start(client, ())
            uow.clients.add([client])
            journeys.flush()
            uow.commit()
        self._bus.publish([ClientCreated(workspace.id, client.id, now, client.email)])
        self._bus.publish(journeys.events)
        return client

    def import_clients(
        self,
        rows: Iterable[ClientRow],
        actor: Actor,
        *,
        mode: ImportMode = ImportMode.SKIP,
        source: str | None = None,
        dry_run: bool = False,
        atomic: bool = False,
        batch_size: int = 1000,
        each: Callable[[RowResult], None] | None = None,
    ) -> ImportReport:
        """Create a client for each row (`clientcrm.io.read_clients` reads them from a file),
        ``batch_size`` rows to a unit of work, and report what became of each row to
        ``each``, in file order.

        A row fails when it has no name, no valid email or a note over the policy's limit; it
        is skipped when its email (any case) came earlier in the file, or already belongs to
        a client and ``mode`` is `ImportMode.SKIP`; the other modes add the row's tags and
        note to that client and fill (or overwrite) its name and phone. A phone that is not
        one is left out and said so. With ``dry_run`` nothing is written, and the report says
        what a real run would do. With ``atomic`` the whole file is one unit of work, written
        only when no row failed (the report says when it was refused).

        A real import is recorded as a run (named after ``source``, a file's name, say), and
        `undo_import` with the report's ``run_id`` undoes it.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "import clients")

        def start(uow: UnitOfWork, seen: dict[str, int], run_id: str | None) -> BatchImport:
            return self._clients_batch(uow, actor, seen, mode, run_id)

        return self._imports.run(
            ImportKind.CLIENTS, actor.id, actor.workspace_id, rows, start, source=source,
            dry_run=dry_run, atomic=atomic, batch_size=batch_size, each=each,
        )  # fmt: skip

    def import_sales(
        self,
        rows: Iterable[SaleRow],
        actor: Actor,
        *,
        platform: str = "Hotmart",
        dayfirst: bool = True,
        source: str | None = None,
        dry_run: bool = False,
        atomic: bool = False,
        batch_size: int = 1000,
        each: Callable[[RowResult], None] | None = None,
    ) -> ImportReport:
        """Record each row of another platform's sales export (`clientcrm.io.read_sales`
        reads a Hotmart one) as an external purchase of ``platform``, creating the buyers who
        are not clients yet; a row names its own platform if the file has that column.

        The outcome of a row is its purchase's: created, updated (a known sale whose status
        changed), skipped (known and unchanged) or failed with its reason (a price, status or
        date that is not one, or a buyer without a name or valid email). Dates without an
        offset are in the workspace's timezone, read day first unless ``dayfirst`` is off.
        The other arguments work as in `import_clients`.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "import sales")

        def start(uow: UnitOfWork, seen: dict[str, int], run_id: str | None) -> SaleBatch:
            clients = self._clients_batch(uow, actor, seen, ImportMode.SKIP, run_id)
            return SaleBatch(clients, platform, dayfirst)

        return self._imports.run(
            ImportKind.SALES, actor.id, actor.workspace_id, rows, start, source=source,
            dry_run=dry_run, atomic=atomic, batch_size=batch_size, each=each,
        )  # fmt: skip

    def import_bookings(
        self,
        rows: Iterable[BookingRow],
        actor: Actor,
        *,
        dayfirst: bool = True,
        source: str | None = None,
        dry_run: bool = False,
        atomic: bool = False,
        batch_size: int = 1000,
        each: Callable[[RowResult], None] | None = None,
    ) -> ImportReport:
        """Import a booking history from another tool (`clientcrm.io.read_bookings` reads
        one), so clients keep their figures, statuses and stages: each row is recorded as
        the events it implies (its status, what was paid, what was refunded), creating the
        clients it names, exactly as live events would be.

        A row fails when it has no service, a start that is not a date, a status, paid or
        refunded amount that is not one (or more refunded than paid), or a client without a
        valid email. Without a status, a booking that has started counts as completed and a
        later one as booked. Its id is the file's (prefixed ``import:``) or one derived from
        the client, service and start, so importing the file again creates nothing twice.
        Dates without an offset are in the workspace's timezone, read day first unless
        ``dayfirst`` is off. The other arguments work as in `import_clients`.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "import bookings")

        def start(uow: UnitOfWork, _: dict[str, int], run_id: str | None) -> HistoryBatch:
            workspace = uow.workspaces.get(actor.workspace_id)
            now, collect = self.clock(), self._bus.active
            return HistoryBatch(uow, workspace, self._ids, now, collect, run_id, dayfirst)

        return self._imports.run(
            ImportKind.BOOKINGS, actor.id, actor.workspace_id, rows, start, source=source,
            dry_run=dry_run, atomic=atomic, batch_size=batch_size, each=each,
        )  # fmt: skip

    def _clients_batch(
        self,
        uow: UnitOfWork,
        actor: Actor,
        seen: dict[str, int],
        mode: ImportMode,
        run_id: str | None,
    ) -> BatchImport:
        workspace = uow.workspaces.get(actor.workspace_id)
        return BatchImport(
            uow, workspace, actor, self.clock(), self._ids, seen, self._bus.active, mode, run_id
        )

    def import_runs(self, actor: Actor) -> list[ImportRun]:
        """The workspace's recorded imports, newest first."""
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "see imports")
        with self.store.unit_of_work() as uow:
            return uow.imports.runs(actor.workspace_id)

    def undo_import(self, run_id: str, actor: Actor) -> UndoReport:
        """Undo an import in one call (`ImportReport.run_id`, or `import_runs`): the notes,
        purchases and bookings it added are taken back and its updates to known clients
        reverted, wherever nothing changed them since; then the clients it created are
        removed, unless something touched them since (a booking, a note, an edit...). What
        stays is listed with why. Undoing an import again does nothing.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "undo imports")
        return self._imports.undo(actor.workspace_id, run_id)

    def get_client(self, client_id: str, actor: Actor) -> Client:
        """Return one client of the actor's workspace (a member: only their own)."""
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
        perm.require_client_access(actor, client, "see the client")
        return client

    def find_client(self, email: str, actor: Actor) -> Client:
        """Return the client with this email (primary or alias); `NotFoundError` if none."""
        address = normalise_email(email)
        with self.store.unit_of_work() as uow:
            found = uow.clients.find_by_emails(actor.workspace_id, [address])
        if address not in found:
            raise NotFoundError("client", address)
        perm.require_client_access(actor, found[address], "see the client")
        return found[address]

    def edit_client(
        self,
        client_id: str,
        actor: Actor,
        *,
        name: str = _UNSET,
        email: str = _UNSET,
        phone: str | None = _UNSET,
        language: str | None = _UNSET,
        avatar_url: str | None = _UNSET,
        custom: Mapping[str, Any] = _UNSET,
    ) -> Client:
        """Change a client's contact fields; only the fields given change.

        Raises:
            ValidationError: a value is malformed (the error names the field).
            DuplicateClientError: the new email belongs to another client.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "edit clients")
        changes: dict[str, Any] = {}
        if name is not _UNSET:
            changes["name"] = require_text(name, "name", max_length=MAX_NAME)
        if language is not _UNSET:
            changes["language"] = language
        if avatar_url is not _UNSET:
            changes["avatar_url"] = avatar_url
        if custom is not _UNSET:
            changes["custom"] = dict(custom)
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
            workspace = uow.workspaces.get(actor.workspace_id)
            if phone is not _UNSET:
                number = normalise_phone(phone, workspace.phone_region) if phone else None
                changes["phone"] = number
                changes["phone_aliases"] = client.phone_aliases - {number}
            if email is not _UNSET:
                address = normalise_email(email)
                holder = uow.clients.find_by_emails(workspace.id, [address]).get(address)
                if holder is not None and holder.id != client.id:
                    raise DuplicateClientError(address, holder.id)
                changes["email"] = address
                changes["aliases"] = client.aliases - {address}
            updated = attrs.evolve(client, **changes)
            uow.clients.update(updated)
            reindex(uow, workspace, updated)
            uow.commit()
        return updated

    def flag(self, client_id: str, flag: Flag, actor: Actor, *, on: bool = True) -> Client:
        """Set (or, with ``on=False``, clear) a manual flag. Owners and admins only."""
        perm.require_admin(actor, "flag clients")
        flag = Flag(flag)
        client = self._change(
            client_id, actor, lambda c: c.flags | {flag} if on else c.flags - {flag}, "flags"
        )
        self._bus.publish([ClientFlagged(client.workspace_id, client.id, self.clock(), flag, on)])
        return client

    def tag(self, client_id: str, tags: Iterable[str], actor: Actor) -> Client:
        """Add tags to a client."""
        perm.require_staff(actor, "tag clients")
        new = clean_tags(tags)
        return self._change(client_id, actor, lambda c: c.tags | new, "tags")

    def untag(self, client_id: str, tags: Iterable[str], actor: Actor) -> Client:
        """Remove tags from a client (tags it does not have are ignored)."""
        perm.require_staff(actor, "untag clients")
        gone = clean_tags(tags)
        return self._change(client_id, actor, lambda c: c.tags - gone, "tags")

    def _change(
        self, client_id: str, actor: Actor, change: Callable[[Client], Any], field: str
    ) -> Client:
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
            updated = attrs.evolve(client, **{field: change(client)})
            if updated != client:
                uow.clients.update(updated)
                uow.commit()
        return updated

    # -- reading ------------------------------------------------------------------------------

    def list_clients(self, query: ClientQuery, actor: Actor) -> ClientPage:
        """Return one page of clients matching ``query``, and the cursor of the next page.

        A member's list holds only their own record. Raises `ValidationError` for a cursor
        this list did not make.
        """
        with self.store.unit_of_work() as uow:
            criteria = self._criteria(uow, query, actor)
            one_more = attrs.evolve(criteria, limit=query.limit + 1)  # is there a next page?
            rows = uow.clients.list(actor.workspace_id, one_more)
        page = rows[: query.limit]
        more = len(rows) > query.limit
        return ClientPage(page, encode_cursor(page[-1], query.sort) if more else None)

    def client_summaries(self, query: ClientQuery, actor: Actor) -> Iterator[ClientSummary]:
        """Yield the summary of every client matching ``query``, in its order, from its
        cursor on whatever its limit: one read of one snapshot, streamed (what an export
        writes, or a notebook tabulates, at a million clients).

        The store's unit of work stays open until the iterator is exhausted or closed.
        """
        with self.store.unit_of_work() as uow:
            criteria = attrs.evolve(self._criteria(uow, query, actor), limit=_EVERY)
            yield from uow.clients.summaries(actor.workspace_id, criteria)

    def _criteria(self, uow: UnitOfWork, query: ClientQuery, actor: Actor) -> ClientCriteria:
        """``query`` resolved now, in the workspace's calendar (a member's: their own)."""
        workspace = uow.workspaces.get(actor.workspace_id)
        only = self._own_ids(uow, actor) if actor.role is Role.MEMBER else None
        return resolve(
            query,
            now=self.clock(),
            tz=workspace.tz,
            policy=workspace.policies.status,
            client_ids=only,
        )

    def iter_clients(self, query: ClientQuery, actor: Actor) -> Iterator[Client]:
        """Yield every client matching ``query``, page after page."""
        while True:
            page = self.list_clients(query, actor)
            yield from page.clients
            if page.next_cursor is None:
                return
            query = attrs.evolve(query, cursor=page.next_cursor)

    @staticmethod
    def _own_ids(uow: UnitOfWork, actor: Actor) -> frozenset[str]:
        ids = {actor.client_id} if actor.client_id else set()
        if actor.email:
            email = actor.email.strip().lower()
            ids.update(
                c.id for c in uow.clients.find_by_emails(actor.workspace_id, [email]).values()
            )
        return frozenset(ids)

    def client_detail(self, client_id: str, actor: Actor) -> ClientDetail:
        """Return the client's page: record, pill, quick stats and bookings oldest first."""
        now = self.clock()
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            client = uow.clients.get(workspace.id, client_id)
            perm.require_client_access(actor, client, "see the client")
            bookings = uow.bookings.for_clients(workspace.id, [client.id]).get(client.id, [])
        policy, tz = workspace.policies.status, workspace.tz
        return ClientDetail(
            client=client,
            status=status_pill(client.figures, now, tz, policy),
            growing=is_growing(client.figures, now, tz, policy),
            stats=quick_stats(
                bookings, client.figures, now, places=minor_units(workspace.currency)
            ),
            bookings=bookings,
        )

    # -- notes --------------------------------------------------------------------------------

    def add_note(
        self,
        client_id: str,
        text: str,
        actor: Actor,
        *,
        visibility: NoteVisibility | None = None,
        pinned: bool = False,
    ) -> Note:
        """Write a note about a client (private to its author by default policy)."""
        perm.require_notes(actor, "write notes")
        now = self.clock()
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            client = uow.clients.get(workspace.id, client_id)
            policy = workspace.policies.notes
            note = Note(
                id=self._ids(),
                workspace_id=workspace.id,
                client_id=client.id,
                author_id=actor.id,
                text=require_text(text, "text", max_length=policy.max_length),
                visibility=NoteVisibility(visibility or policy.default_visibility),
                created_at=now,
                updated_at=now,
                pinned=pinned,
            )
            uow.notes.add(note)
            uow.commit()
        return note

    def notes(self, client_id: str, actor: Actor) -> list[Note]:
        """The client's notes the actor may read: pinned first, then newest first."""
        perm.require_notes(actor, "read notes")
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
            notes = uow.notes.for_client(client.workspace_id, client.id)
        return [note for note in notes if perm.visible_note(actor, note)]

    def edit_note(self, note_id: str, text: str, actor: Actor) -> Note:
        """Change a note's text (its author only)."""
        return self._note_change(
            note_id, actor, perm.require_note_edit, lambda n, ws: {"text": _note_text(text, ws)}
        )

    def pin_note(self, note_id: str, actor: Actor, *, pinned: bool = True) -> Note:
        """Pin (or unpin) a note the actor can read, so it is listed first."""

        def check(actor: Actor, note: Note) -> None:
            if not perm.visible_note(actor, note):
                raise NotFoundError("note", note_id)

        return self._note_change(note_id, actor, check, lambda n, ws: {"pinned": pinned})

    def _note_change(
        self,
        note_id: str,
        actor: Actor,
        check: Callable[[Actor, Note], None],
        change: Callable[[Note, Workspace], dict[str, Any]],
    ) -> Note:
        perm.require_notes(actor, "change notes")
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            note = uow.notes.get(workspace.id, note_id)
            check(actor, note)
            updated = attrs.evolve(note, **change(note, workspace), updated_at=self.clock())
            uow.notes.update(updated)
            uow.commit()
        return updated

    def delete_note(self, note_id: str, actor: Actor) -> None:
        """Delete a note: its author, or an owner where the workspace policy allows."""
        perm.require_notes(actor, "delete notes")
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            note = uow.notes.get(workspace.id, note_id)
            perm.require_note_delete(actor, note, workspace.policies.notes)
            uow.notes.delete(workspace.id, note_id)
            uow.commit()

    # -- merging ------------------------------------------------------------------------------

    def merge(self, survivor_id: str, loser_id: str, actor: Actor) -> Merge:
        """Merge the loser into the survivor: bookings, notes, tags, flags and timeline move;
        the loser's emails become the survivor's aliases, so its later bookings route there;
        figures are recomputed. Owners and admins only; undo with `unmerge`.

        Raises:
            ValidationError: the two ids are one client.
            NotFoundError: either client is not in the workspace.
        """
        perm.require_admin(actor, "merge clients")
        with self.store.unit_of_work() as uow:
            journeys = Journeys(uow, uow.workspaces.get(actor.workspace_id), self._bus.active)
            merge = merge_clients(journeys, survivor_id, loser_id, actor, self.clock(), self._ids)
            uow.commit()
        self._bus.publish(journeys.events)
        return merge

    def unmerge(self, merge_id: str, actor: Actor) -> Merge:
        """Undo a merge: both clients as they were before it (bookings the survivor got since
        stay with it). Idempotent. Owners and admins only.

        Raises:
            ValidationError: a later merge touched either client; undo that one first.
        """
        perm.require_admin(actor, "undo merges")
        with self.store.unit_of_work() as uow:
            journeys = Journeys(uow, uow.workspaces.get(actor.workspace_id), self._bus.active)
            merge = unmerge_clients(journeys, merge_id, actor, self.clock(), self._ids)
            uow.commit()
        self._bus.publish(journeys.events)
        return merge

    def merges(self, client_id: str, actor: Actor) -> list[Merge]:
        """The merges the client took part in (as survivor or loser), newest first."""
        perm.require_staff(actor, "see merges")
        with self.store.unit_of_work() as uow:
            return uow.merges.for_client(actor.workspace_id, client_id)

    def timeline(
        self, client_id: str, actor: Actor, query: TimelineQuery | None = None
    ) -> TimelinePage:
        """A page of the client's feed, newest first, grouped by day in the workspace's
        timezone: bookings, orders, external purchases, forms and other activities, notes
        (those the actor may read), credits, stage changes, milestones, merges and matches.
        ``query`` searches it, filters it by type (the page counts every type the search
        finds) and pages it; for an export, ask for as large a ``limit`` as you need.

        Raises:
            ValidationError: the limit is below 1, or the cursor is not one of this feed.
        """
        query = query or TimelineQuery()
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_client_access(actor, client, "see the timeline")
            items = client_feed(uow, client, actor)
            tz = uow.workspaces.get(client.workspace_id).tz
        return feed_page(items, query, tz)

    # -- privacy -----------------------------------------------------------------------------

    def erase_client(self, client_id: str, actor: Actor) -> Client:
        """Erase the client's personal data everywhere, irreversibly (SPEC section 13): their
        name, emails, phones, tags, custom fields, notes, the free text of their activities
        and credit adjustments, what merges, the timeline and smart detection hold of them.
        The record stays, anonymous and archived, with its bookings, orders, purchases and
        credits (dates, amounts, services), so revenue and booking totals do not change.
        Then the store purges what its files keep of old data (`Store.purge`), and
        subscribers get `ClientErased`. Owners and admins only.

        Raises:
            StorageError: the store could not purge its files (the erasure is committed:
                call ``store.purge()`` again).
        """
        perm.require_admin(actor, "erase clients")

        def work(uow: UnitOfWork) -> Client:
            client = uow.clients.get(actor.workspace_id, client_id)
            return erase(uow, client)

        erased = self._retrying(work)
        self.store.purge()
        self._bus.publish([ClientErased(erased.workspace_id, erased.id, self.clock())])
        return erased

    def export_client_data(self, client_id: str, actor: Actor) -> dict[str, Any]:
        """Everything held about the client (portability, SPEC section 13) as one JSON-able
        document: the record, bookings, orders, purchases, activities, notes, credits, the
        journey, merges, timeline entries and matches. Owners and admins, or the member
        themselves."""
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_client_access(actor, client, "export a client's data")
            if actor.role is not Role.MEMBER:
                perm.require_admin(actor, "export a client's data")
            return client_data(uow, client, self.clock())

    # -- smart detection: the review queue and bulk deduplication -----------------------------

    def pending_matches(self, actor: Actor) -> list[PendingReview]:
        """The open pending matches, oldest first, each with both clients side by side."""
        perm.require_staff(actor, "review matches")
        with self.store.unit_of_work() as uow:
            ws = actor.workspace_id
            matches = uow.matches.pending(ws)
            ids = {i for m in matches for i in (m.client_id, m.candidate_id)}
            clients = uow.clients.get_many(ws, ids)
        return [
            PendingReview(m, clients[m.client_id], clients[m.candidate_id])
            for m in matches
            if m.client_id in clients and m.candidate_id in clients
        ]

    def use_existing(self, match_id: str, actor: Actor) -> PendingMatch:
        """Same person: merge the provisional client into the existing one. Idempotent."""
        return self._decide(match_id, MatchStatus.USED_EXISTING, actor)

    def create_new(self, match_id: str, actor: Actor) -> PendingMatch:
        """Different people: keep the provisional client, and never suggest the pair again
        until one of them changes its name, email or phone. Idempotent."""
        return self._decide(match_id, MatchStatus.CREATED_NEW, actor)

    def ignore_match(self, match_id: str, actor: Actor) -> PendingMatch:
        """Dismiss the suggestion without deciding; the provisional client stays. Idempotent."""
        return self._decide(match_id, MatchStatus.IGNORED, actor)

    def _decide(self, match_id: str, decision: MatchStatus, actor: Actor) -> PendingMatch:
        perm.require_admin(actor, "decide matches")
        with self.store.unit_of_work() as uow:
            journeys = Journeys(uow, uow.workspaces.get(actor.workspace_id), self._bus.active)
            match = decide(journeys, match_id, decision, actor, self.clock(), self._ids)
            uow.commit()
        self._bus.publish(journeys.events)
        return match

    def mark_distinct(self, a_id: str, b_id: str, actor: Actor) -> Distinction:
        """Remember that two clients are different people (a reviewer's "not the same person"
        on a deduplication pair): they are not suggested together again until one of them
        changes its name, email or phone."""
        perm.require_admin(actor, "decide matches")
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            distinction = distinguish(uow, workspace, a_id, b_id, actor, self.clock())
            uow.commit()
        return distinction

    def find_duplicates(self, actor: Actor, *, progress: Progress | None = None) -> Duplicates:
        """Bulk deduplication of the workspace's clients (see
        `clientcrm.matching.find_duplicates`), leaving out the pairs known to be different."""
        perm.require_admin(actor, "deduplicate clients")
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            records = [Record.of_client(c) for c in uow.clients.iter_workspace(workspace.id)]
            apart = holding_distinctions(uow, workspace.id)
        return find_duplicates(
            records,
            policy=workspace.policies.matching,
            region=workspace.phone_region,
            progress=progress,
            distinct=apart,
        )

    # -- journeys and milestones --------------------------------------------------------------

    def run_scheduled(
        self, now: datetime, actor: Actor, *, batch_size: int = 1000
    ) -> ScheduleReport:
        """The daily job: let time move the journeys due by ``now``.

        Clients whose churn window has passed become Churned, anniversaries are awarded,
        loyalty tiers fall when old points leave their window, and credit packages expire,
        each dated at the moment it came, not when the job ran. Idempotent, and it catches up:
        after missed days, every moment of those days appears once. Only clients whose next
        moment has come are read (an indexed "next due" column), ``batch_size`` to a unit of
        work. Owners and admins only.
        """
        perm.require_admin(actor, "run the scheduled jobs")
        now = require_aware(now, "now")
        examined = changes = milestones = 0
        while True:

            def work(uow: UnitOfWork) -> tuple[int, Journeys]:
                workspace = uow.workspaces.get(actor.workspace_id)
                due = uow.clients.due(workspace.id, now, batch_size)
                journeys = Journeys(uow, workspace, collect=self._bus.active)
                done = journeys.advance([c for c in due if c.journey is not None], now)
                done += journeys.replay([c for c in due if c.journey is None], now)
                uow.clients.update_figures(done)
                journeys.flush()
                return len(due), journeys

            count, journeys = self._retrying(work)
            self._bus.publish(journeys.events)
            examined += count
            changes += journeys.added_changes
            milestones += journeys.added_milestones
            if count < batch_size:
                expired = self.credits.expire(now, actor, batch_size=batch_size)
                return ScheduleReport(examined, changes, milestones, expired)

    def journey(self, client_id: str, actor: Actor) -> JourneyView:
        """The client's journey: stage, stage history (oldest first) and milestones."""
        with self.store.unit_of_work() as uow:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_client_access(actor, client, "see the journey")
            history = uow.journeys.for_clients(client.workspace_id, [client.id])
        found = history.get(client.id, JourneyHistory())
        return JourneyView(client, client.journey, found.changes, found.milestones)

    def redeem_points(
        self,
        client_id: str,
        points: int,
        actor: Actor,
        *,
        reason: str | None = None,
        at: datetime | None = None,
        redemption_id: str | None = None,
    ) -> Journey:
        """Redeem ``points`` of the client's loyalty points (for ``reason``, a reward) and
        return their journey. Giving a ``redemption_id`` makes a retry harmless.

        Raises:
            InsufficientBalanceError: the client has fewer points available.
            ValidationError: ``points`` is not a whole number of at least 1.
        """
        client = self.get_client(client_id, actor)
        event = ActivityEvent(
            ActivityKind.REDEMPTION,
            redemption_id or self._ids(),
            self._moment(at),
            client.email,
            title=reason,
            points=points,
        )
        journey = self.record(event, actor).journey
        assert journey is not None
        return journey

    def totals(self, actor: Actor) -> Totals:
        """The customer dashboard's statistics: customers, those with credits, revenue and
        bookings (seed 001), aggregated in the database."""
        perm.require_staff(actor, "see the workspace's figures")
        with self.store.unit_of_work() as uow:
            return uow.clients.totals(actor.workspace_id)

    def insights(self, actor: Actor, *, at: datetime | None = None) -> Insights:
        """The insights page (SPEC section 10): clients and active ones, bookings and their
        outcomes, completion and no-show rates, recurring clients, the top clients, the
        at-risk clients, the stage distribution and recent conversion, and the customer
        dashboard's totals; each aggregated by the store, at ``at`` (default: now).

        Raises:
            PermissionDeniedError: ``actor`` is a member.
            ValidationError: ``at`` is naive.
        """
        now = self._moment(at)
        return self._figures(actor, lambda uow, ws: analytics.insights(uow, ws, now))

    def cohort_retention(self, actor: Actor, *, at: datetime | None = None) -> CohortRetention:
        """Clients grouped by the month of their first counted booking, and how many of each
        cohort booked again in every month since, up to ``at``'s month (workspace timezone)."""
        now = self._moment(at)
        return self._figures(actor, lambda uow, ws: analytics.cohort_retention(uow, ws, now))

    def slipping(
        self, actor: Actor, *, at: datetime | None = None, limit: int | None = None
    ) -> list[SlippingClient]:
        """The early warning: clients away unusually long by their own rhythm (their median
        gap between visits), not LAPSED yet and with nothing booked; most overdue first.

        Thresholds are the workspace's `InsightPolicy`.
        """
        now = self._moment(at)
        return self._figures(actor, lambda uow, ws: analytics.slipping_clients(uow, ws, now, limit))

    def monthly_bookings(
        self, actor: Actor, *, months: int = 12, at: datetime | None = None
    ) -> MonthlyBookings:
        """Bookings by the month they start in (workspace timezone) and their status, for
        the ``months`` months up to the end of ``at``'s month, aggregated by the store.

        Raises:
            ValidationError: ``months`` is not 1 to 120, or ``at`` is naive.
        """
        if not 1 <= months <= 120:
            raise ValidationError("months", "must be from 1 to 120")
        now = self._moment(at)
        return self._figures(
            actor, lambda uow, ws: analytics.monthly_bookings(uow, ws, now, months)
        )

    def spend_distribution(self, actor: Actor, *, bins: int = 10) -> SpendDistribution:
        """How lifetime spend is spread over the clients with a counted booking: at most
        ``bins`` bins of a round width from zero, counted by the store.

        Raises:
            ValidationError: ``bins`` is not 1 to 100.
        """
        if not 1 <= bins <= 100:
            raise ValidationError("bins", "must be from 1 to 100")
        return self._figures(actor, lambda uow, ws: analytics.spend_distribution(uow, ws, bins))

    def _figures(self, actor: Actor, compute: Callable[[UnitOfWork, Workspace], _T]) -> _T:
        """A workspace-wide figure, for staff, computed in one unit of work."""
        perm.require_staff(actor, "see the workspace's figures")
        with self.store.unit_of_work() as uow:
            return compute(uow, uow.workspaces.get(actor.workspace_id))

    def _moment(self, at: datetime | None) -> datetime:
        return self.clock() if at is None else require_aware(at, "at")

    # -- messaging ----------------------------------------------------------------------------

    def send_message(
        self,
        client_id: str,
        subject: str,
        body: str,
        actor: Actor,
        *,
        purpose: MessagePurpose = MessagePurpose.RE_ENGAGEMENT,
        dry_run: bool = False,
    ) -> SentMessage:
        """Email one client, Reply-To the actor's address, and log it on their timeline.

        ``{first_name}`` and ``{name}`` in the subject and body become the client's.
        Re-engagement messages are rationed by the workspace's `MessagePolicy`. A dry run
        checks everything and returns the email without sending or logging it.

        Raises:
            PermissionDeniedError: the actor lacks ``send_emails``.
            ValidationError: no sender or no reply address; a subject of more than one
                line; the client was erased.
            BlockedClientError: the client is BLOCKED.
            ContactLimitError: the client had enough re-engagement messages lately (it names
                the day the next is allowed).
            DeliveryError: the mail server did not take it (nothing is logged).
        """
        messenger, draft = self._messenger(actor, subject, body, purpose, dry_run)
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            client = uow.clients.get(workspace.id, client_id)
            sent = messenger.send(uow, workspace, client, draft)
            uow.commit()
        return sent

    def send_messages(
        self,
        query: ClientQuery,
        subject: str,
        body: str,
        actor: Actor,
        *,
        purpose: MessagePurpose = MessagePurpose.RE_ENGAGEMENT,
        dry_run: bool = False,
    ) -> MessageReport:
        """Email every client the list query selects, as `send_message` does one; clients
        who may not be messaged (erased, BLOCKED, over the contact limit) are reported with
        the reason instead of stopping the others."""
        messenger, draft = self._messenger(actor, subject, body, purpose, dry_run)
        workspace = self.workspace(actor)
        clients = list(self.iter_clients(query, actor))
        return messenger.send_each(self.store.unit_of_work, workspace, clients, draft)

    def _messenger(
        self, actor: Actor, subject: str, body: str, purpose: MessagePurpose, dry_run: bool
    ) -> tuple[Messenger, Draft]:
        perm.require_permission(actor, Permission.SEND_EMAILS, "send emails")
        messenger = Messenger(self.sender, actor, self.clock(), self._ids, dry_run=dry_run)
        return messenger, Draft(subject, body, MessagePurpose(purpose))

    def stage_distribution(self, actor: Actor) -> dict[Stage, int]:
        """How many clients are in each stage (every stage, in journey order)."""
        perm.require_staff(actor, "see the journey figures")
        with self.store.unit_of_work() as uow:
            counts = uow.clients.stage_counts(actor.workspace_id)
        return {stage: counts.get(stage, 0) for stage in Stage}

    def stage_conversion(
        self, start: datetime, end: datetime, actor: Actor
    ) -> list[StageConversion]:
        """For each stage, how many clients entered it in ``[start, end)`` and how many of
        them moved on (to any stage but Churned) before ``end``.

        Raises:
            ValidationError: a bound is naive, or ``end`` is not after ``start``.
        """
        perm.require_staff(actor, "see the journey figures")
        start, end = require_aware(start, "start"), require_aware(end, "end")
        if end <= start:
            raise ValidationError("end", "must be after start")
        with self.store.unit_of_work() as uow:
            return uow.journeys.conversion(actor.workspace_id, start, end)

    # -- maintenance --------------------------------------------------------------------------

    def rebuild(self, actor: Actor, *, batch_size: int = 2000) -> RebuildReport:
        """Recompute every client's figures and journey (stage history and milestones too)
        from their history, repairing disagreements, and rewrite the blocking keys smart
        detection finds clients by.

        Returns a report naming each client whose stored figures or journey differed.
        """
        perm.require_admin(actor, "rebuild figures")
        repaired: list[FigureRepair] = []
        journeys_repaired: list[str] = []
        checked = 0
        with self.store.unit_of_work() as uow:
            workspace = uow.workspaces.get(actor.workspace_id)
            ws = workspace.id
            clients = uow.clients.iter_workspace(ws)
            while chunk := list(islice(clients, batch_size)):
                checked += len(chunk)
                journeys = Journeys(uow, workspace)
                recomputed = refigured(journeys, chunk)
                fixed = []
                for client, new in zip(chunk, recomputed, strict=True):
                    if new.figures != client.figures:
                        repaired.append(FigureRepair(client.id, client.figures, new.figures))
                    if new.journey != client.journey or client.id in journeys.replaced:
                        journeys_repaired.append(client.id)
                    if new != client:
                        fixed.append(new)
                if fixed:
                    uow.clients.update_figures(fixed)
                reindex(uow, workspace, *chunk)
            uow.commit()
        return RebuildReport(checked, repaired, journeys_repaired)


def _note_text(text: str, workspace: Workspace) -> str:
    return require_text(text, "text", max_length=workspace.policies.notes.max_length)
