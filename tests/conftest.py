"""Shared fixtures: a CRM over the memory store with a frozen clock; PostgreSQL stores."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from clientcrm import CRM, Actor, Workspace
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing import postgres as postgres_server


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))


@pytest.fixture
def owner() -> Actor:
    return Actor.owner("ws-a")


@pytest.fixture
def crm(clock: FrozenClock, owner: Actor) -> CRM:
    crm = CRM(MemoryStore(), clock=clock)
    crm.save_workspace(
        Workspace("ws-a", "Studio A", timezone="Europe/London", phone_region="GB"), owner
    )
    return crm


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for the session (see `clientcrm.testing.postgres`)."""
    try:
        with postgres_server.postgres_url() as url:
            yield url
    except postgres_server.NoPostgresError as why:
        if os.environ.get(postgres_server.REQUIRE_VARIABLE) == "1":
            pytest.fail(f"PostgreSQL is required here: {why}")
        pytest.skip(f"PostgreSQL tests need a server: {why}")


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[SQLStore]:
    """A fresh SQL store on PostgreSQL, in a schema of its own that is dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    store = SQLStore(postgres_url, schema=schema)
    yield store
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    store.close()
