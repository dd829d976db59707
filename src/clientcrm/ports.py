"""The ports: what a store must provide, and the contract every store keeps.

Each sentence of a method's docstring is a promise the conformance kit in
`clientcrm.testing` checks. Every method takes the workspace id (or a record that carries it)
and never reads or writes another workspace's records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self
from zoneinfo import ZoneInfo

from clientcrm.models.activity import Activity
from clientcrm.models.billing import PaymentEvent
from clientcrm.models.booking import Booking, BookingStatus
from clientcrm.models.client import Client, ClientSummary
from clientcrm.models.coaching import CoachingRecord, RecordKind
from clientcrm.models.credits import CreditEntry, CreditPackage
from clientcrm.models.importing import ImportChange, ImportRun
from clientcrm.models.insights import Totals, WorkspaceCounts
from clientcrm.models.journey import JourneyHistory, Milestone, Stage, StageChange, StageConversion
from clientcrm.models.merging import Distinction, Merge, PendingMatch
from clientcrm.models.messages import Email
from clientcrm.models.money import Money
from clientcrm.models.note import Note
from clientcrm.models.order import Order
from clientcrm.models.purchases import ExternalPurchase
from clientcrm.models.timeline import TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.rules.query import ClientCriteria
from clientcrm.rules.slipping import SlippingWindow

__all__ = [
    "ActivityRepository",
    "BookingRepository",
    "ClientRepository",
    "CoachingRepository",
    "CreditRepository",
    "EmailSender",
    "ImportRepository",
    "InsightRepository",
    "JourneyRepository",
    "MatchRepository",
    "MergeRepository",
    "NoteRepository",
    "OrderRepository",
    "PaymentProvider",
    "PurchaseRepository",
    "Store",
    "TimelineRepository",
    "UnitOfWork",
    "WorkspaceRepository",
]


class WorkspaceRepository(Protocol):
    """Workspaces and their policies."""

    def get(self, workspace_id: str) -> Workspace:
        """Return the workspace; raise `NotFoundError` when there is none with this id."""
        ...

    def save(self, workspace: Workspace) -> None:
        """Create the workspace, or replace its settings when it exists."""
        ...


class ClientRepository(Protocol):
    """Client records, their emails (primary and aliases), tags and materialised figures."""

    def get(self, workspace_id: str, client_id: str) -> Client:
        """Return the client; raise `NotFoundError` if it is not in this workspace."""
        ...

    def get_many(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, Client]:
        """Map each given id of a client of the workspace to the client; others are left out."""
        ...

    def find_by_emails(self, workspace_id: str, emails: Collection[str]) -> dict[str, Client]:
        """Map each given normalised email that is a client's primary email or alias to it."""
        ...

    def add(self, clients: Sequence[Client]) -> None:
        """Insert new clients; raise `DuplicateClientError` if an email or alias is taken."""
        ...

    def update(self, client: Client) -> None:
        """Replace the stored client with this one (all fields); `NotFoundError` if absent."""
        ...

    def remove(self, workspace_id: str, client_id: str) -> None:
        """Delete a client without bookings or notes, freeing its emails; `NotFoundError` if
        absent."""
        ...

    def update_figures(self, clients: Sequence[Client]) -> None:
        """Write only ``created_at``, the figures, the journey and the credit summary of these
        existing clients."""
        ...

    def due(self, workspace_id: str, until: datetime, limit: int) -> list[Client]:
        """Return up to ``limit`` clients whose journey is due by ``until`` (``journey.due``
        at or before it, or no journey yet), earliest due first, ties by id."""
        ...

    def stage_counts(self, workspace_id: str) -> dict[Stage, int]:
        """Map each journey stage that clients of the workspace are in to how many are."""
        ...

    def count(self, workspace_id: str) -> int:
        """Return how many clients the workspace has."""
        ...

    def totals(self, workspace_id: str) -> Totals:
        """The workspace's customers, those with credits available, revenue and bookings."""
        ...

    def list(self, workspace_id: str, criteria: ClientCriteria) -> list[Client]:
        """Return up to ``criteria.limit`` matching clients in sort order, ties by id.

        Descending sorts order by (value, id) descending; name sorts by (folded name, id)
        ascending. With ``criteria.after``, only clients strictly after that position.
        """
        ...

    def iter_workspace(self, workspace_id: str) -> Iterator[Client]:
        """Yield every client of the workspace, ordered by id; writes may happen in between."""
        ...

    def summaries(self, workspace_id: str, criteria: ClientCriteria) -> Iterator[ClientSummary]:
        """Yield the summaries of the clients `list` would return for ``criteria``, in the
        same order, as the store reads them (consumed inside the unit of work)."""
        ...


