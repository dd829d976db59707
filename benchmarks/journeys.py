"""Journey benchmark: the daily job over a large workspace, and what journeys cost ingest.

Measures, in one run:
- ``CRM.run_scheduled`` on a SQLite file of ``--clients`` clients of which 1% are due (their
  churn window passed yesterday): wall time and clients examined, against the ceiling of the
  same work in raw ``sqlite3`` on a copy of the file (read the due rows from the "next due"
  index, update each client's stage and journey, insert their stage changes);
- ``CRM.record_many`` into SQLite with journeys evaluated, batch and batch about with the same
  pipeline whose journey evaluation is switched off (the foundation's ingest): the cost
  journeys and milestones add. Each of ``--rounds`` rounds ingests ``--events`` into fresh
  files; the figure is the rounds' median, printed with every round's.

It names the build it measures: pure Python, or the journey fold compiled with mypyc.

Run: ``python benchmarks/journeys.py [--clients 1000000] [--events 300000] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _events import events
from _pipeline import foundation

from clientcrm import CRM, Actor, Client, Workspace, compiled
from clientcrm.models.journey import Journey, Stage
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.types import sqlite_time

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CHUNK = 10_000


def _client(n: int, due_share: int) -> Client:
    """A retained client; every ``due_share``-th one's churn window passed yesterday."""
    due = n % due_share == 0
    last = NOW - timedelta(days=181 if due else 30 + n % 120)
    journey = Journey(
        Stage.RETENTION,
        last - timedelta(days=60),
        last,
        last,
        changes=4,
        interactions=8,
        purchases=6,
        attended=6,
        first_purchase_at=NOW - timedelta(days=300),
        last_purchase_at=last,
        due=last + timedelta(days=180),
    )
    return Client(f"c{n:07d}", "w", f"Client {n}", f"client{n}@example.com", last, journey=journey)


def build(path: Path, clients: int) -> None:
    """A workspace of ``clients`` clients with journeys, 1% of them due."""
    store = SQLStore(f"sqlite:///{path}")
    CRM(store).save_workspace(Workspace("w", "Bench"), Actor.owner("w"))
    for start in range(0, clients, CHUNK):
        with store.unit_of_work() as uow:
            uow.clients.add([_client(n, 100) for n in range(start, min(clients, start + CHUNK))])
            uow.commit()
    store.close()


def ours(path: Path) -> tuple[float, int]:
    """Seconds of ``run_scheduled`` and clients it examined."""
    store = SQLStore(f"sqlite:///{path}")
    crm = CRM(store, clock=lambda: NOW)
    began = time.perf_counter()
    report = crm.run_scheduled(NOW, Actor.owner("w"))
    elapsed = time.perf_counter() - began
    store.close()
    return elapsed, report.examined


def ceiling(path: Path) -> tuple[float, int]:
    """Seconds of the same work hand-written in raw ``sqlite3``."""
    conn = sqlite3.connect(path, isolation_level=None)
    began = time.perf_counter()
    conn.execute("BEGIN")
    rows = conn.execute(
        "SELECT client_id, last_activity_at FROM crm_clients "
        "WHERE workspace_id = ? AND journey_due <= ? ORDER BY journey_due, client_id",
        ("w", sqlite_time(NOW)),
    ).fetchall()
    churned = []
    for client_id, last in rows:
        at = datetime.fromisoformat(last + "+00:00") + timedelta(days=180)
        churned.append((client_id, sqlite_time(at)))
    conn.executemany(
        "UPDATE crm_clients SET stage = 'churned', stage_at = ?, journey = '[]', "
        "journey_due = '9999-12-31 00:00:00.000000' WHERE workspace_id = 'w' AND client_id = ?",
        [(at, client_id) for client_id, at in churned],
    )
    conn.executemany(
        "INSERT INTO crm_stage_changes VALUES ('w', ?, 4, 'retention', 'churned', ?, 'inactive')",
        churned,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed, len(rows)


def ingest_cost(folder: Path, count: int) -> tuple[float, float]:
    """Events per second with journeys and without, batch and batch about.

    Which goes first alternates: the first run after a batch's events are made is the
    slower one (with both sides the same pipeline, the first took 6-10% longer at 100k events)."""
    crms = {}
    for name in ("with", "without"):
        crm = CRM(SQLStore(f"sqlite:///{folder / name}.db"))
        crm.save_workspace(Workspace("w", "Bench"), Actor.owner("w"))
        crms[name] = crm
    elapsed = {"with": 0.0, "without": 0.0}
    actor = Actor.owner("w")
    for number, start in enumerate(range(0, count, 5000)):
        batch = list(events(min(5000, count - start), start))
        for name in ("with", "without") if number % 2 == 0 else ("without", "with"):
            pipeline = foundation() if name == "without" else contextlib.nullcontext()
            with pipeline:
                began = time.perf_counter()
                crms[name].record_many(batch, actor, batch_size=5000)
                elapsed[name] += time.perf_counter() - began
    for crm in crms.values():
        crm.store.close()
    return count / elapsed["with"], count / elapsed["without"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"build: {compiled.build()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        built = folder / "built.db"
        build(built, args.clients)
        for name in ("ours.db", "raw.db"):
            shutil.copy(built, folder / name)
        raw_s, raw_n = ceiling(folder / "raw.db")
        ours_s, ours_n = ours(folder / "ours.db")
        print(f"ceiling: raw sqlite3, {raw_n:,} due of {args.clients:,}   {raw_s * 1000:8.1f} ms")
        print(
            f"run_scheduled, {ours_n:,} examined of {args.clients:,}  {ours_s * 1000:8.1f} ms"
            f"  = {ours_s / raw_s:.1f}x the ceiling"
        )
        slower = []
        for number in range(1, args.rounds + 1):
            files = folder / f"round{number}"
            files.mkdir()
            with_journeys, without = ingest_cost(files, args.events)
            shutil.rmtree(files)
            slower.append(1 - with_journeys / without)
            print(
                f"round {number}: foundation ingest (journeys off) {without:8,.0f} events/s,"
                f" with journeys {with_journeys:8,.0f} events/s = {slower[-1]:.1%} slower"
            )
        print(
            f"ingest with journeys: {statistics.median(slower):.1%} slower, the median of"
            f" {args.rounds} rounds ({min(slower):.1%} to {max(slower):.1%}; target at most 25%)"
        )


if __name__ == "__main__":
    main()
