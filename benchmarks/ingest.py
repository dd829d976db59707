"""Ingest benchmark: booking events into the memory store and a SQLite file.

Measures, in one run:
- the ceiling: raw ``sqlite3`` ``executemany`` of the same booking rows (same table, same
  primary key and index) into a fresh file, each batch's rows prepared before its clock starts
  (as each batch's events are for ours);
- ``CRM.record_many`` (batched) into the SQL store on a SQLite file, batch and batch about
  with the ceiling: the foundation's pipeline (the client lookup by email, client creation,
  booking folding, derived figures and client rows: a workspace whose unknown emails are new
  clients, ``MatchMode.EMAIL_ONLY``, and journeys switched off, as `journeys.py` measures
  them) and the whole pipeline of a default workspace (smart client detection, journeys and
  milestones); and into the memory store;
- one unit of work per event (``CRM.record``): p50 and p95 latency over a sample, measured
  first, on a file of its own.

Run: ``python benchmarks/ingest.py [--events 1000000] [--single 20000]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from _events import events
from _pipeline import foundation
from _timing import each_ms, p50_p95

from clientcrm import CRM, Actor, BookingEvent, Workspace
from clientcrm.policies import MatchMode, MatchPolicy, Policies
from clientcrm.rules.bookings import apply_event
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.rows import booking_row

BATCH = 5000
BOOKINGS_DDL = """
CREATE TABLE crm_bookings (
  workspace_id VARCHAR(64) NOT NULL, booking_id VARCHAR(128) NOT NULL,
  client_id VARCHAR(128) NOT NULL, service TEXT NOT NULL, starts_at VARCHAR(26) NOT NULL,
  location TEXT, staff TEXT, status VARCHAR(16) NOT NULL, amount_paid BIGINT NOT NULL,
  amount_refunded BIGINT NOT NULL, refunded_in_full BOOLEAN NOT NULL,
  first_event_at VARCHAR(26) NOT NULL, details_at VARCHAR(26) NOT NULL,
  details_event VARCHAR(128) NOT NULL, status_at VARCHAR(26) NOT NULL,
  status_event VARCHAR(128) NOT NULL, paid_at VARCHAR(26), paid_event VARCHAR(128),
  refund_at VARCHAR(26), refund_event VARCHAR(128), series_id VARCHAR(128),
  PRIMARY KEY (workspace_id, booking_id));
CREATE INDEX ix_bookings_client ON crm_bookings (workspace_id, client_id, starts_at, booking_id);
"""


def _db_value(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")  # type: ignore[union-attr]
    if hasattr(value, "scaleb"):
        return int(value.scaleb(4))  # type: ignore[union-attr]
    return value


def booking_rows(batch: list[BookingEvent], start: int) -> list[tuple[object, ...]]:
    """The booking rows the events make, as raw ``sqlite3`` takes them."""
    rows = []
    for n, event in enumerate(batch, start):
        row = booking_row(apply_event(None, event, "w", f"client-{n // 20}"))
        rows.append(tuple(_db_value(v) for v in row.values()))
    return rows


def raw_inserter(path: Path) -> Callable[[list[tuple[object, ...]]], None]:
    """A function that inserts rows into a fresh file, one transaction per call."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(BOOKINGS_DDL)

    def insert(rows: list[tuple[object, ...]]) -> None:
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO crm_bookings VALUES ({','.join('?' * len(rows[0]))})", rows)
        conn.execute("COMMIT")

    return insert


def batched_against_ceiling(folder: Path, count: int) -> tuple[float, float, float]:
    """Events per second of SQLite ``record_many``, with journeys and without (the
    foundation's pipeline), and rows per second of the raw ceiling.

    Batch and batch about, so a slower spell of a shared machine weighs on all alike, and
    which goes first goes round. Each batch's events and rows are made before the clocks start
    and dropped after, as a host streaming an import holds one batch at a time.
    """
    ceiling = raw_inserter(folder / "raw.db")
    actor = Actor.owner("w")
    ours, base = (CRM(SQLStore(f"sqlite:///{folder / name}")) for name in ("crm.db", "base.db"))
    ours.save_workspace(Workspace("w", "Bench"), actor)
    email_only = Policies(matching=MatchPolicy(mode=MatchMode.EMAIL_ONLY))
    base.save_workspace(Workspace("w", "Bench", policies=email_only), actor)

    def run_base(batch: list[BookingEvent]) -> None:
        with foundation():
            base.record_many(batch, actor, batch_size=BATCH)

    seconds = [0.0, 0.0, 0.0]
    for number, start in enumerate(range(0, count, BATCH)):
        batch = list(events(min(BATCH, count - start), start))
        rows = booking_rows(batch, start)
        runs = [
            partial(ceiling, rows),
            partial(ours.record_many, batch, actor, batch_size=BATCH),
            partial(run_base, batch),
        ]
        for n in _rotated(range(3), number):
            began = time.perf_counter()
            runs[n]()
            seconds[n] += time.perf_counter() - began
    raw_rate, ours_rate, base_rate = (count / s for s in seconds)
    return ours_rate, base_rate, raw_rate


def _rotated(order: range, by: int) -> list[int]:
    """``order`` turned ``by`` places: which runs first goes round, batch by batch (the first
    run after a batch is made is the slower one)."""
    turn = by % len(order)
    return [*order[turn:], *order[:turn]]


def batched(crm: CRM, count: int) -> float:
    """Events per second of ``record_many`` in batches of 5,000 (made outside the clock)."""
    actor = Actor.owner("w")
    crm.save_workspace(Workspace("w", "Bench"), actor)
    elapsed = 0.0
    for start in range(0, count, BATCH):
        batch = list(events(min(BATCH, count - start), start))
        began = time.perf_counter()
        crm.record_many(batch, actor, batch_size=BATCH)
        elapsed += time.perf_counter() - began
    return count / elapsed


def single(crm: CRM, count: int) -> tuple[float, float]:
    """p50 and p95 milliseconds of one ``record`` (one unit of work) per event."""
    actor = Actor.owner("single")
    crm.save_workspace(Workspace("single", "Bench"), actor)
    prepared = list(events(count))
    return p50_p95(each_ms(lambda e=e: crm.record(e, actor) for e in prepared))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # First, while the machine is quiet: the batches' gigabytes still being written back to
        # disk would otherwise land on the single events' commits.
        p50, p95 = single(CRM(SQLStore(f"sqlite:///{folder / 'single.db'}")), args.single)
        ours, base, ceiling = batched_against_ceiling(folder, args.events)
        print(f"ceiling: raw sqlite3 executemany       {ceiling:10,.0f} rows/s")
        print(
            f"SQLite record_many, foundation         {base:10,.0f} events/s  "
            f"= {base / ceiling:.0%} of the ceiling (target 40%)"
        )
        print(
            f"SQLite record_many, smart + journeys   {ours:10,.0f} events/s  "
            f"= {ours / ceiling:.0%} of the ceiling"
        )
        memory = batched(CRM(MemoryStore()), args.events)
        print(f"memory record_many (batches of 5,000)  {memory:10,.0f} events/s")
        print(
            f"SQLite record, one unit of work each   p50 {p50:.3f} ms  p95 {p95:.3f} ms "
            f"(target p50 <= 1 ms; {args.single:,} events)"
        )


if __name__ == "__main__":
    main()
