"""clientcrm's own migrations bring a database of any earlier schema version to the newest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from clientcrm import CRM, Actor, Workspace
from clientcrm.models.journey import Stage
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.migrate import alembic_config, current_revision, head_revision, upgrade
from clientcrm.stores.sql.tables import autogenerate_hooks, metadata
from clientcrm.testing.conformance import event

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
        context = MigrationContext.configure(conn, opts=autogenerate_hooks())
        assert compare_metadata(context, metadata) == []


@pytest.mark.parametrize("revision", ["0003", "0004"])
def test_clients_from_before_journeys_or_loyalty_get_theirs_from_the_next_scheduled_run(
    sql_store: SQLStore, revision: str
) -> None:
    """Upgrading a database with clients and bookings from before journeys (0003) or before
    loyalty (0004): the clients are due at once, and the scheduled job derives their
    journeys from their history."""
    crm = CRM(sql_store)
    owner = Actor.owner("old")
    crm.save_workspace(Workspace("old", "Old studio"), owner)
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for kind in ("booked", "completed"):
        crm.record(event(kind, "b1", at=at), owner)
    kate = crm.find_client("kate@example.com", owner)
    expected = crm.journey(kate.id, owner)
    _downgrade(sql_store.engine, revision)
    upgrade(sql_store.engine)
    assert crm.get_client(kate.id, owner).journey is None
    report = crm.run_scheduled(at + timedelta(days=1), owner)
    assert report.examined == 1
    again = crm.journey(kate.id, owner)
    assert (again.changes, again.milestones) == (expected.changes, expected.milestones)
    assert again.journey is not None
    assert expected.journey is not None
    assert again.journey.stage is Stage.ACTIVATION
    assert again.journey.points == expected.journey.points == 10  # the visit's points


def test_stage_changes_and_milestones_survive_the_move_to_tables_without_rowid(
    sql_store: SQLStore,
) -> None:
    """Going back below 0013 and up again keeps every stage change and milestone; on SQLite
    their tables end up WITHOUT ROWID, with their index on the moment."""
    crm = CRM(sql_store)
    owner = Actor.owner("w")
    crm.save_workspace(Workspace("w", "Studio"), owner)
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for n in range(3):
        for kind in ("booked", "completed"):
            crm.record(event(kind, f"b{n}", at=at + timedelta(days=n)), owner)
    kate = crm.find_client("kate@example.com", owner)
    expected = crm.journey(kate.id, owner)
    assert len(expected.changes) == 3  # Discovery, Activation, Retention
    _downgrade(sql_store.engine, "0012")
    assert _without_rowid(sql_store.engine) == set()
    upgrade(sql_store.engine)
    again = crm.journey(kate.id, owner)
    assert (again.changes, again.milestones) == (expected.changes, expected.milestones)
    if sql_store.engine.dialect.name == "sqlite":
        assert _without_rowid(sql_store.engine) == {"crm_stage_changes", "crm_milestones"}
        with sql_store.engine.connect() as conn:
            indexes = conn.exec_driver_sql("PRAGMA index_list(crm_stage_changes)").all()
        assert "ix_crm_stage_changes_workspace_id_at" in {row[1] for row in indexes}


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _without_rowid(engine: Engine) -> set[str]:
    """Which of the journey tables keep their rows in their primary key (SQLite only)."""
    if engine.dialect.name != "sqlite":
        return set()
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master"
            " WHERE name IN ('crm_stage_changes', 'crm_milestones')"
        )
        return {name for name, sql in found if "WITHOUT ROWID" in sql.upper()}
