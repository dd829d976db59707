"""The SQL store on a SQLite file runs the whole conformance kit."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from clientcrm.stores.sql import SQLStore
from clientcrm.testing.conformance import AllContracts


class TestSQLiteStore(AllContracts):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLStore]:
        store = SQLStore(f"sqlite:///{tmp_path / 'crm.db'}")
        yield store
        store.close()
