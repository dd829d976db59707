"""clientcrm's own migrations bring a database of any earlier schema version to the newest."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.migrate import alembic_config, current_revision, head_revision, upgrade
from clientcrm.stores.sql.tables import include_name, metadata

REVISIONS = [r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()]


@pytest.fixture
def empty_engine(sql_store: SQLStore) -> Engine:
    """The engine of a SQL store emptied of clientcrm's tables."""
    with sql_store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TABLE crm_client_search")
        for table in ("alembic_version", *(t.name for t in reversed(metadata.sorted_tables))):
            conn.exec_driver_sql(f"DROP TABLE {table}")
    return sql_store.engine


@pytest.mark.parametrize("revision", REVISIONS)
def test_every_version_upgrades_to_the_newest(empty_engine: Engine, revision: str) -> None:
    """A database left at any earlier version is brought to the newest schema."""
    upgrade(empty_engine, revision)
    assert current_revision(empty_engine) == revision
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(context, metadata) == []