class BookingRepository(Protocol):
    """Booking state, keyed by the host's booking id within a workspace."""

    def get_many(self, workspace_id: str, booking_ids: Collection[str]) -> dict[str, Booking]:
        """Map each given booking id that exists in the workspace to its booking."""
        ...

    def add_many(self, bookings: Sequence[Booking]) -> None:
        """Insert these new bookings; raise `StorageError` if one already exists.

        The cheap path of ingest: the caller has just found that they do not exist, and a
        concurrent writer that added one meanwhile makes the unit of work fail, not vanish.
        """
        ...

    def save_many(self, bookings: Sequence[Booking]) -> None:
        """Insert or replace these bookings, keyed by (workspace_id, id)."""
        ...

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, list[Booking]]:
        """Map each given client id to its bookings, oldest start first, ties by booking id."""
        ...

    def remove(self, workspace_id: str, booking_ids: Collection[str]) -> None:
        """Delete these bookings (those that exist)."""
        ...


class OrderRepository(Protocol):
    """Order state, keyed by the host's order id within a workspace."""

    def get_many(self, workspace_id: str, order_ids: Collection[str]) -> dict[str, Order]:
        """Map each given order id that exists in the workspace to its order."""
        ...

    def save_many(self, orders: Sequence[Order]) -> None:
        """Insert or replace these orders, keyed by (workspace_id, id)."""
        ...

    def for_clients(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, list[Order]]:
        """Map each given client id to its orders, earliest placed first, ties by order id."""
        ...


class ActivityRepository(Protocol):
    """Activities (forms, referrals, reviews, shares), keyed by the host's event id."""

    def get_many(self, workspace_id: str, activity_ids: Collection[str]) -> dict[str, Activity]:
        """Map each given activity id that exists in the workspace to its activity."""
        ...

    def save_many(self, activities: Sequence[Activity]) -> None:
        """Insert or replace these activities, keyed by (workspace_id, id)."""
        ...

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, list[Activity]]:
        """Map each given client id to its activities, oldest first, ties by id."""
        ...


class PurchaseRepository(Protocol):
    """External purchases, keyed by `clientcrm.models.purchases.purchase_key`."""

    def get_many(
        self, workspace_id: str, purchase_ids: Collection[str]
    ) -> dict[str, ExternalPurchase]:
        """Map each given purchase id that exists in the workspace to its purchase."""
        ...

    def save_many(self, purchases: Sequence[ExternalPurchase]) -> None:
        """Insert or replace these purchases, keyed by (workspace_id, id)."""
        ...

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, list[ExternalPurchase]]:
        """Map each given client id to its purchases, earliest first, ties by id."""
        ...

    def in_workspace(self, workspace_id: str) -> Iterator[ExternalPurchase]:
        """Every purchase of the workspace, earliest first, ties by id, streamed."""
        ...

    def remove(self, workspace_id: str, purchase_ids: Collection[str]) -> None:
        """Delete these purchases (those that exist)."""
        ...


