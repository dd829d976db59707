"""The example document store (``examples/document_store.py``), written only against the
ports, passes the whole conformance kit, as a third party's store would."""

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from clientcrm.testing.conformance import AllContracts

EXAMPLE = Path(__file__).parents[1] / "examples" / "document_store.py"


def _load_example() -> Any:
    spec = importlib.util.spec_from_file_location("document_store", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


document_store = _load_example()


class TestDocumentStore(AllContracts):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Any:
        return document_store.DocumentStore(tmp_path / "documents.db")
