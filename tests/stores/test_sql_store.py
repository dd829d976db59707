"""What only the SQL store promises: schema, migrations, pragmas, SQL-side listing."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, event, text

from clientcrm import CRM, Actor, Client, ClientQuery, StorageError, Workspace
from clientcrm.models.booking import Booking, BookingStatus, Version
from clientcrm.models.events import ClientEvent
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.migrate import current_revision, head_revision
from clientcrm.stores.sql.rows import FIGURE_COLUMNS, figures_row, journey_text, parse_journey
from clientcrm.stores.sql.tables import autogenerate_hooks, metadata
from clientcrm.stores.sql.types import sqlite_time
from clientcrm.testing.conformance import event as booking_event
from clientcrm.testing.strategies import EPOCH, client_histories


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLStore]:
    store = SQLStore(f"sqlite:///{tmp_path / 'crm.db'}")
    yield store
    store.close()


def _sqlite_schema(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        return {(name, " ".join(sql.split())) for name, sql in found}


def test_schema_version_is_recorded_and_matches_the_tables(store: SQLStore) -> None:
    """Opening migrates to head, and the migrated schema equals the package's MetaData."""
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=autogenerate_hooks())
        diff = compare_metadata(context, metadata)
    assert diff == []
    created = create_engine("sqlite://")
    metadata.create_all(created)
    migrated = {entry for entry in _sqlite_schema(store.engine) if entry[0] != "alembic_version"}
    search_index = {entry for entry in migrated if "crm_client_search" in entry[1]}
    assert len(search_index) >= 4  # the FTS5 table, its shadow tables and three triggers
    assert search_index <= _sqlite_schema(created)


def test_sqlite_runs_in_wal_with_foreign_keys(store: SQLStore) -> None:
    """Every connection has WAL, foreign keys on and a busy timeout."""
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_every_key_and_index_starts_with_the_workspace() -> None:
    """Primary keys and indexes lead with workspace_id, so a workspace's rows sit together."""
    for table in metadata.tables.values():
        assert next(iter(table.primary_key.columns)).name == "workspace_id", table.name
        for index in table.indexes:
            assert next(iter(index.columns)).name == "workspace_id", index.name


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    """Opening a text file raises StorageError, not a driver exception."""
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not a database\n" * 100)
    with pytest.raises(StorageError):
        SQLStore(f"sqlite:///{bogus}")


