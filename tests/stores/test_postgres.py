"""The SQL store on a real PostgreSQL server runs the whole conformance kit."""

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings

from clientcrm import CRM, Actor, ClientQuery, StorageError, Workspace
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.tables import POSTGRES_SEARCH_INDEX, include_name, metadata
from clientcrm.testing.conformance import AllContracts
from clientcrm.testing.strategies import names_and_searches


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
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
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