class CreditRepository(Protocol):
    """Credit packages and their ledgers."""

    def get(self, workspace_id: str, package_id: str) -> CreditPackage:
        """Return the package; raise `NotFoundError` if it is not in this workspace."""
        ...

    def for_client(self, workspace_id: str, client_id: str) -> list[CreditPackage]:
        """The client's packages, oldest purchase first, ties by id."""
        ...

    def save(self, packages: Sequence[CreditPackage], entries: Sequence[CreditEntry]) -> None:
        """Insert or replace these packages (keyed by (workspace_id, id)), then insert these
        new ledger entries."""
        ...

    def ledger(self, workspace_id: str, client_id: str) -> list[CreditEntry]:
        """Every ledger entry of the client's packages, by (``at``, package id, ``seq``)."""
        ...

    def for_booking(self, workspace_id: str, booking_id: str) -> list[CreditEntry]:
        """The ledger entries that name this booking, by (package id, ``seq``)."""
        ...

    def expiring(self, workspace_id: str, until: datetime, limit: int) -> list[CreditPackage]:
        """Up to ``limit`` active packages (neither paused nor expired) whose expiry is at or
        before ``until``, earliest expiry first, ties by id."""
        ...

    def move(self, workspace_id: str, package_ids: Collection[str], client_id: str) -> None:
        """Give these packages, and their ledger entries, to another client."""
        ...

    def redact(self, workspace_id: str, client_id: str) -> None:
        """Clear the reason of every ledger entry of the client (balances stay as they are)."""
        ...


class JourneyRepository(Protocol):
    """Clients' stage histories and milestones."""

    def add(self, changes: Sequence[StageChange], milestones: Sequence[Milestone]) -> None:
        """Insert new stage changes and milestones."""
        ...

    def replace(
        self,
        workspace_id: str,
        client_ids: Collection[str],
        changes: Sequence[StageChange],
        milestones: Sequence[Milestone],
    ) -> None:
        """Drop every stage change and milestone of these clients, then insert the given."""
        ...

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, JourneyHistory]:
        """Map each given client id with a history to it: changes by ``seq``, milestones by
        (``at``, kind)."""
        ...

    def conversion(
        self, workspace_id: str, start: datetime, end: datetime
    ) -> list[StageConversion]:
        """For each stage, how many clients entered it at or after ``start`` and before
        ``end``, and how many of those clients changed stage again after such an entry,
        before ``end``, to a stage other than Churned; every stage, in `Stage` order."""
        ...


class NoteRepository(Protocol):
    """Notes about clients."""

    def get(self, workspace_id: str, note_id: str) -> Note:
        """Return the note; raise `NotFoundError` if it is not in this workspace."""
        ...

    def add(self, note: Note) -> None:
        """Insert a new note."""
        ...

    def update(self, note: Note) -> None:
        """Replace the stored note; raise `NotFoundError` if it is absent."""
        ...

    def delete(self, workspace_id: str, note_id: str) -> None:
        """Delete the note; raise `NotFoundError` if it is absent."""
        ...

    def for_client(self, workspace_id: str, client_id: str) -> list[Note]:
        """Return the client's notes, pinned first, then newest first, ties by id."""
        ...


class MergeRepository(Protocol):
    """Merges of one client into another, kept so that they can be undone."""

    def add(self, merge: Merge) -> None:
        """Insert a new merge."""
        ...

    def get(self, workspace_id: str, merge_id: str) -> Merge:
        """Return the merge; raise `NotFoundError` if it is not in this workspace."""
        ...

    def update(self, merge: Merge) -> None:
        """Replace the stored merge (to mark it undone); `NotFoundError` if absent."""
        ...

    def for_client(self, workspace_id: str, client_id: str) -> list[Merge]:
        """Return the merges whose survivor or loser is this client, newest first, ties by id."""
        ...


