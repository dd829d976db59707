"""The SQL store: every repository port on SQLAlchemy 2 Core, for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import nullcontext, suppress
from datetime import datetime
from itertools import islice
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, CursorResult, Engine, create_engine, delete, event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from clientcrm.errors import ConflictError, DuplicateClientError, NotFoundError, StorageError
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client, ClientSummary
from clientcrm.models.insights import Totals
from clientcrm.models.journey import Stage
from clientcrm.models.note import Note
from clientcrm.models.workspace import Workspace
from clientcrm.rules.query import ClientCriteria
from clientcrm.stores.sql import rows, search
from clientcrm.stores.sql import statements as sql
from clientcrm.stores.sql.bulk import (
    copy_or_insert,
    executemany,
    executemany_values,
    first_column,
    on_driver,
    read,
    upsert_staged,
)
from clientcrm.stores.sql.coaching import SQLCoaching
from clientcrm.stores.sql.credits import SQLCredits
from clientcrm.stores.sql.imports import SQLImports
from clientcrm.stores.sql.insights import SQLInsights
from clientcrm.stores.sql.journeys import (
    SQLActivities,
    SQLJourneys,
    SQLOrders,
    SQLPurchases,
    upsert_rows,
)
from clientcrm.stores.sql.merging import SQLMatches, SQLMerges, SQLTimeline
from clientcrm.stores.sql.migrate import upgrade
from clientcrm.stores.sql.queries import list_clients
from clientcrm.stores.sql.statistics import PlannerStatistics
from clientcrm.stores.sql.tables import bookings, client_emails, client_tags, clients

__all__ = ["SQLStore"]

_PAGE = 1000
_STREAMED = 2000  # rows the driver hands over at a time while a list streams
_CLIENT_COLUMNS = tuple(column.name for column in clients.columns)
_EMAIL_COLUMNS = tuple(column.name for column in client_emails.columns)


def _chunks(items: Collection[str]) -> Iterator[list[str]]:
    iterator = iter(sorted(items))
    while chunk := list(islice(iterator, sql.KEYS_PER_STATEMENT)):
        yield chunk


def _by_workspace(values: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in values:
        groups.setdefault(row["workspace_id"], []).append(row)
    return groups


class _Workspaces:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, workspace_id: str) -> Workspace:
        found = read(self._conn, sql.GET_WORKSPACE, {"ws": workspace_id})
        if not found:
            raise NotFoundError("workspace", workspace_id)
        return rows.workspace_from_row(found[0])

    def save(self, workspace: Workspace) -> None:
        row = rows.workspace_row(workspace)
        if self._conn.execute(sql.UPDATE_WORKSPACE, {"b_ws": workspace.id, **row}).rowcount == 0:
            self._conn.execute(sql.INSERT_WORKSPACE, row)


class _Clients:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.added = 0

    def get(self, workspace_id: str, client_id: str) -> Client:
        params = {"ws": workspace_id, "client_id": client_id}
        row = self._conn.execute(sql.GET_CLIENT, params).mappings().first()
        if row is None:
            raise NotFoundError("client", client_id)
        return rows.client_from_row(row)

    def get_many(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, Client]:
        found: dict[str, Client] = {}
        for chunk in _chunks(client_ids):
            stmt = sql.GET_CLIENTS.where(clients.c.client_id.in_(chunk))
            for row in self._conn.execute(stmt, {"ws": workspace_id}).mappings():
                client = rows.client_from_row(row)
                found[client.id] = client
        return found

    def find_by_emails(self, workspace_id: str, emails: Collection[str]) -> dict[str, Client]:
        found: dict[str, Client] = {}
        for chunk in _chunks(emails):
            found_rows: Iterable[rows.Row]
            if len(chunk) == 1:
                one = {"ws": workspace_id, "email": chunk[0]}
                found_rows = read(self._conn, sql.FIND_BY_EMAIL, one)
            else:
                every = {"ws": workspace_id, "emails": chunk}
                found_rows = self._conn.execute(sql.FIND_BY_EMAILS, every).mappings()
            by_id: dict[str, Client] = {}
            for row in found_rows:
                client = by_id.get(row["client_id"]) or rows.client_from_row(row)
                by_id[client.id] = found[row["matched_email"]] = client
        return found

    def add(self, new: Sequence[Client]) -> None:
        if not new:
            return
        self.added += len(new)
        values = [rows.client_row(c) for c in new]
        for workspace_id, row_group in _by_workspace(values).items():
            params = {"ws": workspace_id, "count": len(row_group)}
            issued = self._conn.execute(sql.ISSUE_CLIENT_KEYS, params).one_or_none()
            if issued is None:
                raise NotFoundError("workspace", workspace_id)
            first = search.first_key(issued.ordinal, issued.client_keys - len(row_group))
            for offset, row in enumerate(row_group):
                row["search_key"] = first + offset
        in_order = [[row[name] for name in _CLIENT_COLUMNS] for row in values]
        copy_or_insert(self._conn, sql.INSERT_CLIENTS, _CLIENT_COLUMNS, in_order)
        search.index_new(self._conn, values)
        self._claim([(c, c.emails) for c in new])
        self._write_tags(new)

    def _claim(self, claims: list[tuple[Client, frozenset[str]]]) -> None:
        values = [(c.workspace_id, email, c.id) for c, emails in claims for email in sorted(emails)]
        if not values:
            return
        # PostgreSQL aborts a transaction at its first error, so the insert gets a savepoint
        # to look the holders up after; SQLite undoes just the failed statement.
        postgres = self._conn.dialect.name == "postgresql"
        try:
            with self._conn.begin_nested() if postgres else nullcontext():
                copy_or_insert(self._conn, sql.INSERT_EMAILS, _EMAIL_COLUMNS, values)
        except IntegrityError:
            for client, emails in claims:
                taken = self.find_by_emails(client.workspace_id, emails)
                for email, holder in taken.items():
                    if holder.id != client.id:
                        raise DuplicateClientError(email, holder.id) from None
            raise

    def _write_tags(self, written: Sequence[Client]) -> None:
        tag_rows = [
            {"workspace_id": c.workspace_id, "client_id": c.id, "tag": tag}
            for c in written
            for tag in sorted(c.tags)
        ]
        if tag_rows:
            executemany(self._conn, sql.INSERT_TAGS, tag_rows)

    def update(self, client: Client) -> None:
        old = self.get(client.workspace_id, client.id)
        ws, cid = client.workspace_id, client.id
        self._conn.execute(
            sql.UPDATE_CLIENT.values(rows.client_row(client)), {"b_ws": ws, "b_client_id": cid}
        )
        self._conn.execute(sql.DELETE_TAGS, {"ws": ws, "client_id": cid})
        gone = old.emails - client.emails
        if gone:
            self._conn.execute(sql.DELETE_EMAILS, {"ws": ws, "emails": sorted(gone)})
        self._claim([(client, client.emails - old.emails)])
        self._write_tags([client])

    def remove(self, workspace_id: str, client_id: str) -> None:
        for table in (client_emails, client_tags, clients):
            stmt = delete(table).where(
                table.c.workspace_id == workspace_id, table.c.client_id == client_id
            )
            if self._conn.execute(stmt).rowcount == 0 and table is clients:
                raise NotFoundError("client", client_id)

    def update_figures(self, changed: Sequence[Client]) -> None:
        if not changed:
            return
        values = [
            {"b_ws": c.workspace_id, "b_client_id": c.id, **rows.figures_row(c)} for c in changed
        ]
        executemany(self._conn, sql.UPDATE_FIGURES, values)

    def due(self, workspace_id: str, until: datetime, limit: int) -> list[Client]:
        params = {"ws": workspace_id, "until": until, "size": limit}
        result = self._conn.execute(sql.DUE_CLIENTS, params).mappings()
        return [rows.client_from_row(row) for row in result]

    def stage_counts(self, workspace_id: str) -> dict[Stage, int]:
        result = self._conn.execute(sql.STAGE_COUNTS, {"ws": workspace_id}).all()
        return {Stage(stage): count for stage, count in result if stage is not None}

    def count(self, workspace_id: str) -> int:
        return int(self._conn.execute(sql.COUNT_CLIENTS, {"ws": workspace_id}).scalar_one())

    def totals(self, workspace_id: str) -> Totals:
        customers, with_credits, revenue, bookings = self._conn.execute(
            sql.TOTALS, {"ws": workspace_id}
        ).one()
        return Totals(int(customers), int(with_credits), revenue, int(bookings))

    def list(self, workspace_id: str, criteria: ClientCriteria) -> list[Client]:
        found = self._listed(workspace_id, criteria, summary=False)
        return [] if found is None else [rows.client_from_row(r) for r in found.mappings()]

    def summaries(self, workspace_id: str, criteria: ClientCriteria) -> Iterator[ClientSummary]:
        found = self._listed(workspace_id, criteria, summary=True)
        return iter(()) if found is None else map(ClientSummary._make, found)

    def _listed(
        self, workspace_id: str, criteria: ClientCriteria, *, summary: bool
    ) -> CursorResult[Any] | None:
        """The rows of the list query, streamed (``None`` when a search finds no one)."""
        conn, few_matches = self._conn, False
        search_params: dict[str, object] = {}
        if criteria.words:
            search_params = search.search_params(conn, workspace_id, criteria.words)
            found = search.count_matches(conn, search_params)
            if found == 0:
                return None
            few_matches = found is not None and found <= search.FEW_MATCHES
        statement, params = list_clients(
            workspace_id, criteria, dialect=conn.dialect.name, few_matches=few_matches,
            summary=summary,
        )  # fmt: skip
        streamed = {"yield_per": _STREAMED}
        return conn.execute(statement, params | search_params, execution_options=streamed)

    def iter_workspace(self, workspace_id: str) -> Iterator[Client]:
        after = ""
        while True:
            params = {"ws": workspace_id, "after": after, "size": _PAGE}
            result = self._conn.execute(sql.PAGE_OF_CLIENTS, params).mappings().all()
            page = [rows.client_from_row(r) for r in result]
            yield from page
            if len(page) < _PAGE:
                return
            after = page[-1].id


class _Bookings:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.added = 0

    def get_many(self, workspace_id: str, booking_ids: Collection[str]) -> dict[str, Booking]:
        found = {}
        if len(booking_ids) > 1:
            booking_ids = self._present(workspace_id, booking_ids)
        for chunk in _chunks(booking_ids):
            found_rows: Iterable[rows.Row]
            if len(chunk) == 1:
                found_rows = read(self._conn, sql.GET_BOOKING, {"ws": workspace_id, "id": chunk[0]})
            else:
                params = {"ws": workspace_id, "ids": chunk}
                found_rows = self._conn.execute(sql.GET_BOOKINGS, params).mappings()
            for row in found_rows:
                found[row["booking_id"]] = rows.booking_from_row(row)
        return found

    def _present(self, workspace_id: str, booking_ids: Collection[str]) -> list[str]:
        """Which of ``booking_ids`` exist: ingest mostly brings new bookings, and asking for
        ids alone costs a fraction of reading rows (on SQLite, straight through the driver;
        on PostgreSQL, as one array, so one plan serves any number)."""
        if self._conn.dialect.name == "postgresql":
            every = {"ws": workspace_id, "ids": list(booking_ids)}
            return list(self._conn.execute(sql.BOOKING_IDS_ANY, every).scalars())
        present = []
        for chunk in _chunks(booking_ids):
            keys = chunk + chunk[-1:] * (sql.KEYS_PER_STATEMENT - len(chunk))
            params = {"ws": workspace_id} | {k.key: v for k, v in zip(sql.KEYS, keys, strict=True)}
            present += first_column(self._conn, sql.BOOKING_IDS, params)
        return present

    def add_many(self, new: Sequence[Booking]) -> None:
        # A plain insert, not the upsert: besides failing loudly on a booking a concurrent
        # writer added, SQLite runs it at half the upsert's cost on this table.
        self.added += len(new)
        values = [rows.booking_values(b) for b in new]
        copy_or_insert(self._conn, sql.INSERT_BOOKINGS, rows.BOOKING_COLUMNS, values)

    def save_many(self, changed: Sequence[Booking]) -> None:
        if not changed:
            return
        dialect = self._conn.dialect.name
        stmt = sql.upsert(bookings, dialect)
        if stmt is None:
            upsert_rows(self._conn, bookings, [rows.booking_row(b) for b in changed])
            return
        values = [rows.booking_values(b) for b in changed]
        if dialect == "postgresql":  # one statement, so the bookings' triggers run once
            upsert_staged(self._conn, sql.INSERT_BOOKINGS, rows.BOOKING_COLUMNS, values)
        else:
            executemany_values(self._conn, stmt, rows.BOOKING_COLUMNS, values)

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, list[Booking]]:
        found: dict[str, list[Booking]] = {}
        for chunk in _chunks(client_ids):
            result = self._conn.execute(sql.FOR_CLIENTS, {"ws": workspace_id, "ids": chunk})
            for row in result.mappings():
                found.setdefault(row["client_id"], []).append(rows.booking_from_row(row))
        return found

    def remove(self, workspace_id: str, booking_ids: Collection[str]) -> None:
        b = bookings.c
        for chunk in _chunks(booking_ids):
            self._conn.execute(
                delete(bookings).where(b.workspace_id == workspace_id, b.booking_id.in_(chunk))
            )


class _Notes:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, workspace_id: str, note_id: str) -> Note:
        params = {"b_ws": workspace_id, "b_note_id": note_id}
        row = self._conn.execute(sql.GET_NOTE, params).mappings().first()
        if row is None:
            raise NotFoundError("note", note_id)
        return rows.note_from_row(row)

    def add(self, note: Note) -> None:
        self._conn.execute(sql.INSERT_NOTE, [rows.note_row(note)])

    def update(self, note: Note) -> None:
        params = {"b_ws": note.workspace_id, "b_note_id": note.id}
        stmt = sql.UPDATE_NOTE.values(rows.note_row(note))
        if self._conn.execute(stmt, params).rowcount == 0:
            raise NotFoundError("note", note.id)

    def delete(self, workspace_id: str, note_id: str) -> None:
        params = {"b_ws": workspace_id, "b_note_id": note_id}
        if self._conn.execute(sql.DELETE_NOTE, params).rowcount == 0:
            raise NotFoundError("note", note_id)

    def for_client(self, workspace_id: str, client_id: str) -> list[Note]:
        params = {"ws": workspace_id, "client_id": client_id}
        return [
            rows.note_from_row(r)
            for r in self._conn.execute(sql.NOTES_OF_CLIENT, params).mappings()
        ]


class _UnitOfWork:
    workspaces: _Workspaces
    clients: _Clients
    bookings: _Bookings
    notes: _Notes
    orders: SQLOrders
    activities: SQLActivities
    purchases: SQLPurchases
    imports: SQLImports
    journeys: SQLJourneys
    credits: SQLCredits
    merges: SQLMerges
    timeline: SQLTimeline
    matches: SQLMatches
    insights: SQLInsights
    coaching: SQLCoaching

    def __init__(self, engine: Engine, statistics: PlannerStatistics | None) -> None:
        self._engine = engine
        self._statistics = statistics
        self._conn: Connection | None = None
        # Each unit of work reads one snapshot, and a concurrent change to what it read and
        # writes fails it (then `ConflictError`, and the caller retries) instead of being lost.
        self._isolation = "REPEATABLE READ" if engine.dialect.name == "postgresql" else None

    def __enter__(self) -> Self:
        try:
            conn = self._conn = self._engine.connect()
            if self._isolation is not None:
                conn.execution_options(isolation_level=self._isolation)
            conn.begin()
        except SQLAlchemyError as error:
            raise _storage_error("cannot open the database", error) from error
        self.workspaces = _Workspaces(conn)
        self.clients = _Clients(conn)
        self.bookings = _Bookings(conn)
        self.notes = _Notes(conn)
        self.orders = SQLOrders(conn)
        self.activities = SQLActivities(conn)
        self.purchases = SQLPurchases(conn)
        self.imports = SQLImports(conn)
        self.journeys = SQLJourneys(conn)
        self.credits = SQLCredits(conn)
        self.merges = SQLMerges(conn)
        self.timeline = SQLTimeline(conn)
        self.matches = SQLMatches(conn)
        self.insights = SQLInsights(conn)
        self.coaching = SQLCoaching(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.rollback()
        finally:
            conn.close()
        if isinstance(exc, SQLAlchemyError):
            raise _storage_error("the database refused the work", exc) from exc

    def commit(self) -> None:
        assert self._conn is not None, "commit outside the unit of work"
        # Only the commit: the connection begins the next transaction when it is next used,
        # so a failure can never be reported for work that was in fact committed.
        try:
            self._conn.commit()
        except SQLAlchemyError as error:
            raise _storage_error("the database refused the commit", error) from error
        if self._statistics is not None:
            grown = {"crm_clients": self.clients.added, "crm_bookings": self.bookings.added}
            self.clients.added = self.bookings.added = 0
            self._statistics.added(grown)

    def rollback(self) -> None:
        assert self._conn is not None, "rollback outside the unit of work"
        self._conn.rollback()


_CONFLICT_STATES = frozenset({"40001", "40P01", "23505"})
"""PostgreSQL's serialization failure, deadlock and unique violation: a concurrent writer."""


