"""The example document store (``examples/document_store.py``), written only against the
ports, passes the whole conformance kit, as a third party's store would."""

from pathlib import Path
from typing import Any

import pytest

from clientcrm.testing.conformance import AllContracts
from example_files import load_example

document_store = load_example("document_store.py", "document_store")


class TestDocumentStore(AllContracts):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Any:
        return document_store.DocumentStore(tmp_path / "documents.db")