class TimelineRepository(Protocol):
    """The entries of clients' timelines that the CRM records (merges, matches)."""

    def add(self, entries: Sequence[TimelineEntry]) -> None:
        """Insert new entries."""
        ...

    def for_client(self, workspace_id: str, client_id: str) -> list[TimelineEntry]:
        """Return the client's entries, newest first, ties by id descending."""
        ...

    def move(self, workspace_id: str, entry_ids: Collection[str], client_id: str) -> None:
        """Give these entries to another client of the workspace."""
        ...

    def redact(self, workspace_id: str, client_id: str, summary: str) -> None:
        """Replace the summary of every entry that is the client's, or that names the client
        (its id is a value of the entry's data), by ``summary``, and empty its data."""
        ...


class ImportRepository(Protocol):
    """Recorded imports, and what each created or changed (for undoing it)."""

    def add_run(self, run: ImportRun) -> None:
        """Insert a new run."""
        ...

    def get_run(self, workspace_id: str, run_id: str) -> ImportRun:
        """Return the run, or raise `NotFoundError`."""
        ...

    def update_run(self, run: ImportRun) -> None:
        """Replace the run with the same id; raise `NotFoundError` when there is none."""
        ...

    def runs(self, workspace_id: str) -> list[ImportRun]:
        """The workspace's runs, newest first, ties by id descending."""
        ...

    def add_changes(self, changes: Sequence[ImportChange]) -> None:
        """Insert changes, keyed by (workspace_id, run_id, line, kind)."""
        ...

    def changes(
        self, workspace_id: str, run_id: str, before: tuple[int, str] | None, limit: int
    ) -> list[ImportChange]:
        """The run's changes last first, by (line, kind) descending: those before
        ``before`` (a line and kind; ``None``: from the last), at most ``limit``."""
        ...

    def for_client(self, workspace_id: str, client_id: str) -> list[ImportChange]:
        """The changes about the client, by run, line and kind."""
        ...

    def redact(self, workspace_id: str, client_id: str) -> None:
        """Forget what the changes about the client held of it (``before`` and ``after``)."""
        ...


class MatchRepository(Protocol):
    """Smart client detection: the blocking keys of clients, pending matches, distinct pairs."""

    def index(self, workspace_id: str, keys: Mapping[str, Collection[str]]) -> None:
        """Replace the blocking keys of each given client id by the given ones (none: drop)."""
        ...

    def holders(self, workspace_id: str, keys: Collection[str], limit: int) -> dict[str, list[str]]:
        """Map each of ``keys`` that clients hold to their ids: all of them, sorted, when at
        most ``limit`` clients hold it; else any ``limit + 1`` of them, which is enough to
        tell that the key is too common to single anyone out."""
        ...

    def add_pending(self, match: PendingMatch) -> None:
        """Insert a new pending match."""
        ...

    def get_pending(self, workspace_id: str, match_id: str) -> PendingMatch:
        """Return the pending match; raise `NotFoundError` if it is not in this workspace."""
        ...

    def update_pending(self, match: PendingMatch) -> None:
        """Replace the stored pending match; `NotFoundError` if absent."""
        ...

    def pending(self, workspace_id: str, *, open_only: bool = True) -> list[PendingMatch]:
        """Return the workspace's pending matches (only open ones by default), oldest first,
        ties by id."""
        ...

    def add_distinction(self, distinction: Distinction) -> None:
        """Insert or replace the distinction of its pair of clients."""
        ...

    def distinctions(
        self, workspace_id: str, client_ids: Collection[str] | None = None
    ) -> list[Distinction]:
        """Return the workspace's distinctions (those involving any of ``client_ids`` when
        given), ordered by (a_id, b_id)."""
        ...

    def forget(self, workspace_id: str, client_id: str) -> None:
        """Drop the client's blocking keys, and the pending matches and distinctions that
        name it (as either side)."""
        ...