def test_driver_errors_become_storage_errors_and_roll_back(store: SQLStore) -> None:
    """A constraint the database enforces surfaces as StorageError; nothing is kept."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    orphan = Booking(
        id="b1",
        workspace_id="w",
        client_id="nobody",
        service="Yin",
        starts_at=at,
        status=BookingStatus.BOOKED,
        first_event_at=at,
        details_version=Version(at, "e"),
        status_version=Version(at, "e"),
    )

    def write_orphan() -> None:
        with store.unit_of_work() as uow:
            uow.workspaces.save(Workspace("w", "W"))
            uow.bookings.save_many([orphan])
            uow.commit()

    with pytest.raises(StorageError):
        write_orphan()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM crm_workspaces")).scalar() == 0


def test_listing_is_one_parameterised_statement(store: SQLStore) -> None:
    """A filtered, searched page is one SELECT with LIMIT; no value is inlined in the SQL."""
    crm = CRM(store)
    owner = Actor.owner("ws-a")
    crm.save_workspace(Workspace("ws-a", "A"), owner)
    for n in range(30):
        crm.record(
            booking_event("completed", f"b{n}", email=f"person{n}@secret-domain.test"), owner
        )
    seen: list[str] = []

    def listener(conn: object, cursor: object, statement: str, *rest: object) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        page = crm.list_clients(
            ClientQuery(search="person1", tags_any={"vip-tag"}, bookings_min=1, limit=5), owner
        )
        page = crm.list_clients(ClientQuery(search="secret-domain", limit=5), owner)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    client_selects = [s for s in seen if "FROM crm_clients" in s and "crm_workspaces" not in s]
    assert len(client_selects) == 2
    assert all("LIMIT" in s for s in client_selects)
    assert not any("person1" in s or "secret-domain" in s or "vip-tag" in s for s in seen)
    assert len(page.clients) == 5


def test_figure_columns_match_what_the_figures_row_writes() -> None:
    """The figures update statement binds exactly the columns the row builder fills."""
    client = Client("c", "w", "A", "a@example.com", datetime(2026, 1, 1, tzinfo=UTC))
    assert tuple(figures_row(client)) == FIGURE_COLUMNS


def test_the_search_index_follows_adds_edits_and_deletes(store: SQLStore) -> None:
    """SQLite's search index agrees with the client rows however they change, including
    rows another writer deletes; searches see new names and not old ones."""
    crm = CRM(store)
    owner = Actor.owner("ws-a")
    crm.save_workspace(Workspace("ws-a", "A"), owner)
    kate = crm.add_client(owner, name="Kate Smith", email="kate@example.com")
    crm.add_client(owner, name="Kit Smithers", email="kit@example.com")
    crm.edit_client(kate.id, owner, name="Kate Jones", email="kj@example.com")

    def found(text: str) -> list[str]:
        return [c.email for c in crm.iter_clients(ClientQuery(search=text), owner)]

    assert found("smith") == ["kit@example.com"]
    assert found("jon") == found("kj@") == ["kj@example.com"]
    assert found("kate@") == []
    with store.engine.begin() as conn:
        for table in ("crm_client_emails", "crm_clients"):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE email = 'kit@example.com'")
        conn.exec_driver_sql(
            "INSERT INTO crm_client_search (crm_client_search, rank) VALUES ('integrity-check', 1)"
        )
    assert found("smith") == []


@settings(max_examples=40, deadline=None)
@given(history=client_histories(), days=st.integers(0, 900))
def test_a_journeys_text_holds_the_whole_journey(history: list[ClientEvent], days: int) -> None:
    """Stored journeys are read back from their text (and a recently written one from
    memory, keyed by that text): the text must determine the journey."""
    crm, owner = CRM(MemoryStore()), Actor.owner("w")
    crm.save_workspace(Workspace("w", "W", timezone="Europe/Berlin"), owner)
    crm.record_many(history, owner)
    crm.run_scheduled(EPOCH + timedelta(days=days), owner)
    journeys = [c.journey for c in crm.list_clients(ClientQuery(limit=100), owner).clients]
    assert journeys
    for journey in journeys:
        assert journey is not None
        assert parse_journey(journey_text(journey)) == journey


def test_a_journey_written_by_an_earlier_version_reads_the_same() -> None:
    """Journeys written before their moments were stored as UTC text held ISO times with an
    offset; they read back to the same moments."""
    earlier = (
        '["retention","2024-01-01T10:14:00+01:00","2024-01-01T19:43:00+00:00",'
        '"2024-01-01T19:43:00+00:00",3,20,20,"0",20,0,"2024-01-01T08:00:00+00:00",'
        '"2024-01-01T19:43:00+00:00",[["2024-01",20]],["first_booking","purchases_10"],null,'
        '"2024-06-29T19:43:00+00:00",[200,0,[["2024-01",200]],"bronze",[]]]'
    )
    journey = parse_journey(earlier)
    assert journey.stage_at == datetime(2024, 1, 1, 9, 14, tzinfo=UTC)
    assert journey.due == datetime(2024, 6, 29, 19, 43, tzinfo=UTC)
    assert parse_journey(journey_text(journey)) == journey
    assert "+" not in journey_text(journey)  # written now as UTC text


@given(st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=st.timezones()))
def test_sqlite_time_is_the_utc_moment_to_the_microsecond(moment: datetime) -> None:
    """Fixed-width UTC text, so text order is time order and the moment reads back exactly.

    (Compared in UTC: Python never finds a wall time in a DST gap or fold equal to another
    zone's, even the same instant.)"""
    text = sqlite_time(moment)
    instant = moment.astimezone(UTC)
    assert len(text) == 26
    assert text == instant.isoformat(" ", "microseconds")[:26]
    assert datetime.fromisoformat(text + "+00:00") == instant
