"""Insights benchmark: every insight over a large workspace on a SQLite file.

Builds (once, at ``--db``) a workspace of ``--clients`` clients with ``--per-client``
bookings each on average (1M and 20 by default: 20M bookings), each client's figures and
outcome counters consistent with their bookings. Then measures, alternating call by call:

* the whole insights page (`CRM.insights`: counts, rates, pills, top 5, at-risk, recurring,
  stages, conversion, totals), against the same aggregates hand-written in raw ``sqlite3``;
* the same page computed from the bookings table alone (no per-client counters), in raw SQL,
  to show what the counters buy;
* cohort retention, monthly bookings, the spend distribution and the early warning, each
  against a hand-written raw ``sqlite3`` equivalent (months in UTC there: a lower bound).

Target: the insights page under 2 s at 1M clients and 20M bookings.

Run: ``python benchmarks/insights.py [--clients 1000000] [--per-client 20] [--db PATH]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from _timing import interleaved_ms

from clientcrm import CRM, Actor, Client, ClientFigures, Workspace
from clientcrm.rules.status import days_ago_cutoff
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.rows import BOOKING_COLUMNS
from clientcrm.stores.sql.types import sqlite_time
from clientcrm.testing import FrozenClock
from clientcrm.testing.generators import FIRST, LAST

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WS = "bench"
PRICE = 200_000  # 20.00 in ten-thousandths, as the Amount column holds it
_HOURS = 2 * 365 * 24


def _bookings_of(
    rng: random.Random, client: str, count: int, ahead: bool
) -> list[tuple[object, ...]]:
    rows = []
    for n in range(count):
        start = NOW - timedelta(hours=rng.randrange(_HOURS))
        roll = rng.random()
        status = (
            "completed"
            if roll < 0.82
            else "cancelled"
            if roll < 0.9
            else "no_show"
            if roll < 0.95
            else "booked"
        )
        rows.append(_row(client, f"{client}-{n}", start, status, None))
    if ahead:  # a weekly class booked for the next four weeks
        for week in range(4):
            start = NOW + timedelta(days=2 + 7 * week)
            rows.append(_row(client, f"{client}-s{week}", start, "booked", f"series-{client}"))
    return rows


def _row(
    client: str, booking: str, start: datetime, status: str, series: str | None
) -> tuple[object, ...]:
    at = sqlite_time(start)
    values = {
        "workspace_id": WS, "booking_id": booking, "client_id": client, "service": "Yin",
        "starts_at": at, "location": None, "staff": None, "status": status,
        "amount_paid": PRICE, "amount_refunded": 0, "refunded_in_full": 0, "first_event_at": at,
        "details_at": at, "details_event": "e", "status_at": at, "status_event": "e",
        "paid_at": at, "paid_event": "p", "refund_at": None, "refund_event": None,
        "series_id": series,
    }  # fmt: skip
    return tuple(values[c] for c in BOOKING_COLUMNS)


def _client(rng: random.Random, n: int, bookings: list[tuple[object, ...]]) -> Client:
    status = BOOKING_COLUMNS.index("status")
    starts = BOOKING_COLUMNS.index("starts_at")
    outcomes = dict.fromkeys(("booked", "completed", "cancelled", "no_show"), 0)
    counted, attended = [], []
    for row in bookings:
        outcomes[str(row[status])] += 1
        moment = datetime.fromisoformat(f"{row[starts]}+00:00")
        if row[status] != "booked":  # paid and kept: every outcome counts
            counted.append(moment)
        if row[status] == "completed":
            attended.append(moment)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    created = min(counted, default=NOW) - timedelta(days=1)
    figures = ClientFigures(
        bookings=len(counted),
        spend=Decimal(20 * len(counted)),
        first_booking_at=min(counted, default=None),
        last_booking_at=max(counted, default=None),
        last_attended_at=max(attended, default=None),
        last_activity_at=max(counted, default=created),
        made=len(bookings),
        completed=outcomes["completed"],
        cancelled=outcomes["cancelled"],
        no_shows=outcomes["no_show"],
    )
    return Client(
        id=f"{n:08d}",
        workspace_id=WS,
        name=f"{first} {last}",
        email=f"{first}.{last}{n}@example.com".lower(),
        created_at=created,
        figures=figures,
    )


def populate(store: SQLStore, path: Path, clients: int, per_client: int) -> int:
    """Clients through the repository, their bookings straight into the table."""
    rng = random.Random(5)
    with store.unit_of_work() as uow:
        uow.workspaces.save(Workspace(WS, "Bench", timezone="Europe/London"))
        uow.commit()
    raw = sqlite3.connect(path, isolation_level=None)
    marks = ",".join("?" * len(BOOKING_COLUMNS))
    insert = f"INSERT INTO crm_bookings ({','.join(BOOKING_COLUMNS)}) VALUES ({marks})"
    total = 0
    for start in range(0, clients, 10_000):
        batch, rows = [], []
        for n in range(start, min(clients, start + 10_000)):
            count = min(int(rng.expovariate(1 / per_client)), 40 * per_client)
            mine = _bookings_of(rng, f"{n:08d}", count, ahead=rng.random() < 0.05)
            batch.append(_client(rng, n, mine))
            rows += mine
        with store.unit_of_work() as uow:
            uow.clients.add(batch)
            uow.commit()
        raw.execute("BEGIN")
        raw.executemany(insert, rows)
        raw.execute("COMMIT")
        total += len(rows)
    raw.execute("ANALYZE")
    raw.close()
    return total


def raw_page(conn: sqlite3.Connection, cut: str, now: str) -> object:
    """The insights page's aggregates, hand-written against the same tables."""
    ws = (WS,)
    counts = conn.execute(
        "SELECT count(*), sum(bookings = 0), sum(bookings > 0 AND last_booking_at < ?),"
        " sum(bookings >= 5 AND last_booking_at >= ?), sum(bookings BETWEEN 1 AND 4 AND"
        " last_booking_at >= ?), sum(made), sum(completed), sum(cancelled), sum(no_shows),"
        " max(spend) FROM crm_clients WHERE workspace_id = ?",
        (cut, cut, cut, WS),
    ).fetchone()
    top = conn.execute(
        "SELECT * FROM crm_clients WHERE workspace_id = ? AND completed > 0"
        " ORDER BY completed DESC, name_key, client_id LIMIT 5",
        ws,
    ).fetchall()
    risky = "workspace_id = ? AND made > 3 AND (cancelled + no_shows) * 10 > 3 * made"
    at_risk = conn.execute(f"SELECT count(*) FROM crm_clients WHERE {risky}", ws).fetchone()
    listed = conn.execute(
        f"SELECT * FROM crm_clients WHERE {risky} ORDER BY CAST(cancelled + no_shows AS REAL)"
        " / made DESC, made DESC, client_id LIMIT 50",
        ws,
    ).fetchall()
    recurring = conn.execute(
        "SELECT count(DISTINCT client_id) FROM crm_bookings WHERE workspace_id = ? AND"
        " status = 'booked' AND starts_at > ? AND series_id IS NOT NULL",
        (WS, now),
    ).fetchone()
    stages = conn.execute(
        "SELECT stage, count(*) FROM crm_clients WHERE workspace_id = ? GROUP BY stage", ws
    ).fetchall()
    totals = conn.execute(
        "SELECT count(*), sum(credits_available > 0), sum(spend), sum(bookings)"
        " FROM crm_clients WHERE workspace_id = ?",
        ws,
    ).fetchone()
    return counts, top, at_risk, listed, recurring, stages, totals