class InsightRepository(Protocol):
    """Aggregates over a whole workspace for dashboards, computed where the data is (in SQL
    where there is a database). `clientcrm.rules.insights` is the reference in Python."""

    def counts(
        self, workspace_id: str, lapsed_before: datetime, regular_min: int
    ) -> WorkspaceCounts:
        """Count the clients; those with each status pill, as `clientcrm.rules.status.pill`
        gives it for ``lapsed_before`` and ``regular_min``; and the bookings made,
        completed, cancelled and not turned up to."""
        ...

    def top_completed(self, workspace_id: str, limit: int) -> list[Client]:
        """Return the ``limit`` clients with the most completed bookings (at least one),
        ties by folded name, then id."""
        ...

    def at_risk(
        self, workspace_id: str, more_than: int, above: Decimal, limit: int
    ) -> tuple[int, list[Client]]:
        """Count the clients with more than ``more_than`` bookings made and a share of them
        cancelled or not turned up to above ``above``; return that count and the first
        ``limit`` of them, highest share first, then most bookings, then id."""
        ...

    def recurring(self, workspace_id: str, after: datetime) -> int:
        """Count the clients with a booking of a recurring series still booked to start
        after ``after``."""
        ...

    def recurring_of(self, workspace_id: str, after: datetime, among: Collection[str]) -> set[str]:
        """Return those of ``among`` that `recurring` counts."""
        ...

    def cohorts(
        self, workspace_id: str, timezone: ZoneInfo, until: datetime
    ) -> dict[tuple[date, date], int]:
        """For each (first month, month) pair, count the clients whose first counted booking
        fell in the first month and who had a counted booking in the month (months are first
        days, in ``timezone``); bookings starting after ``until`` are left out."""
        ...

    def monthly(
        self, workspace_id: str, timezone: ZoneInfo, since: datetime, until: datetime
    ) -> dict[tuple[date, BookingStatus], int]:
        """Count the bookings starting in ``[since, until)`` by the month they start in (its
        first day, in ``timezone``) and their status."""
        ...

    def top_spend(self, workspace_id: str) -> Decimal:
        """Return the highest lifetime spend of a client (0 without clients)."""
        ...

    def spend_bins(self, workspace_id: str, width: Decimal) -> dict[int, int]:
        """Count the clients with a counted booking by ``lifetime spend // width``."""
        ...

    def visits(
        self, workspace_id: str, window: SlippingWindow
    ) -> Iterator[tuple[Client, list[datetime]]]:
        """Yield the clients who may be slipping, each with the starts of their completed
        bookings, oldest first: at least ``window.min_visits`` of them, the last at or before
        ``window.last_visit_by``, the last counted booking at or after
        ``window.lapsed_before``, and nothing still booked to start after ``window.now``."""
        ...


class CoachingRepository(Protocol):
    """The PT console's records (`CoachingRecord`): rosters, programmes, workouts, health
    readings, habits, check-ins and goals, each keyed within its kind."""

    def put(self, records: Sequence[CoachingRecord]) -> None:
        """Store each record, replacing the one of the same workspace, kind and key."""
        ...

    def get(self, workspace_id: str, kind: RecordKind, key: str) -> CoachingRecord | None:
        """Return the record of this kind and key, or ``None``."""
        ...

    def find(
        self,
        workspace_id: str,
        kind: RecordKind,
        *,
        client_id: str | None = None,
        owner_id: str | None = None,
    ) -> list[CoachingRecord]:
        """Return the records of this kind (of the client, or else of the owner, if given),
        ordered by ``at`` then key."""
        ...

    def remove(self, workspace_id: str, kind: RecordKind, key: str) -> None:
        """Remove the record of this kind and key, if there is one."""
        ...

    def forget(self, workspace_id: str, client_id: str) -> None:
        """Remove every record about the client (erasure)."""
        ...


