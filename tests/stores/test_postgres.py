"""The SQL store on a real PostgreSQL server runs the whole conformance kit."""

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from sqlalchemy import event as sa_event

from clientcrm import (
    CRM,
    Actor,
    Client,
    ClientFigures,
    ClientQuery,
    StatusPill,
    StorageError,
    Workspace,
)
from clientcrm.models.credits import CreditPackage
from clientcrm.models.journey import Journey, Stage
from clientcrm.rules.query import resolve
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.credits import EXPIRING
from clientcrm.stores.sql.queries import list_clients
from clientcrm.stores.sql.search import search_params
from clientcrm.stores.sql.statements import BOOKING_IDS_ANY, DUE_CLIENTS
from clientcrm.stores.sql.tables import POSTGRES_SEARCH_INDEX, autogenerate_hooks, metadata
from clientcrm.testing.conformance import AllContracts, event
from clientcrm.testing.generators import FIRST, LAST
from clientcrm.testing.strategies import names_and_searches

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


class TestPostgresStore(AllContracts):
    @pytest.fixture
    def store(self, postgres_store: SQLStore) -> SQLStore:
        return postgres_store


def test_migrated_schema_matches_the_tables_and_has_the_search_index(
    postgres_store: SQLStore,
) -> None:
    """The migrations build exactly the `MetaData`, in the store's own schema, plus the
    trigram index search uses."""
    with postgres_store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=autogenerate_hooks())
        assert compare_metadata(context, metadata) == []
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        tables = conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %(s)s",
            {"s": schema},
        ).scalars()
        indexes = conn.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %(s)s AND indexname = %(i)s",
            {"s": schema, "i": POSTGRES_SEARCH_INDEX},
        ).scalars()
        assert set(tables) == {*metadata.tables, "alembic_version"}
        assert "gin (workspace_id, search_text gin_trgm_ops)" in next(indexes)
    assert schema.startswith("test_")


def test_a_schema_is_a_postgres_option(tmp_path: Path) -> None:
    """Asking SQLite for a schema is refused, saying why."""
    with pytest.raises(StorageError, match="PostgreSQL option"):
        SQLStore(f"sqlite:///{tmp_path / 'crm.db'}", schema="crm")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=names_and_searches())
def test_search_agrees_with_the_memory_store(
    postgres_store: SQLStore, case: tuple[list[str], list[str]]
) -> None:
    """Any names and searches find the same clients in memory and on PostgreSQL."""
    names, searches = case
    ws = f"search-{uuid.uuid4().hex[:8]}"
    actor = Actor.owner(ws)
    found = []
    for crm in (CRM(MemoryStore()), CRM(postgres_store)):
        crm.save_workspace(Workspace(ws, ws), actor)
        for n, name in enumerate(names):
            crm.add_client(actor, name=name, email=f"p{n}@example.com")
        queries = [ClientQuery(search=text) for text in searches]
        found.append([sorted(c.email for c in crm.iter_clients(q, actor)) for q in queries])
    assert found[0] == found[1]


def _plan(store: SQLStore, query: ClientQuery, workspace: str) -> str:
    """PostgreSQL's plan for the page statement `list_clients` runs for ``query``."""
    studio = Workspace(workspace, "W")
    criteria = resolve(query, now=NOW, tz=studio.tz, policy=studio.policies.status)
    with store.engine.connect() as conn:
        search = search_params(conn, workspace, criteria.words) if criteria.words else {}
        statement, params = list_clients(
            workspace, criteria, dialect="postgresql", few_matches=False
        )
        compiled = statement.compile(dialect=conn.dialect)
        state = compiled.construct_expanded_state(params | search)
        rows = conn.exec_driver_sql(f"EXPLAIN {state.statement}", state.parameters).scalars()
        return "\n".join(rows)


def _client(n: int, rng: random.Random) -> Client:
    seen = NOW - timedelta(days=rng.randrange(700))
    bookings = rng.choice((0, 1, 2, 3, 6, 12))
    return Client(
        f"c{n:06d}",
        "big" if n % 10 else "other",
        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        f"person{n}@example.com",
        seen - timedelta(days=300),
        figures=ClientFigures(
            bookings=bookings,
            spend=Decimal(bookings * 20),
            last_booking_at=seen if bookings else None,
            last_activity_at=seen,
        ),
        journey=Journey(rng.choice(list(Stage)), seen, seen, seen, due=seen + timedelta(days=180)),
    )


