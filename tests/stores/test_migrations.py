"""clientcrm's own migrations bring a database of any earlier schema version to the newest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine

from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.migrate import alembic_config, current_revision, head_revision, upgrade
from clientcrm.stores.sql.tables import include_name, metadata

REVISIONS = [r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (on PostgreSQL, an empty schema of its own)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
        yield engine
        engine.dispose()
    else:
        store: SQLStore = request.getfixturevalue("postgres_store")
        with store.engine.begin() as conn:
            for table in ("alembic_version", *reversed(metadata.sorted_tables)):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {getattr(table, 'name', table)}")
        yield store.engine


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