class PaymentProvider(Protocol):
    """Bills on a trainer's own account (`clientcrm.payments.StripeProvider`, or another)."""

    name: str
    """The provider's name ("stripe")."""

    def create_invoice(
        self,
        account_id: str,
        *,
        email: str,
        name: str,
        amount: Money,
        description: str,
        reference: str,
        workspace_id: str,
    ) -> str:
        """Create an open invoice on the account for the customer, carrying clientcrm's
        ``reference`` and ``workspace_id``; return the provider's invoice id. Raise
        `PaymentError` when refused."""
        ...

    def pay(self, account_id: str, invoice_id: str, payment_method: str) -> None:
        """Charge the invoice; raise `PaymentDeclinedError` for a declined payment."""
        ...

    def void(self, account_id: str, invoice_id: str) -> None:
        """Cancel the invoice."""
        ...

    def event(self, payload: bytes, signature: str) -> PaymentEvent:
        """Check a notification's signature (`ValidationError` if it does not match) and
        read it."""
        ...


class EmailSender(Protocol):
    """Delivers email (`clientcrm.messaging.SMTPSender`, or the host's own provider)."""

    def send(self, email: Email) -> str:
        """Deliver ``email`` and return the provider's id of it; raise `DeliveryError` when
        it could not be handed over (nothing was sent)."""
        ...


class UnitOfWork(Protocol):
    """One atomic piece of work over the repositories.

    Changes become visible to other units of work only on `commit`. Leaving the ``with``
    block without committing, or with an exception, rolls everything back. Driver errors
    surface as `StorageError`.
    """

    @property
    def workspaces(self) -> WorkspaceRepository:
        """The workspaces, inside this unit of work."""
        ...

    @property
    def clients(self) -> ClientRepository:
        """The clients, inside this unit of work."""
        ...

    @property
    def bookings(self) -> BookingRepository:
        """The bookings, inside this unit of work."""
        ...

    @property
    def orders(self) -> OrderRepository:
        """The orders, inside this unit of work."""
        ...

    @property
    def activities(self) -> ActivityRepository:
        """The activities, inside this unit of work."""
        ...

    @property
    def journeys(self) -> JourneyRepository:
        """Stage histories and milestones, inside this unit of work."""
        ...

    @property
    def credits(self) -> CreditRepository:
        """Credit packages and their ledgers, inside this unit of work."""
        ...

    @property
    def purchases(self) -> PurchaseRepository:
        """External purchases, inside this unit of work."""
        ...

    @property
    def imports(self) -> ImportRepository:
        """Recorded imports and their changes, inside this unit of work."""
        ...

    @property
    def notes(self) -> NoteRepository:
        """The notes, inside this unit of work."""
        ...

    @property
    def merges(self) -> MergeRepository:
        """The merges, inside this unit of work."""
        ...

    @property
    def timeline(self) -> TimelineRepository:
        """The recorded timeline entries, inside this unit of work."""
        ...

    @property
    def matches(self) -> MatchRepository:
        """Blocking keys, pending matches and distinctions, inside this unit of work."""
        ...

    @property
    def insights(self) -> InsightRepository:
        """Workspace aggregates for dashboards, inside this unit of work."""
        ...

    @property
    def coaching(self) -> CoachingRepository:
        """The PT console's records, inside this unit of work."""
        ...

    def __enter__(self) -> Self:
        """Begin the unit of work."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, and end the unit of work."""
        ...

    def commit(self) -> None:
        """Make every change of this unit of work durable and visible, all or nothing."""
        ...

    def rollback(self) -> None:
        """Discard every change since the unit of work began (or last committed)."""
        ...


class Store(Protocol):
    """A store: the factory of units of work over one database."""

    def unit_of_work(self) -> UnitOfWork:
        """Return a new unit of work; use it as a context manager."""
        ...

    def purge(self) -> None:
        """Remove what the store keeps of deleted or changed data for its own sake (search
        index segments, a write-ahead log), so that erased data is gone from its files too;
        a store that keeps nothing does nothing."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
