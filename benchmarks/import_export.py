"""Import and export benchmark: client lists in and out of a SQLite file, as CSV.

Measures, in one run, each in a child process of its own (so that its peak RSS is its own):
- ours: ``read_clients`` (encoding, delimiter and header detection, mapping) and
  ``CRM.import_clients`` (validation, normalisation, duplicate checks, client rows, journeys,
  the recorded run) into the SQL store: rows per second and peak RSS;
- the import ceiling: ``csv.reader`` feeding raw ``sqlite3`` ``executemany`` of the same rows
  (the very rows our import wrote, in every table it wrote, read batch by batch from its file
  off the clock) into a fresh file of clientcrm's schema, a transaction per 5,000 rows;
- for reference, the bare pipeline into a five-column table (name, email, phone) keyed
  like clientcrm's: what the file alone costs;
- ours: ``write_clients`` over ``CRM.client_summaries`` (the list query, by name, streamed);
- the export ceiling: a raw ``sqlite3`` select of the same columns from the same file, in the
  same order, feeding ``csv.writer``. Exports take seconds, so ours and the ceiling run in
  turn ``--export-rounds`` times and the fastest of each is reported: a slow spell of a
  shared machine then weighs on neither.

Run: ``python benchmarks/import_export.py [--clients 1000000]``.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from multiprocessing.queues import Queue
from pathlib import Path

from clientcrm import CRM, Actor, ClientQuery, Workspace
from clientcrm.io import read_clients, write_clients
from clientcrm.stores.sql import SQLStore

WS = "bench"
BATCH = 5000
Timed = tuple[int, float]
"""Rows, and the seconds their work took."""
Outcome = tuple[int, float, float]
"""Rows, seconds and peak RSS in MB."""
WRITTEN = {
    "crm_clients": "SELECT * FROM crm_clients ORDER BY rowid",
    "crm_client_search (rowid, search_text)": (
        "SELECT search_key, search_text FROM crm_clients ORDER BY rowid"
    ),
    "crm_client_emails": "SELECT * FROM crm_client_emails ORDER BY rowid",
    "crm_stage_changes": "SELECT * FROM crm_stage_changes ORDER BY workspace_id, client_id, seq",
    "crm_import_changes": "SELECT * FROM crm_import_changes ORDER BY rowid",
}
"""What an import of new clients writes, row by row, table by table (the search index's rows
are the clients' keys and texts)."""
EXPORTED = (
    "SELECT name, email, phone, bookings, spend, first_booking_at, last_booking_at, stage, "
    "tags FROM crm_clients WHERE workspace_id = ? ORDER BY name_key, client_id"
)
"""The export's columns, as stored, in the export's order."""


def make_file(path: Path, clients: int) -> None:
    """A Mailchimp-like export: first and last names, email, phone."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "Email Address", "Phone Number"])
        for n in range(clients):
            writer.writerow(
                [f"Client{n}", "Smith", f"client{n}@example.com", f"+1415555{n:07d}"[:12]]
            )


def _workspace(db: Path) -> None:
    """A fresh file of clientcrm's schema, with the workspace."""
    store = SQLStore(f"sqlite:///{db}")
    CRM(store).save_workspace(Workspace(WS, "Bench", phone_region="US"), Actor.owner(WS))
    store.close()


def _raw(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def ceiling_import(file: Path, written: Path, db: Path) -> Timed:
    """``csv.reader`` feeding raw ``executemany`` of the rows our import wrote to
    ``written``, a batch at a time (each batch's rows read before its clock starts)."""
    _workspace(db)
    conn, source = _raw(db), sqlite3.connect(written)
    cursors = {table: source.execute(query) for table, query in WRITTEN.items()}
    inserts = {
        table: f"INSERT INTO {table} VALUES ({', '.join('?' * len(cursor.description))})"
        for table, cursor in cursors.items()
    }
    count, elapsed = 0, 0.0
    with file.open(newline="", encoding="utf-8") as text:
        reader = csv.reader(text)
        next(reader)
        while True:
            batch = {table: cursor.fetchmany(BATCH) for table, cursor in cursors.items()}
            began = time.perf_counter()
            lines = list(islice(reader, BATCH))
            if not lines:
                break
            conn.execute("BEGIN")
            for table, rows in batch.items():
                conn.executemany(inserts[table], rows)
            conn.execute("COMMIT")
            elapsed += time.perf_counter() - began
            count += len(lines)
    return count, elapsed


def bare_import(file: Path, db: Path) -> Timed:
    """``csv.reader`` feeding raw ``executemany`` into a five-column table: the file alone."""
    began = time.perf_counter()
    conn = _raw(db)
    conn.execute(
        "CREATE TABLE clients (workspace_id TEXT, client_id TEXT, name TEXT, email TEXT, "
        "phone TEXT, PRIMARY KEY (workspace_id, client_id))"
    )
    conn.execute("CREATE UNIQUE INDEX clients_email ON clients (workspace_id, email)")
    with file.open(newline="", encoding="utf-8") as source:
        reader = csv.reader(source)
        next(reader)
        conn.execute("BEGIN")
        rows = (
            (WS, f"c{n}", f"{first} {last}", email.lower(), phone)
            for n, (first, last, email, phone) in enumerate(reader)
        )
        conn.executemany("INSERT INTO clients VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    (count,) = conn.execute("SELECT count(*) FROM clients").fetchone()
    conn.close()
    return int(count), time.perf_counter() - began


def ours_import(file: Path, db: Path) -> Timed:
    _workspace(db)
    began = time.perf_counter()
    crm = CRM(SQLStore(f"sqlite:///{db}"))
    with read_clients(file) as clients:
        report = crm.import_clients(clients.rows(), Actor.owner(WS), batch_size=BATCH)
    crm.store.close()
    return report.created, time.perf_counter() - began


def ceiling_export(db: Path, out: Path) -> Timed:
    began = time.perf_counter()
    conn = sqlite3.connect(db)
    with out.open("w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(["Name", "Email", "Phone", "Bookings", "Spend", "First", "Last", "Stage",
                         "Tags"])  # fmt: skip
        count = 0
        for row in conn.execute(EXPORTED, (WS,)):
            writer.writerow(row)
            count += 1
    conn.close()
    return count, time.perf_counter() - began


def ours_export(db: Path, out: Path) -> Timed:
    began = time.perf_counter()
    store = SQLStore(f"sqlite:///{db}", migrate=False)
    crm = CRM(store)
    owner = Actor.owner(WS)
    clients = crm.client_summaries(ClientQuery(sort="name"), owner)
    with out.open("w", newline="", encoding="utf-8") as target:
        count = write_clients(clients, target, crm.workspace(owner), crm.clock())
    store.close()
    return count, time.perf_counter() - began


def _child(work: Callable[..., Timed], args: tuple[object, ...], results: Queue[Outcome]) -> None:
    count, elapsed = work(*args)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put((count, elapsed, peak_mb))


def measure(work: Callable[..., Timed], *args: object) -> Outcome:
    """Rows, seconds and peak RSS (MB) of ``work`` run in a fresh process."""
    context = multiprocessing.get_context("spawn")
    results: Queue[Outcome] = context.Queue()
    process = context.Process(target=_child, args=(work, args, results))
    process.start()
    process.join()  # the outcome is a few numbers: the queue's pipe holds it meanwhile
    if process.exitcode != 0:
        raise SystemExit(f"{work.__name__} failed in its process (exit {process.exitcode})")
    return results.get()


def _report(step: str, ours: Outcome, ceiling: Outcome, *others: tuple[str, Outcome]) -> None:
    for label, (n, s, mb) in (("ours", ours), ("ceiling", ceiling), *others):
        print(f"{step}  {label:40} {n / s:10,.0f} rows/s  peak RSS {mb:6,.0f} MB")
    print(f"{step}  ours = {ours[0] / ours[1] / (ceiling[0] / ceiling[1]):.0%} of the ceiling")


def _fastest(runs: tuple[Outcome, ...]) -> Outcome:
    """The fastest of several runs of one step, with the highest peak RSS of them."""
    best = min(runs, key=lambda run: run[1] / run[0])
    return best[0], best[1], max(run[2] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument(
        "--export-rounds", type=int, default=5, help="exports, ours and the ceiling in turn"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file = folder / "clients.csv"
        make_file(file, args.clients)
        print(f"{args.clients:,} clients, {file.stat().st_size / 1e6:,.1f} MB of CSV")
        ours = measure(ours_import, file, folder / "ours.db")
        ceiling = measure(ceiling_import, file, folder / "ours.db", folder / "raw.db")
        bare = measure(bare_import, file, folder / "bare.db")
        _report("import", ours, ceiling, ("five-column table (the file alone)", bare))
        exports = [
            (measure(ours_export, folder / "ours.db", folder / "ours.csv"),
             measure(ceiling_export, folder / "ours.db", folder / "raw.csv"))
            for _ in range(args.export_rounds)
        ]  # fmt: skip
        _report("export", *(_fastest(runs) for runs in zip(*exports, strict=True)))


if __name__ == "__main__":
    main()
