"""Import and export benchmark: client lists in and out of a SQLite file, as CSV.

Measures, in one run, each in a child process of its own (so that its peak RSS is its own):
- the import ceiling: ``csv.reader`` feeding raw ``sqlite3`` ``executemany`` of the same rows
  (name, email, phone) into a table keyed like clientcrm's;
- ours: ``read_clients`` (encoding, delimiter and header detection, mapping) and
  ``CRM.import_clients`` (validation, duplicate checks, client rows, journeys) into the SQL
  store: rows per second and peak RSS;
- the export ceiling: a raw ``sqlite3`` select feeding ``csv.writer``;
- ours: ``write_clients`` over ``CRM.iter_clients`` (the list query's pages).

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
from multiprocessing.queues import Queue
from pathlib import Path

from clientcrm import CRM, Actor, ClientQuery, Workspace
from clientcrm.io import read_clients, write_clients
from clientcrm.stores.sql import SQLStore

WS = "bench"
Outcome = tuple[int, float, float]
"""Rows, seconds and peak RSS in MB."""


def make_file(path: Path, clients: int) -> None:
    """A Mailchimp-like export: first and last names, email, phone."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "Email Address", "Phone Number"])
        for n in range(clients):
            writer.writerow(
                [f"Client{n}", "Smith", f"client{n}@example.com", f"+1415555{n:07d}"[:12]]
            )


def ceiling_import(file: Path, db: Path) -> int:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
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
    return int(count)


def ours_import(file: Path, db: Path) -> int:
    store = SQLStore(f"sqlite:///{db}")
    crm = CRM(store)
    owner = Actor.owner(WS)
    crm.save_workspace(Workspace(WS, "Bench", phone_region="US"), owner)
    with read_clients(file) as clients:
        report = crm.import_clients(clients.rows(), owner, batch_size=5000)
    store.close()
    return report.created


def ceiling_export(db: Path, out: Path) -> int:
    conn = sqlite3.connect(db)
    with out.open("w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(["Name", "Email", "Phone"])
        count = 0
        for row in conn.execute("SELECT name, email, phone FROM clients ORDER BY client_id"):
            writer.writerow(row)
            count += 1
    conn.close()
    return count


def ours_export(db: Path, out: Path) -> int:
    store = SQLStore(f"sqlite:///{db}", migrate=False)
    crm = CRM(store)
    owner = Actor.owner(WS)
    clients = crm.iter_clients(ClientQuery(sort="name", limit=500), owner)
    with out.open("w", newline="", encoding="utf-8") as target:
        count = write_clients(clients, target, crm.workspace(owner), crm.clock())
    store.close()
    return count


def _child(work: Callable[..., int], args: tuple[object, ...], results: Queue[Outcome]) -> None:
    began = time.perf_counter()
    count = work(*args)
    elapsed = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put((count, elapsed, peak_mb))


def measure(work: Callable[..., int], *args: object) -> Outcome:
    """Rows, seconds and peak RSS (MB) of ``work`` run in a fresh process."""
    context = multiprocessing.get_context("spawn")
    results: Queue[Outcome] = context.Queue()
    process = context.Process(target=_child, args=(work, args, results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file = folder / "clients.csv"
        make_file(file, args.clients)
        print(f"{args.clients:,} clients, {file.stat().st_size / 1e6:,.1f} MB of CSV")
        raw = measure(ceiling_import, file, folder / "raw.db")
        ours = measure(ours_import, file, folder / "ours.db")
        for label, (n, s, mb) in (
            ("ceiling: csv.reader + raw sqlite3", raw),
            ("import_clients", ours),
        ):
            print(f"import  {label:36} {n / s:10,.0f} rows/s  peak RSS {mb:6,.0f} MB")
        print(f"import  ours = {ours[0] / ours[1] / (raw[0] / raw[1]):.0%} of the ceiling")
        raw_out = measure(ceiling_export, folder / "raw.db", folder / "raw.csv")
        ours_out = measure(ours_export, folder / "ours.db", folder / "ours.csv")
        for label, (n, s, mb) in (
            ("ceiling: raw sqlite3 + csv.writer", raw_out),
            ("write_clients", ours_out),
        ):
            print(f"export  {label:36} {n / s:10,.0f} rows/s  peak RSS {mb:6,.0f} MB")
        ratio = ours_out[0] / ours_out[1] / (raw_out[0] / raw_out[1])
        print(f"export  ours = {ratio:.0%} of the ceiling")


if __name__ == "__main__":
    main()