def raw_page_from_bookings(conn: sqlite3.Connection) -> object:
    """Outcome counts and at-risk clients from the bookings table (no per-client counters)."""
    outcomes = conn.execute(
        "SELECT status, count(*) FROM crm_bookings WHERE workspace_id = ? GROUP BY status", (WS,)
    ).fetchall()
    at_risk = conn.execute(
        "SELECT client_id FROM crm_bookings WHERE workspace_id = ? GROUP BY client_id"
        " HAVING count(*) > 3 AND sum(status IN ('cancelled', 'no_show')) * 10 > 3 * count(*)",
        (WS,),
    ).fetchall()
    return outcomes, at_risk


def raw_cohorts(conn: sqlite3.Connection) -> object:
    return conn.execute(
        "WITH v AS (SELECT client_id, substr(starts_at, 1, 7) AS m FROM crm_bookings"
        " WHERE workspace_id = ? AND status != 'booked' GROUP BY client_id, m),"
        " f AS (SELECT client_id, min(m) AS c FROM v GROUP BY client_id)"
        " SELECT f.c, v.m, count(*) FROM v JOIN f USING (client_id) GROUP BY f.c, v.m",
        (WS,),
    ).fetchall()


def raw_monthly(conn: sqlite3.Connection, since: str) -> object:
    return conn.execute(
        "SELECT substr(starts_at, 1, 7), status, count(*) FROM crm_bookings"
        " WHERE workspace_id = ? AND starts_at >= ? GROUP BY 1, 2",
        (WS, since),
    ).fetchall()


