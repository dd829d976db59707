"""The tables of the SQL store, in one `MetaData` a host can add to its own migrations.

Every primary key and every index starts with ``workspace_id``, so each workspace's rows sit
together and a deployment can be distributed by workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Connection,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.exc import DBAPIError

from clientcrm.stores.sql.integrity import (
    POSTGRES_BOOKING_CLIENTS,
    POSTGRES_BOOKING_CLIENTS_DROP,
)
from clientcrm.stores.sql.types import Amount, UTCDateTime

__all__ = [
    "BOOKINGS_CLIENT_KEY",
    "POSTGRES_SEARCH_INDEX",
    "SQLITE_SEARCH_INDEX",
    "activities",
    "autogenerate_hooks",
    "bookings",
    "client_emails",
    "client_tags",
    "clients",
    "coaching",
    "create_postgres_search_index",
    "credit_entries",
    "credit_packages",
    "distinctions",
    "import_changes",
    "import_runs",
    "include_name",
    "include_object",
    "match_keys",
    "merges",
    "metadata",
    "milestones",
    "notes",
    "orders",
    "pending_matches",
    "purchases",
    "stage_changes",
    "timeline",
    "workspaces",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(128)

workspaces = Table(
    "crm_workspaces",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("phone_region", String(2)),
    Column("client_limit", Integer),
    Column("policies", Text, nullable=False),
    Column("ordinal", Integer, nullable=False),  # the workspace's number in this database
    Column("client_keys", BigInteger, nullable=False),  # search keys issued so far
)

clients = Table(
    "crm_clients",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("client_id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("email", String(254), nullable=False),
    Column("aliases", Text, nullable=False),
    Column("phone", String(40)),
    Column("phone_aliases", Text, nullable=False, server_default="[]"),
    Column("language", String(35)),
    Column("avatar_url", Text),
    Column("tags", Text, nullable=False),
    Column("source", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("flag_vip", Boolean, nullable=False),
    Column("flag_blocked", Boolean, nullable=False),
    Column("flag_inactive", Boolean, nullable=False),
    Column("custom", Text, nullable=False),
    Column("bookings", Integer, nullable=False),
    Column("spend", Amount, nullable=False),
    Column("first_booking_at", UTCDateTime),
    Column("last_booking_at", UTCDateTime),
    Column("last_attended_at", UTCDateTime),
    Column("last_activity_at", UTCDateTime, nullable=False),
    Column("search_key", BigInteger, nullable=False),
    Column("search_text", Text, nullable=False),
    Column("stage", String(16)),
    Column("stage_at", UTCDateTime),
    Column("journey", Text),  # the materialised journey as JSON (`rows.journey_text`)
    Column("journey_due", UTCDateTime, nullable=False),  # when time next moves the journey
    Column("credits_available", Integer, nullable=False, server_default="0"),
    Column("credits_paused", Integer, nullable=False, server_default="0"),
    Column("credits_purchased", Integer, nullable=False, server_default="0"),
    # What became of the client's bookings: all made, then by outcome (for insights).
    Column("made", Integer, nullable=False, server_default="0"),
    Column("completed", Integer, nullable=False, server_default="0"),
    Column("cancelled", Integer, nullable=False, server_default="0"),
    Column("no_shows", Integer, nullable=False, server_default="0"),
    ForeignKeyConstraint(["workspace_id"], ["crm_workspaces.workspace_id"]),
    Index(None, "workspace_id", "last_activity_at", "client_id"),
    Index(None, "workspace_id", "spend", "client_id"),
    Index(None, "workspace_id", "bookings", "client_id"),
    Index(None, "workspace_id", "name_key", "client_id"),
    Index(None, "workspace_id", "created_at"),
    Index(None, "workspace_id", "search_key", unique=True),
    Index(None, "workspace_id", "journey_due"),
    Index(None, "workspace_id", "stage", "last_activity_at", "client_id"),
    Index(None, "workspace_id", "credits_available", "client_id"),
    Index(None, "workspace_id", "credits_purchased", "client_id"),
)


def _client_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["workspace_id", "client_id"], ["crm_clients.workspace_id", "crm_clients.client_id"]
    )


client_emails = Table(
    "crm_client_emails",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("email", String(254), primary_key=True),
    Column("client_id", ID, nullable=False),
    _client_fk(),
    Index(None, "workspace_id", "client_id"),
)

client_tags = Table(
    "crm_client_tags",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("client_id", ID, primary_key=True),
    Column("tag", String(64), primary_key=True),
    _client_fk(),
    Index(None, "workspace_id", "tag", "client_id"),
)

bookings = Table(
    "crm_bookings",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("booking_id", ID, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("service", Text, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("location", Text),
    Column("staff", Text),
    Column("status", String(16), nullable=False),
    Column("amount_paid", Amount, nullable=False),
    Column("amount_refunded", Amount, nullable=False),
    Column("refunded_in_full", Boolean, nullable=False),
    Column("first_event_at", UTCDateTime, nullable=False),
    Column("details_at", UTCDateTime, nullable=False),
    Column("details_event", ID, nullable=False),
    Column("status_at", UTCDateTime, nullable=False),
    Column("status_event", ID, nullable=False),
    Column("paid_at", UTCDateTime),
    Column("paid_event", ID),
    Column("refund_at", UTCDateTime),
    Column("refund_event", ID),
    Column("series_id", ID),
    # On PostgreSQL the rule is kept once per statement by triggers (`integrity`).
    _client_fk().ddl_if(dialect="sqlite"),
    Index(None, "workspace_id", "client_id", "starts_at", "booking_id"),
)
BOOKINGS_CLIENT_KEY = "fk_crm_bookings_crm_clients"
"""The name of the bookings' foreign key to their client (SQLite only)."""


