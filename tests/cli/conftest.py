"""The command line's fixtures: a demo studio file, and running the command in a child process."""

from pathlib import Path

import pytest
from commandline import invoke


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "studio.db"
    code, out, _ = invoke(["--db", str(path), "demo", "--clients", "80"])
    assert code == 0, out
    return path
