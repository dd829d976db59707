"""An import killed at a random moment leaves the store consistent, and rerunning it
completes it without duplicates: real processes, killed with SIGKILL, many times."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path

from clientcrm import CRM, Actor, ClientQuery, Workspace
from clientcrm.models.importing import RunState
from clientcrm.stores.sql import SQLStore
from processes import run_killed

OWNER = Actor.owner("w")
ROWS = 3000
IMPORTER = """
import sys
from clientcrm import CRM, Actor
from clientcrm.io import read_clients
from clientcrm.stores.sql import SQLStore

crm = CRM(SQLStore(f"sqlite:///{sys.argv[1]}"))
with read_clients(sys.argv[2]) as rows:
    print("ready", flush=True)
    report = crm.import_clients(rows.rows(), Actor.owner("w"), batch_size=100)
print(report.created, report.skipped, report.failed, flush=True)
"""


def _file(path: Path) -> tuple[Path, int, int]:
    """A client list with notes, repeats of earlier emails (any case) and broken rows; and
    how many clients and how many broken rows it holds."""
    lines = ["First Name,Last Name,Email,Notes"]
    emails: set[str] = set()
    broken = 0
    for n in range(ROWS):
        if n % 50 == 49:
            lines.append(f"Repeat,Person,PERSON{n - 10}@EXAMPLE.COM,")
            emails.add(f"person{n - 10}@example.com")
        elif n % 97 == 0:
            lines.append(f"Broken,Row{n},not-an-email,")
            broken += 1
        else:
            lines.append(f"Person,Number {n},person{n}@example.com,note {n}")
            emails.add(f"person{n}@example.com")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(emails), broken


def _import(db: Path, source: Path, kill_after: float | None) -> list[str]:
    """Run the importer; kill it after ``kill_after`` seconds. Its last line if it ends."""
    _, out = run_killed(IMPORTER, [str(db), str(source)], kill_after)
    return out.split()


def _check_consistent(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        noted = raw.execute(
            "SELECT c.name, c.email, group_concat(n.text) FROM crm_clients c "
            "LEFT JOIN crm_notes n USING (workspace_id, client_id) GROUP BY c.client_id"
        ).fetchall()
    for name, email, notes in noted:  # a client and its note are written together, or neither
        number = email.removeprefix("person").removesuffix("@example.com")
        assert notes == (None if name == "Repeat Person" else f"note {number}")
    store = SQLStore(f"sqlite:///{db}")
    try:
        assert CRM(store).rebuild(OWNER).repaired == []
    finally:
        store.close()


def test_killed_imports_leave_a_consistent_store_and_a_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    source, clients, broken = _file(tmp_path / "clients.csv")
    setup = SQLStore(f"sqlite:///{db}")
    CRM(setup).save_workspace(Workspace("w", "W"), OWNER)
    setup.close()
    pick = random.Random(7)
    for _ in range(6):
        _import(db, source, pick.uniform(0.2, 1.2))
        _check_consistent(db)
    created, skipped, failed = map(int, _import(db, source, None))
    store = SQLStore(f"sqlite:///{db}")
    try:
        crm = CRM(store)
        emails = Counter(
            c.email for c in crm.iter_clients(ClientQuery(include_inactive=True), OWNER)
        )
        assert sum(emails.values()) == len(emails) == clients
        assert failed == broken
        assert created + skipped + failed == ROWS
        runs = crm.import_runs(OWNER)
        assert runs[0].state is RunState.DONE
        killed = [r for r in runs[1:] if r.state is RunState.RUNNING]
        assert killed  # kills landed mid-import (the others before it began or after it ended)
    finally:
        store.close()
    _check_consistent(db)