def _ddl_with(table: Table, when: str, dialect: str, statements: Iterable[str]) -> None:
    """Run ``statements`` on ``dialect`` whenever ``table`` is created or dropped (``when``:
    ``"after_create"`` or ``"before_drop"``), by `MetaData.create_all` and the like."""
    for statement in statements:
        # SQLAlchemy's `execute_if` has no annotations.
        conditional = DDL(statement).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]
        event.listen(table, when, conditional)


_ddl_with(bookings, "after_create", "postgresql", POSTGRES_BOOKING_CLIENTS)
_ddl_with(bookings, "before_drop", "postgresql", POSTGRES_BOOKING_CLIENTS_DROP)
Index(
    "ix_crm_clients_figures",  # covers the insights page's aggregates: a narrow scan
    clients.c.workspace_id,
    clients.c.last_booking_at,
    clients.c.bookings,
    clients.c.made,
    clients.c.completed,
    clients.c.cancelled,
    clients.c.no_shows,
    clients.c.spend,
    clients.c.credits_available,
)
Index(
    "ix_crm_clients_top_completed",  # the top clients: most completed first, then by name
    clients.c.workspace_id,
    clients.c.completed.desc(),
    clients.c.name_key,
    clients.c.client_id,
)
_STILL_BOOKED = bookings.c.status == "booked"
Index(
    "ix_crm_bookings_still_booked",  # the few bookings whose outcome is not known yet
    bookings.c.workspace_id,
    bookings.c.starts_at,
    bookings.c.client_id,
    bookings.c.series_id,
    sqlite_where=_STILL_BOOKED,
    postgresql_where=_STILL_BOOKED,
)

