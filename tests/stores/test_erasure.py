"""Erasure leaves no trace in any store: every table, and for SQLite the raw bytes of the
database file and its write-ahead log, are scanned for the planted canaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from clientcrm import CRM, Actor, Workspace
from clientcrm.ports import Store
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance.privacy import CANARY, plant_canaries

OWNER = Actor.owner("studio")
PHONE_DIGITS = "7700900461"


def _crm(store: Store) -> CRM:
    crm = CRM(store, clock=FrozenClock(datetime(2026, 1, 20, tzinfo=UTC)))
    crm.save_workspace(Workspace("studio", "Studio", phone_region="GB"), OWNER)
    return crm


def _erase_and_scan(store: Store, *scans: Callable[[], str]) -> None:
    """Plant the canaries, see each scan find them, erase, and see each find none."""
    crm = _crm(store)
    client = plant_canaries(crm, OWNER)
    before = crm.totals(OWNER)
    for scan in scans:  # each scan can find them: the test can fail
        assert CANARY in scan().lower()
    crm.erase_client(client.id, OWNER)
    for scan in scans:
        after = scan().lower()
        assert CANARY not in after
        assert PHONE_DIGITS not in after
    assert crm.totals(OWNER) == before


def _rows(store: SQLStore, schema: str | None = None) -> str:
    """Every row of every table (the search index's own tables too), as text."""
    found: list[str] = []
    with store.engine.connect() as conn:
        names = inspect(conn).get_table_names(schema=schema)
        if store.engine.dialect.name == "sqlite":
            listed = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
            names = [name for (name,) in listed]
        for name in names:
            table = f'"{schema}"."{name}"' if schema else f'"{name}"'
            found += map(repr, conn.execute(text(f"SELECT * FROM {table}")))
    return "\n".join(found)


def test_the_memory_store_holds_no_trace() -> None:
    store = MemoryStore()
    _erase_and_scan(store, lambda: repr(vars(store._tables)))


def test_a_sqlite_file_and_its_log_hold_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    store = SQLStore(f"sqlite:///{path}")

    def raw_bytes() -> str:
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists()).decode("latin-1")

    try:
        _erase_and_scan(store, lambda: _rows(store), raw_bytes)
    finally:
        store.close()


@pytest.mark.usefixtures("postgres_url")
def test_every_postgres_table_holds_no_trace(postgres_store: SQLStore) -> None:
    with postgres_store.engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    _erase_and_scan(postgres_store, lambda: _rows(postgres_store, schema))


def test_sqlite_connections_zero_what_they_delete(tmp_path: Path) -> None:
    """Not every SQLite build zeroes deleted content by default: the store asks for it."""
    store = SQLStore(f"sqlite:///{tmp_path / 'crm.db'}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
    finally:
        store.close()
