"""List-query benchmark: the client list over a large workspace on a SQLite file.

Measures, in one run, p50 and p95 of the whole ``CRM.list_clients`` call (models built),
alternating call by call with its ceiling:
- a filter (ACTIVE pill) + the default recency sort + a page of 50, and the next page;
- searches: two words ("kate smi"), one common word ("kate"), an email prefix;
and beside each, the same query hand-written in raw ``sqlite3`` (rows fetched) as the ceiling.

Run: ``python benchmarks/list_query.py [--clients 1000000] [--db PATH]``. The database is
built once at PATH and reused by later runs.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from _timing import interleaved_ms, p50_p95

from clientcrm import CRM, Actor, Client, ClientFigures, ClientQuery, StatusPill, Workspace
from clientcrm.rules.status import days_ago_cutoff
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.generators import FIRST, LAST

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WS = "bench"


def populate(store: SQLStore, count: int) -> None:
    """Insert ``count`` clients with varied figures (straight through the repository)."""
    rng = random.Random(5)
    with store.unit_of_work() as uow:
        uow.workspaces.save(Workspace(WS, "Bench", timezone="Europe/London"))
        uow.commit()
    for start in range(0, count, 20_000):
        batch = []
        for n in range(start, min(count, start + 20_000)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            bookings = rng.choice((0, 1, 2, 3, 4, 6, 12, 30))
            seen = NOW - timedelta(days=rng.randrange(0, 700), minutes=rng.randrange(1440))
            figures = ClientFigures(
                bookings=bookings,
                spend=Decimal(bookings * rng.choice((15, 20, 45))),
                first_booking_at=seen - timedelta(days=300) if bookings else None,
                last_booking_at=seen if bookings else None,
                last_attended_at=seen if bookings else None,
                last_activity_at=seen,
            )
            batch.append(
                Client(
                    id=f"{n:08d}",
                    workspace_id=WS,
                    name=f"{first} {last}",
                    email=f"{first}.{last}{n}@example.com".lower(),
                    created_at=seen - timedelta(days=400),
                    figures=figures,
                )
            )
        with store.unit_of_work() as uow:
            uow.clients.add(batch)
            uow.commit()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


Case = tuple[str, Callable[[], object], Callable[[], object], int | None]
"""A benchmark case: its name, our call, the raw sqlite3 ceiling, the target ratio if any."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "list.db"
    fresh = not path.exists()
    store = SQLStore(f"sqlite:///{path}")
    if fresh:
        start = time.perf_counter()
        populate(store, args.clients)
        print(f"built {args.clients:,} clients in {time.perf_counter() - start:.0f}s at {path}")
    crm = CRM(store, clock=FrozenClock(NOW))
    actor = Actor.owner(WS)
    active = ClientQuery(statuses={StatusPill.ACTIVE}, limit=50)
    first_page = crm.list_clients(active, actor)
    next_query = ClientQuery(statuses={StatusPill.ACTIVE}, limit=50, cursor=first_page.next_cursor)

    raw = sqlite3.connect(path)
    cutoff = days_ago_cutoff(NOW, Workspace(WS, "B", timezone="Europe/London").tz, 90)
    cut = cutoff.astimezone(UTC).isoformat(" ", "microseconds")[:26]
    list_sql = (
        "SELECT * FROM crm_clients WHERE workspace_id = ? AND flag_inactive = 0 "
        "AND bookings + 0 > 0 AND bookings + 0 < 5 AND last_booking_at >= ? "
        "ORDER BY last_activity_at DESC, client_id DESC LIMIT 51"
    )
    last = first_page.clients[-1]
    after = last.figures.last_activity_at.isoformat(" ", "microseconds")[:26]  # type: ignore[union-attr]
    next_sql = list_sql.replace("ORDER BY", "AND (last_activity_at, client_id) < (?, ?) ORDER BY")
    ordinal = raw.execute("SELECT ordinal FROM crm_workspaces WHERE workspace_id = ?", (WS,))
    low = ordinal.fetchone()[0] << 32
    key_range = (low, low + 2**32 - 1)

    def search_case(text: str, match: str, *, many: bool) -> Case:
        """A search, and by hand the plan that suits it: walk the recency index checking each
        client against the matches (``many``), or look the matches up by key."""
        key = "search_key + 0" if many else "search_key"
        sql = (
            f"SELECT * FROM crm_clients WHERE workspace_id = ? AND flag_inactive = 0 AND {key} "
            "IN (SELECT rowid FROM crm_client_search WHERE crm_client_search MATCH ? "
            "AND rowid BETWEEN ? AND ?) ORDER BY last_activity_at DESC, client_id DESC LIMIT 51"
        )
        query = ClientQuery(search=text, limit=50)
        return (
            f"search {text!r}",
            lambda: crm.list_clients(query, actor),
            lambda: raw.execute(sql, (WS, match, *key_range)).fetchall(),
            None,
        )

    cases: list[Case] = [
        (
            "filter + recency sort, page 1",
            lambda: crm.list_clients(active, actor),
            lambda: raw.execute(list_sql, (WS, cut)).fetchall(),
            8,
        ),
        (
            "filter + recency sort, next page",
            lambda: crm.list_clients(next_query, actor),
            lambda: raw.execute(next_sql, (WS, cut, after, last.id)).fetchall(),
            8,
        ),
        search_case("kate smi", '"kate"* AND "smi"*', many=False),
        search_case("kate", '"kate"*', many=True),
        search_case("kate.smith12", '"kate.smith12"*', many=False),
    ]
    for name, ours, ceiling, target in cases:
        our_ms, ceiling_ms = interleaved_ms(ours, ceiling, args.runs)
        (p50, p95), (r50, r95) = p50_p95(our_ms), p50_p95(ceiling_ms)
        goal = f"target <= {target}x" if target else "target p50 <= 20 ms"
        print(
            f"{name:<34} ours p50 {p50:7.3f} ms p95 {p95:7.3f} ms | raw sqlite3 p50 {r50:7.3f} ms "
            f"p95 {r95:7.3f} ms | {p50 / r50:5.1f}x ({goal})"
        )


if __name__ == "__main__":
    main()