orders = Table(
    "crm_orders",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("order_id", ID, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("description", Text, nullable=False),
    Column("amount", Amount, nullable=False),
    Column("status", String(16), nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("details_at", UTCDateTime, nullable=False),
    Column("details_event", ID, nullable=False),
    Column("status_at", UTCDateTime, nullable=False),
    Column("status_event", ID, nullable=False),
    _client_fk(),
    Index(None, "workspace_id", "client_id", "placed_at", "order_id"),
)

activities = Table(
    "crm_activities",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("activity_id", ID, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("title", Text),
    Column("points", Integer, nullable=False, server_default="0"),
    _client_fk(),
    Index(None, "workspace_id", "client_id", "at", "activity_id"),
)

# External purchases (seed 002): sales on other platforms, keyed by platform and transaction.

purchases = Table(
    "crm_purchases",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("purchase_id", Text, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("platform", Text, nullable=False),
    Column("transaction_id", Text, nullable=False),
    Column("product", Text, nullable=False),
    Column("price", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("purchased_at", UTCDateTime, nullable=False),
    _client_fk(),
    Index("ix_crm_purchases_client", "workspace_id", "client_id", "purchased_at", "purchase_id"),
    Index("ix_crm_purchases_time", "workspace_id", "purchased_at", "purchase_id"),
)

# Recorded imports (for undoing them), and what each created or changed.

coaching = Table(
    "crm_coaching",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("record_key", String(400), primary_key=True),
    Column("client_id", ID),
    Column("owner_id", ID),
    Column("at", UTCDateTime, nullable=False),
    Column("body", Text, nullable=False),
    Index(None, "workspace_id", "kind", "client_id", "at"),
    Index(None, "workspace_id", "kind", "owner_id", "at"),
)

import_runs = Table(
    "crm_import_runs",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("run_id", ID, primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("body", Text, nullable=False),
)

import_changes = Table(
    "crm_import_changes",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("run_id", ID, primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("record_id", Text, nullable=False),
    Column("client_id", ID, nullable=False),
    Column("before", Text),
    Column("after", Text),
    Index(None, "workspace_id", "client_id"),
)

# Credit packages and their ledgers (seed 001): the ledger is written once, never changed.

credit_packages = Table(
    "crm_credit_packages",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("package_id", ID, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("name", Text, nullable=False),
    Column("purchased_at", UTCDateTime, nullable=False),
    Column("credits", Integer, nullable=False),
    Column("balance", Integer, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("paused_at", UTCDateTime),
    Column("expired_at", UTCDateTime),
    Column("entries", Integer, nullable=False),
    _client_fk(),
    Index(None, "workspace_id", "client_id", "purchased_at"),
    # What the daily job reads: active packages by expiry (expired ones are passed over).
    Index(
        "ix_crm_credit_packages_workspace_id_expiry",
        "workspace_id",
        "expired_at",
        "paused_at",
        "expires_at",
        "package_id",
    ),
)

credit_entries = Table(
    "crm_credit_entries",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("package_id", ID, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("credits", Integer, nullable=False),
    Column("balance", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", ID),
    Column("booking_id", ID),
    Column("reason", Text),
    Column("expires_at", UTCDateTime),
    ForeignKeyConstraint(
        ["workspace_id", "package_id"],
        ["crm_credit_packages.workspace_id", "crm_credit_packages.package_id"],
    ),
    Index(None, "workspace_id", "client_id", "at"),
    Index(None, "workspace_id", "booking_id"),
)

# Journeys: derived from the history above, replaced whole when a replay finds them changed;
# no foreign keys, so a client's history can be replaced in any order of statements. SQLite
# keeps their rows in the primary key's b-tree (WITHOUT ROWID): an insert writes one fewer.

stage_changes = Table(
    "crm_stage_changes",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("client_id", ID, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("previous", String(16)),
    Column("stage", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("trigger", Text, nullable=False),
    Index(None, "workspace_id", "at"),
    sqlite_with_rowid=False,
)

milestones = Table(
    "crm_milestones",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("client_id", ID, primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("trigger", Text, nullable=False),
    sqlite_with_rowid=False,
)

notes = Table(
    "crm_notes",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("note_id", ID, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("author_id", ID, nullable=False),
    Column("text", Text, nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("pinned", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    _client_fk(),
    Index(None, "workspace_id", "client_id", "created_at"),
)

# Smart client detection and merging. A row's ``body`` is the record as the converter writes
# it (JSON); the columns beside it are what queries select and order by. No foreign keys to
# clients: a merge outlives the client it merged away.

merges = Table(
    "crm_merges",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("merge_id", ID, primary_key=True),
    Column("survivor_id", ID, nullable=False),
    Column("loser_id", ID, nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
    Column("body", Text, nullable=False),
    Index(None, "workspace_id", "survivor_id"),
    Index(None, "workspace_id", "loser_id"),
)

timeline = Table(
    "crm_timeline",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("entry_id", ID, primary_key=True),
    Column("client_id", ID, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("body", Text, nullable=False),
    Index(None, "workspace_id", "client_id", "at"),
)

match_keys = Table(
    "crm_match_keys",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("match_key", String(255), primary_key=True),
    Column("client_id", ID, primary_key=True),
    Index(None, "workspace_id", "client_id"),
)

pending_matches = Table(
    "crm_pending_matches",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("match_id", ID, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("body", Text, nullable=False),
    Index(None, "workspace_id", "status", "created_at", "match_id"),
)

distinctions = Table(
    "crm_distinctions",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("a_id", ID, primary_key=True),
    Column("b_id", ID, primary_key=True),
    Column("body", Text, nullable=False),
    Index(None, "workspace_id", "b_id"),
)

SQLITE_SEARCH_INDEX = (
    """
    CREATE VIRTUAL TABLE crm_client_search USING fts5(
        search_text, content='crm_clients', content_rowid='search_key',
        tokenize="unicode61 remove_diacritics 0 categories 'L* M* N* P* S* C*'",
        prefix='2 3 4', detail=none, columnsize=0)
    """,
    """
    CREATE TRIGGER crm_clients_search_delete AFTER DELETE ON crm_clients BEGIN
        INSERT INTO crm_client_search (crm_client_search, rowid, search_text)
        VALUES ('delete', old.search_key, old.search_text);
    END
    """,
    """
    CREATE TRIGGER crm_clients_search_update AFTER UPDATE OF search_key, search_text
    ON crm_clients BEGIN
        INSERT INTO crm_client_search (crm_client_search, rowid, search_text)
        VALUES ('delete', old.search_key, old.search_text);
        INSERT INTO crm_client_search (rowid, search_text)
        VALUES (new.search_key, new.search_text);
    END
    """,
)
"""SQLite's search index over ``crm_clients.search_text`` (see `clientcrm.stores.sql.search`).

An FTS5 index whose rowid is the client's ``search_key``: a whitespace-only tokenizer (every
Unicode category but separators makes tokens) so each search term is one token, and prefix
indexes for short words. Triggers keep it in step with updates and deletes of ``crm_clients``
by anyone; new clients are indexed by the store, all of a unit of work's in one statement (a
trigger's per-row statement would make FTS5 write its pending terms out on every row).
"""

_ddl_with(clients, "after_create", "sqlite", SQLITE_SEARCH_INDEX)
_ddl_with(clients, "before_drop", "sqlite", ["DROP TABLE IF EXISTS crm_client_search"])


POSTGRES_SEARCH_INDEX = "ix_crm_clients_workspace_id_search_text"
"""PostgreSQL's search index: trigrams of ``search_text`` (pg_trgm), led by ``workspace_id``
(btree_gin), so ``search_text LIKE '% word%'`` is answered from the index."""


def create_postgres_search_index(connection: Connection) -> bool:
    """Make PostgreSQL's search index where pg_trgm and btree_gin can be had.

    The extensions go to the ``public`` schema, so schemas of clientcrm come and go without
    taking them along. Without them (not installed, or no right to create them) search still
    works, by reading the workspace's rows; returns whether the index exists.
    """
    try:
        with connection.begin_nested():
            for extension in ("pg_trgm", "btree_gin"):
                connection.exec_driver_sql(
                    f"CREATE EXTENSION IF NOT EXISTS {extension} SCHEMA public"
                )
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {POSTGRES_SEARCH_INDEX} ON crm_clients "
                "USING gin (workspace_id, search_text public.gin_trgm_ops)"
            )
    except DBAPIError:
        return False
    return True


def _after_create_clients(target: Table, connection: Connection, **kw: object) -> None:
    del target, kw  # part of SQLAlchemy's signature
    if connection.dialect.name == "postgresql":
        create_postgres_search_index(connection)


event.listen(clients, "after_create", _after_create_clients)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """An Alembic ``include_name`` hook that leaves the search indexes out of autogenerate.

    SQLite's FTS5 index and its shadow tables (`SQLITE_SEARCH_INDEX`) and PostgreSQL's trigram
    index (`create_postgres_search_index`) are not in the `MetaData`; pass this to
    ``context.configure`` so a migration never proposes to drop them.
    """
    del parent_names  # part of Alembic's signature
    if type_ == "table":
        return not (name or "").startswith("crm_client_search")
    return not (type_ == "index" and name == POSTGRES_SEARCH_INDEX)


def include_object(
    item: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """An Alembic ``include_object`` hook that leaves the bookings' foreign key out of
    autogenerate where the database has none: on PostgreSQL triggers keep its rule (see
    `clientcrm.stores.sql.integrity`)."""
    del item  # part of Alembic's signature
    return not (
        type_ == "foreign_key_constraint"
        and name == BOOKINGS_CLIENT_KEY
        and not reflected
        and compare_to is None
    )


def autogenerate_hooks() -> dict[str, Callable[..., bool]]:
    """`include_name` and `include_object`, as keyword arguments of Alembic's
    ``context.configure``."""
    return {"include_name": include_name, "include_object": include_object}