def test_list_and_search_read_indexes_not_the_whole_table(postgres_store: SQLStore) -> None:
    """On a large workspace the default list, with or without a pill or a stage, walks an
    index, a search uses the trigram index, and the scheduled job finds the clients due
    through the "next due" index: none scans every client."""
    rng = random.Random(3)
    with postgres_store.unit_of_work() as uow:
        for ws in ("big", "other"):
            uow.workspaces.save(Workspace(ws, ws))
        for start in range(0, 30_000, 5_000):
            uow.clients.add([_client(n, rng) for n in range(start, start + 5_000)])
        uow.commit()
    with postgres_store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    default = _plan(postgres_store, ClientQuery(), "big")
    active = _plan(postgres_store, ClientQuery(statuses={StatusPill.ACTIVE}), "big")
    search = _plan(postgres_store, ClientQuery(search="kate smi"), "big")
    assert "Seq Scan on crm_clients" not in default, default
    assert "ix_crm_clients_workspace_id_last_activity_at_client_id" in default, default
    assert "Seq Scan on crm_clients" not in active, active
    assert "ix_crm_clients_workspace_id_last_activity_at_client_id" in active, active
    assert "Seq Scan on crm_clients" not in search, search
    assert POSTGRES_SEARCH_INDEX in search, search
    staged = _plan(postgres_store, ClientQuery(stages={Stage.CHURNED}), "big")
    assert "Seq Scan on crm_clients" not in staged, staged
    with postgres_store.engine.connect() as conn:
        compiled = DUE_CLIENTS.compile(dialect=conn.dialect)
        values = compiled.construct_params({"ws": "big", "until": NOW, "size": 1000})
        due = "\n".join(conn.exec_driver_sql(f"EXPLAIN {compiled}", values).scalars())
    assert "ix_crm_clients_workspace_id_journey_due" in due, due
    assert "Seq Scan on crm_clients" not in due, due


def _imported(store: SQLStore, count: int) -> tuple[CRM, Actor]:
    """Workspace ``bulk`` on ``store`` after one batch of ``count`` completed bookings, ten
    per client (``b0``, ``b1``, ...)."""
    crm = CRM(store)
    owner = Actor.owner("bulk")
    crm.save_workspace(Workspace("bulk", "Bulk"), owner)
    batch = [
        event("completed", f"b{n}", email=f"p{n // 10}@example.com", at=NOW + timedelta(hours=n))
        for n in range(count)
    ]
    crm.record_many(batch, owner)
    return crm, owner


def test_ingest_asks_which_bookings_exist_through_the_primary_key(
    postgres_store: SQLStore,
) -> None:
    """The ids of a batch, sent as one JSON text, are looked up in the primary key: an index
    probe per id, not a scan of the workspace's bookings."""
    _imported(postgres_store, 3000)
    with postgres_store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        compiled = BOOKING_IDS_ANY.compile(dialect=conn.dialect)
        ids = ["b7", "b2999", "b9999"]
        as_json = {"ws": "bulk", "ids": json.dumps(ids)}
        plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {compiled}", as_json).scalars())
        found = set(conn.execute(BOOKING_IDS_ANY, {"ws": "bulk", "ids": ids}).scalars())
    assert found == {"b7", "b2999"}
    assert "pk_crm_bookings" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_a_bulk_import_refreshes_the_planner_statistics(postgres_store: SQLStore) -> None:
    """After a unit of work that grew a table well past what the planner believed (here:
    from never analysed), the table has been analysed, so later batches plan for its size."""
    _imported(postgres_store, 2000)
    with postgres_store.engine.connect() as conn:
        believed = dict(
            conn.exec_driver_sql(
                "SELECT relname, reltuples FROM pg_class "
                "WHERE oid IN (to_regclass('crm_bookings'), to_regclass('crm_clients'))"
            ).all()
        )
    assert believed == {"crm_bookings": 2000, "crm_clients": 200}


def test_the_catalog_is_asked_only_when_a_table_may_have_doubled(
    postgres_store: SQLStore,
) -> None:
    """Small units of work after a big import do not ask the catalog what the planner
    believes: only once the store alone has added as many rows as the table was believed
    to hold."""
    crm, owner = _imported(postgres_store, 400)
    at = NOW + timedelta(days=30)
    asked: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "pg_class" in statement:
            asked.append(statement)

    sa_event.listen(postgres_store.engine, "before_cursor_execute", capture)
    try:
        for n in range(40):  # 40 bookings and 40 clients: a tenth of what was added
            crm.record(event("completed", f"s{n}", email=f"s{n}@example.com", at=at), owner)
        assert asked == []
        crm.record_many(
            [event("completed", f"c{n}", email=f"c{n}@example.com", at=at) for n in range(400)],
            owner,
        )
    finally:
        sa_event.remove(postgres_store.engine, "before_cursor_execute", capture)
    assert asked  # the tables may have doubled: the catalog is asked


def test_the_daily_job_finds_expiring_packages_through_an_index(
    postgres_store: SQLStore,
) -> None:
    """Years of expired packages do not slow the daily job: it seeks the active ones."""
    with postgres_store.unit_of_work() as uow:
        uow.workspaces.save(Workspace("big", "big"))
        uow.clients.add([Client("c", "big", "Kate", "kate@example.com", NOW)])
        packages = [
            CreditPackage(
                f"p{n:05d}", "big", "c", "Pass", NOW - timedelta(days=400), 10, 0,
                expires_at=NOW - timedelta(days=30 + n % 300),
                expired_at=None if n % 100 == 0 else NOW - timedelta(days=30 + n % 300),
            )
            for n in range(20_000)
        ]  # fmt: skip
        uow.credits.save(packages, [])
        uow.commit()
    with postgres_store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        compiled = EXPIRING.compile(dialect=conn.dialect)
        values = compiled.construct_params({"ws": "big", "until": NOW, "size": 1000})
        plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {compiled}", values).scalars())
    assert "Seq Scan on crm_credit_packages" not in plan, plan
    assert "expired_at IS NULL" in plan, plan
    with postgres_store.unit_of_work() as uow:
        assert len(uow.credits.expiring("big", NOW, 1000)) == 200
