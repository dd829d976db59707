"""Fixtures of the store tests: the SQL store on each engine it runs on."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from clientcrm.stores.sql import SQLStore


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLStore]:
    """A fresh SQL store: on a SQLite file, then on PostgreSQL (a schema of its own)."""
    if request.param == "sqlite":
        store = SQLStore(f"sqlite:///{tmp_path / 'crm.db'}")
        yield store
        store.close()
    else:
        yield request.getfixturevalue("postgres_store")