def _storage_error(doing: str, error: SQLAlchemyError) -> StorageError:
    """The error for a database failure: `ConflictError` when a concurrent writer caused it
    (retrying is safe), `StorageError` otherwise."""
    cause = getattr(error, "orig", None)
    busy = (getattr(cause, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY
    conflict = busy or getattr(cause, "sqlstate", None) in _CONFLICT_STATES
    return (ConflictError if conflict else StorageError)(f"{doing}: {error}")


_HAS_SEARCH_INDEX = "SELECT 1 FROM sqlite_master WHERE name = 'crm_client_search'"
_OPTIMIZE_SEARCH_INDEX = "INSERT INTO crm_client_search (crm_client_search) VALUES ('optimize')"


def _sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # SQLAlchemy, not pysqlite, begins transactions (pysqlite would begin only before a
        # write, leaving a unit of work's reads outside its transaction): see `_on_begin`.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten content is zeroed, so erased data leaves no trace in the
        # file's free space (`SQLStore.purge` clears the search index and the log).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        on_driver(conn, "BEGIN")


def _use_schema(engine: Engine, schema: str) -> None:
    """Put ``schema`` first on every connection's search path, making it if missing."""
    if engine.dialect.name != "postgresql":
        dialect = engine.dialect.name
        msg = f"schema={schema!r}: schemas are a PostgreSQL option, not one of {dialect}"
        raise StorageError(msg)
    quoted = engine.dialect.identifier_preparer.quote(schema)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {quoted}, public")
        dbapi_connection.commit()

    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
    except SQLAlchemyError as error:
        raise StorageError(f"cannot make the schema {schema!r}: {error}") from error


class SQLStore:
    """The store on an SQL database through SQLAlchemy 2 Core.

    Args:
        url: a SQLAlchemy URL (``"sqlite:///clientcrm.db"``,
            ``"postgresql+psycopg://user@host/db"``) or an `Engine`.
        schema: on PostgreSQL, the schema that holds clientcrm's tables (made if missing);
            the default is the connection's ``search_path``.
        migrate: bring the schema up to date on open (clientcrm's Alembic migrations).
        busy_timeout_ms: how long SQLite waits for another writer before failing.

    Raises:
        StorageError: the database cannot be opened or migrated.
    """

    def __init__(
        self,
        url: str | Engine,
        *,
        schema: str | None = None,
        migrate: bool = True,
        busy_timeout_ms: int = 5000,
    ) -> None:
        try:
            self.engine = url if isinstance(url, Engine) else create_engine(url)
        except (SQLAlchemyError, ValueError) as error:
            raise StorageError(f"cannot open {url!r}: {error}") from error
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine, busy_timeout_ms)
        if schema is not None:
            _use_schema(self.engine, schema)
        postgres = self.engine.dialect.name == "postgresql"
        self._statistics = PlannerStatistics(self.engine) if postgres else None
        if migrate:
            try:
                upgrade(self.engine)
            except SQLAlchemyError as error:
                raise StorageError(f"cannot prepare the database: {error}") from error

    def unit_of_work(self) -> _UnitOfWork:
        """Return a new unit of work; use it as a context manager."""
        return _UnitOfWork(self.engine, self._statistics)

    def purge(self) -> None:
        """On SQLite, rewrite the search index without the entries of deleted or changed
        clients, and checkpoint and truncate the write-ahead log, so that erased data is gone
        from the database's files (the index's cost grows with the number of clients). On
        PostgreSQL, nothing: old row versions stay in its files until ``VACUUM`` reuses
        their space, as the server's own maintenance does.

        Raises:
            StorageError: the log could not be truncated (another connection is reading);
                try again when it is idle.
        """
        if self.engine.dialect.name != "sqlite":
            return
        try:
            with self.engine.begin() as conn:
                if conn.exec_driver_sql(_HAS_SEARCH_INDEX).first() is not None:
                    conn.exec_driver_sql(_OPTIMIZE_SEARCH_INDEX)
            with self.engine.connect() as conn:
                busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        except SQLAlchemyError as error:
            raise _storage_error("cannot purge the database", error) from error
        if busy:
            raise StorageError("cannot truncate the write-ahead log while others read: retry")

    def close(self) -> None:
        """Close every pooled connection (on SQLite, after refreshing planner statistics)."""
        if self.engine.dialect.name == "sqlite":
            # Statistics are a hint: a writer holding the file meanwhile may keep them.
            with suppress(SQLAlchemyError), self.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
        self.engine.dispose()
