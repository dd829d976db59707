"""The command line's fixtures: a demo studio file, and running the command in a child process."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from commandline import invoke


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "studio.db"
    code, out, _ = invoke(["--db", str(path), "demo", "--clients", "80"])
    assert code == 0, out
    return path


@pytest.fixture
def own_db(db: Path, tmp_path: Path) -> Path:
    """A copy of the demo studio file that a test may change."""
    copy = tmp_path / "own.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy
