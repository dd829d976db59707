"""A process killed mid-write leaves the SQLite store consistent, and a rerun completes it."""

import sqlite3
from pathlib import Path

from clientcrm import CRM, Actor, ClientQuery
from clientcrm.stores.sql import SQLStore
from processes import run_killed

WRITER = """
import sys
from datetime import UTC, datetime
from clientcrm import CRM, Actor, Workspace
from clientcrm.stores.sql import SQLStore
from clientcrm.testing.generators import make_studio, studio_events

crm = CRM(SQLStore(f"sqlite:///{sys.argv[1]}"))
owner = Actor.owner("w")
crm.save_workspace(Workspace("w", "W"), owner)
studio = make_studio(3, clients=400, end=datetime(2026, 1, 1, tzinfo=UTC))
print("ready", flush=True)
crm.record_many(studio_events(studio, 3), owner, batch_size=50)
print("done", flush=True)
"""


def run_writer(path: Path, kill_after: float | None) -> bool:
    """Run the writer; kill it with SIGKILL after ``kill_after`` seconds. True if it finished."""
    code, _ = run_killed(WRITER, [str(path)], kill_after)
    return code == 0


def test_killed_writers_leave_a_consistent_store(tmp_path: Path) -> None:
    """After each SIGKILL the file passes integrity_check and its figures need no repair."""
    path = tmp_path / "crash.db"
    for kill_after in (0.3, 0.7, 1.1, 0.5, 0.9):
        run_writer(path, kill_after)
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        store = SQLStore(f"sqlite:///{path}")
        assert CRM(store).rebuild(Actor.owner("w")).repaired == []
        store.close()
    assert run_writer(path, None)
    store = SQLStore(f"sqlite:///{path}")
    crm, owner = CRM(store), Actor.owner("w")
    emails = [c.email for c in crm.iter_clients(ClientQuery(include_inactive=True), owner)]
    assert len(emails) == len(set(emails)) > 300
    store.close()