def raw_spend(conn: sqlite3.Connection) -> object:
    conn.execute("SELECT max(spend) FROM crm_clients WHERE workspace_id = ?", (WS,)).fetchone()
    return conn.execute(
        "SELECT spend / 1000000, count(*) FROM crm_clients WHERE workspace_id = ?"
        " AND bookings > 0 GROUP BY 1",
        (WS,),
    ).fetchall()


def _line(name: str, ours: list[float], ceiling: list[float], target: str = "") -> str:
    a, b = statistics.median(ours), statistics.median(ceiling)
    return f"{name:<34} {a:>9,.0f} ms {b:>9,.0f} ms  {b / a:>6.0%} of the ceiling {target}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "insights.db"
    fresh = not path.exists()
    store = SQLStore(f"sqlite:///{path}")
    if fresh:
        began = time.perf_counter()
        made = populate(store, path, args.clients, args.per_client)
        print(f"built {args.clients:,} clients, {made:,} bookings in "
              f"{time.perf_counter() - began:.0f}s at {path}")  # fmt: skip
    crm, actor = CRM(store, clock=FrozenClock(NOW)), Actor.owner(WS)
    raw = sqlite3.connect(path)
    tz = crm.workspace(actor).tz
    cut = sqlite_time(days_ago_cutoff(NOW, tz, 90))
    since = sqlite_time(NOW - timedelta(days=365))
    cases: list[tuple[str, Callable[[], object], Callable[[], object], str]] = [
        ("insights page", lambda: crm.insights(actor),
         lambda: raw_page(raw, cut, sqlite_time(NOW)), "(target: under 2,000 ms)"),
        ("insights page vs bookings table", lambda: crm.insights(actor),
         lambda: raw_page_from_bookings(raw), "(raw SQL without the counters)"),
        ("cohort retention", lambda: crm.cohort_retention(actor), lambda: raw_cohorts(raw), ""),
        ("monthly bookings (12 months)", lambda: crm.monthly_bookings(actor),
         lambda: raw_monthly(raw, since), ""),
        ("spend distribution", lambda: crm.spend_distribution(actor),
         lambda: raw_spend(raw), ""),
    ]  # fmt: skip
    print(f"{'':<34} {'clientcrm':>12} {'raw sqlite3':>12}  (p50 of {args.runs} runs)")
    for name, ours, ceiling, target in cases:
        mine, theirs = interleaved_ms(ours, ceiling, args.runs)
        print(_line(name, mine, theirs, target), flush=True)
    began = time.perf_counter()
    slipping = crm.slipping(actor)
    print(f"{'early warning (slipping)':<34} {(time.perf_counter() - began) * 1000:>9,.0f} ms"
          f"  ({len(slipping):,} clients flagged; no raw equivalent: the rule runs in Python"
          " over the candidates' visits)")  # fmt: skip
    page = crm.insights(actor)
    overview = page.overview
    print(f"page: {overview.clients:,} clients, {overview.bookings:,} bookings, "
          f"{page.at_risk_count:,} at risk, {overview.recurring_clients:,} recurring")  # fmt: skip
    raw.close()
    store.close()


if __name__ == "__main__":
    main()
