"""The memory store runs the whole conformance kit."""

import pytest

from clientcrm.stores.memory import MemoryStore
from clientcrm.testing.conformance import AllContracts


class TestMemoryStore(AllContracts):
    @pytest.fixture
    def store(self) -> MemoryStore:
        return MemoryStore()
