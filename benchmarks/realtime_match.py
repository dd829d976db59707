"""Smart detection in the booking flow: one booking from an unknown email against a large
workspace on a SQLite file.

    python benchmarks/realtime_match.py --clients 1000000

The workspace holds the first record of each labelled person (`clientcrm.testing`); the
incoming bookings are the other records of those people (typos, nicknames, Gmail variants,
new phones...) and people the workspace does not know. Each is recorded with
``CRM.record`` in smart mode (scored against the clients its blocking keys find: linked,
queued for review or new), alternating call by call with the ceiling: the same candidate
lookup and client rows hand-written in raw ``sqlite3``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _timing import p50_p95

from clientcrm import CRM, Actor, BookingEvent, Client, Workspace
from clientcrm.matching.block import client_keys
from clientcrm.models.events import BookingEventKind
from clientcrm.serialization import converter
from clientcrm.service.detection import Detector, incoming_keys
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.people import labelled_people

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WS = "bench"
WORKSPACE = Workspace(WS, "Bench", timezone="Europe/London", phone_region="GB")


def build(store: SQLStore, count: int, probes: int) -> tuple[int, list[BookingEvent]]:
    """Store the people's first records as clients (with their blocking keys); return how
    many, and the bookings of up to ``probes`` other records, none from a known email."""
    people = labelled_people(count * 3 // 2 + 100, seed=11)  # first records: about 70%
    with store.unit_of_work() as uow:
        uow.workspaces.save(WORKSPACE)
        uow.commit()
    known: set[str] = set()
    clients, incoming = [], []
    for n, record in enumerate(people.records):
        first = people.kind[record.id] is None and n % 10 != 0  # every tenth is a stranger
        room = len(clients) < count
        if first and room and record.email and record.email.lower() not in known:
            known.add(record.email.lower())
            clients.append(
                Client(
                    f"c{n:08d}",
                    WS,
                    record.name or "?",
                    record.email.lower(),
                    NOW,
                    phone=_phone(record.phone),
                )
            )
        elif record.email and record.email.lower() not in known and len(incoming) < 50 * probes:
            incoming.append(record)
    for start in range(0, len(clients), 20_000):
        chunk = clients[start : start + 20_000]
        with store.unit_of_work() as uow:
            uow.clients.add(chunk)
            uow.matches.index(WS, {c.id: client_keys(c, "GB") for c in chunk})
            uow.commit()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    step = max(1, len(incoming) // probes)
    chosen, emails = [], set()
    for record in incoming[::step]:
        email = str(record.email).lower()
        if email not in emails:
            emails.add(email)
            chosen.append(_booking(record.id, email, record.name, record.phone))
    return len(clients), chosen[:probes]


def _phone(raw: str | None) -> str | None:
    digits = "".join(c for c in raw or "" if c.isdigit())
    return f"+44{digits[-10:]}" if len(digits) >= 10 else None


def _booking(record_id: str, email: str, name: str | None, phone: str | None) -> BookingEvent:
    return BookingEvent(
        kind=BookingEventKind.BOOKED,
        event_id=f"e-{record_id}",
        booking_id=f"b-{record_id}",
        occurred_at=NOW,
        email=email,
        service="Vinyasa Flow",
        starts_at=NOW,
        name=name,
        phone=phone,
    )


def ceiling(db: sqlite3.Connection, keys: frozenset[str]) -> list[tuple[object, ...]]:
    """The same lookup by hand: the candidates' ids from the key index, then their rows."""
    marks = ",".join("?" * len(keys))
    ids = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT client_id FROM crm_match_keys WHERE workspace_id = ? "
            f"AND match_key IN ({marks}) ORDER BY client_id LIMIT 50",
            (WS, *sorted(keys)),
        )
    ]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return db.execute(
        f"SELECT * FROM crm_clients WHERE workspace_id = ? AND client_id IN ({marks})",
        (WS, *ids),
    ).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=400)
    parser.add_argument("--db", type=Path, help="keep the built workspace here, for later runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pristine = args.db or Path(folder) / "pristine.db"
        saved = pristine.with_name(pristine.name + ".probes.json")
        if not (pristine.exists() and saved.exists()):
            started = time.perf_counter()
            store = SQLStore(f"sqlite:///{pristine}")
            before, probes = build(store, args.clients, args.probes)
            store.close()
            saved.write_text(json.dumps([before, converter.unstructure(probes)]))
            print(f"workspace built in {time.perf_counter() - started:.0f} s")
        before, data = json.loads(saved.read_text())
        probes = converter.structure(data, list[BookingEvent])
        path = Path(folder) / "realtime.db"
        shutil.copyfile(pristine, path)  # each run books into a fresh copy
        measure(path, before, probes)


def measure(path: Path, before: int, probes: list[BookingEvent]) -> None:
    """Record each probe, timing the whole call, its detection alone, and the ceiling."""
    store = SQLStore(f"sqlite:///{path}")
    crm = CRM(store, clock=FrozenClock(NOW))
    owner = Actor.owner(WS)
    db = sqlite3.connect(path)
    ours, detection, raw = [], [], []
    for booking in probes:
        keys = incoming_keys(booking, WORKSPACE)
        with store.unit_of_work() as uow:
            start = time.perf_counter()
            Detector(uow, WORKSPACE).detect(booking)
            detection.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        crm.record(booking, owner)
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        ceiling(db, keys)
        raw.append((time.perf_counter() - start) * 1000)
    with store.unit_of_work() as uow:
        created = uow.clients.count(WS) - before
        queued = len(uow.matches.pending(WS, open_only=False))
    (our_p50, our_p95), (raw_p50, raw_p95) = p50_p95(ours), p50_p95(raw)
    print(
        f"{before:,} clients; {len(probes)} bookings from unknown emails: "
        f"{len(probes) - created} linked, {queued} queued for review, "
        f"{created - queued} new clients"
    )
    print(
        f"CRM.record, smart detection: p50 {our_p50:.2f} ms, p95 {our_p95:.2f} ms "
        f"(target p50 <= 5 ms); the detection alone: p50 {p50_p95(detection)[0]:.2f} ms"
    )
    print(
        f"raw sqlite3 candidate lookup (ceiling): p50 {raw_p50:.2f} ms, p95 {raw_p95:.2f} ms"
        f"; ours is {our_p50 / raw_p50:.1f}x the ceiling at p50"
    )
    db.close()
    store.close()


if __name__ == "__main__":
    main()
