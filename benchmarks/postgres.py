"""PostgreSQL benchmark: ingest and the client list, against raw psycopg in the same run.

Measures, in one run:
- ingest: ``CRM.record_many`` of booking events into PostgreSQL (batches of 5,000), batch and
  batch about with the ceiling: raw psycopg ``COPY`` of the same booking rows into a table
  with the same key and index. The foundation's pipeline (an email-only workspace, journeys
  off: what `ingest.py` measures) on PostgreSQL and, beside it, on SQLite; and a default
  workspace (smart detection, journeys, milestones) on PostgreSQL;
- the list: ``list_clients`` over a large workspace (ACTIVE filter + recency sort + a page of
  50, the next page, a two-word search), call and call about with the same query
  hand-written in raw psycopg.

Run: ``python benchmarks/postgres.py [--events 1000000] [--clients 1000000] [--dsn URL]``
(``0`` skips a part).
Without ``--dsn`` (or ``CLIENTCRM_TEST_POSTGRES_DSN``) a throwaway server is started from the
machine's PostgreSQL binaries.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

import attrs
import psycopg
from _events import events
from _pipeline import foundation
from _timing import interleaved_ms, p50_p95
from list_query import NOW, WS, populate
from sqlalchemy.engine import make_url

from clientcrm import CRM, Actor, ClientQuery, StatusPill, Workspace
from clientcrm.policies import MatchMode, MatchPolicy, Policies
from clientcrm.rules.bookings import apply_event
from clientcrm.rules.status import days_ago_cutoff
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql.rows import BOOKING_COLUMNS, booking_values
from clientcrm.testing import FrozenClock
from clientcrm.testing.postgres import postgres_url

BATCH = 5000
RAW_DDL = """
CREATE TABLE raw_bookings (
  workspace_id VARCHAR(64) NOT NULL, booking_id VARCHAR(128) NOT NULL,
  client_id VARCHAR(128) NOT NULL, service TEXT NOT NULL, starts_at TIMESTAMPTZ NOT NULL,
  location TEXT, staff TEXT, status VARCHAR(16) NOT NULL, amount_paid BIGINT NOT NULL,
  amount_refunded BIGINT NOT NULL, refunded_in_full BOOLEAN NOT NULL,
  first_event_at TIMESTAMPTZ NOT NULL, details_at TIMESTAMPTZ NOT NULL,
  details_event VARCHAR(128) NOT NULL, status_at TIMESTAMPTZ NOT NULL,
  status_event VARCHAR(128) NOT NULL, paid_at TIMESTAMPTZ, paid_event VARCHAR(128),
  refund_at TIMESTAMPTZ, refund_event VARCHAR(128), series_id VARCHAR(128),
  PRIMARY KEY (workspace_id, booking_id));
CREATE INDEX ON raw_bookings (workspace_id, client_id, starts_at, booking_id);
"""


def psycopg_dsn(url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL."""
    parsed = make_url(url)
    parts = {
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


@contextmanager
def schema_store(url: str) -> Iterator[tuple[SQLStore, str]]:
    """A store in a fresh schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    store = SQLStore(url, schema=schema)
    try:
        yield store, schema
    finally:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        store.close()


def _raw_row(values: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(int(v.scaleb(4)) if hasattr(v, "scaleb") else v for v in values)  # type: ignore[attr-defined]


@attrs.frozen
class Rates:
    """Events per second of each pipeline, and rows per second of the ceiling."""

    ceiling: float
    postgres: float
    postgres_full: float
    sqlite: float


def ingest(url: str, count: int) -> Rates:
    """Batch and batch about: the raw COPY ceiling; the foundation's pipeline (an email-only
    workspace, journeys off, as `ingest.py` measures it) on PostgreSQL and on SQLite; and a
    default workspace (smart detection, journeys, milestones) on PostgreSQL."""
    seconds = [0.0, 0.0, 0.0, 0.0]
    with (
        schema_store(url) as (store, schema),
        schema_store(url) as (full_store, _),
        tempfile.TemporaryDirectory() as tmp,
    ):
        actor = Actor.owner("w")
        email_only = Policies(matching=MatchPolicy(mode=MatchMode.EMAIL_ONLY))
        base, lite = CRM(store), CRM(SQLStore(f"sqlite:///{Path(tmp) / 'crm.db'}"))
        for each in (base, lite):
            each.save_workspace(Workspace("w", "Bench", policies=email_only), actor)
        full = CRM(full_store)
        full.save_workspace(Workspace("w", "Bench"), actor)
        with psycopg.connect(psycopg_dsn(url)) as raw:
            raw.execute(f"SET search_path TO {schema}")
            raw.execute(RAW_DDL)
            raw.commit()
            copy = f"COPY raw_bookings ({', '.join(BOOKING_COLUMNS)}) FROM STDIN"
            for start in range(0, count, BATCH):
                batch = list(events(min(BATCH, count - start), start))
                rows = [
                    _raw_row(booking_values(apply_event(None, e, "w", f"client-{n // 20}")))
                    for n, e in enumerate(batch, start)
                ]
                marks = [time.perf_counter()]
                with raw.cursor() as cursor, cursor.copy(copy) as feed:
                    for row in rows:
                        feed.write_row(row)
                raw.commit()
                marks.append(time.perf_counter())
                with foundation():
                    base.record_many(batch, actor, batch_size=BATCH)
                    marks.append(time.perf_counter())
                    lite.record_many(batch, actor, batch_size=BATCH)
                    marks.append(time.perf_counter())
                full.record_many(batch, actor, batch_size=BATCH)
                marks.append(time.perf_counter())
                for n in range(4):
                    seconds[n] += marks[n + 1] - marks[n]
    ceiling, postgres, sqlite, postgres_full = (count / s for s in seconds)
    return Rates(ceiling, postgres, postgres_full, sqlite)


Case = tuple[str, Callable[[], object], Callable[[], object]]


def list_cases(url: str, clients: int, runs: int) -> None:
    """p50/p95 of three list calls and of their raw psycopg versions, call and call about."""
    with schema_store(url) as (store, schema):
        start = time.perf_counter()
        populate(store, clients)
        print(f"built {clients:,} clients on PostgreSQL in {time.perf_counter() - start:.0f}s")
        crm = CRM(store, clock=FrozenClock(NOW))
        actor = Actor.owner(WS)
        active = ClientQuery(statuses={StatusPill.ACTIVE}, limit=50)
        first = crm.list_clients(active, actor)
        after = ClientQuery(statuses={StatusPill.ACTIVE}, limit=50, cursor=first.next_cursor)
        search = ClientQuery(search="kate smi", limit=50)
        last = first.clients[-1]
        cut = days_ago_cutoff(NOW, Workspace(WS, "B", timezone="Europe/London").tz, 90)
        list_sql = (
            "SELECT * FROM crm_clients WHERE workspace_id = %s AND NOT flag_inactive "
            "AND bookings > 0 AND bookings < 5 AND last_booking_at >= %s "
            "ORDER BY last_activity_at DESC, client_id DESC LIMIT 51"
        )
        next_sql = list_sql.replace(
            "ORDER BY", "AND (last_activity_at, client_id) < (%s, %s) ORDER BY"
        )
        search_sql = (
            "SELECT * FROM crm_clients WHERE workspace_id = %s AND NOT flag_inactive "
            "AND search_text LIKE '%% kate%%' AND search_text LIKE '%% smi%%' "
            "ORDER BY last_activity_at DESC, client_id DESC LIMIT 51"
        )
        with psycopg.connect(psycopg_dsn(url), autocommit=True) as raw:
            raw.execute(f"SET search_path TO {schema}")
            moment = last.figures.last_activity_at.astimezone(UTC)  # type: ignore[union-attr]
            cases: list[Case] = [
                (
                    "filter + recency sort, page 1",
                    lambda: crm.list_clients(active, actor),
                    lambda: raw.execute(list_sql, (WS, cut)).fetchall(),
                ),
                (
                    "filter + recency sort, next page",
                    lambda: crm.list_clients(after, actor),
                    lambda: raw.execute(next_sql, (WS, cut, moment, last.id)).fetchall(),
                ),
                (
                    "search 'kate smi'",
                    lambda: crm.list_clients(search, actor),
                    lambda: raw.execute(search_sql, (WS,)).fetchall(),
                ),
            ]
            for name, ours, ceiling in cases:
                our_ms, raw_ms = interleaved_ms(ours, ceiling, runs)
                (p50, p95), (r50, r95) = p50_p95(our_ms), p50_p95(raw_ms)
                print(
                    f"{name:<34} ours p50 {p50:7.3f} ms p95 {p95:7.3f} ms | raw psycopg p50 "
                    f"{r50:7.3f} ms p95 {r95:7.3f} ms | {p50 / r50:5.1f}x (target <= 8x)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dsn", default=os.environ.get("CLIENTCRM_TEST_POSTGRES_DSN"))
    args = parser.parse_args()
    with postgres_url() if args.dsn is None else _given(args.dsn) as url:
        if args.events:
            rates = ingest(url, args.events)
            ceiling = rates.ceiling
            print(f"ceiling: raw psycopg COPY                  {ceiling:10,.0f} rows/s")
            print(
                f"PostgreSQL record_many, foundation        {rates.postgres:10,.0f} events/s  "
                f"= {rates.postgres / ceiling:.0%} of the ceiling (target 30%)"
            )
            print(
                f"PostgreSQL record_many, smart + journeys  {rates.postgres_full:10,.0f} events/s  "
                f"= {rates.postgres_full / ceiling:.0%} of the ceiling"
            )
            print(f"SQLite record_many, foundation, same events {rates.sqlite:8,.0f} events/s")
        if args.clients:
            list_cases(url, args.clients, args.runs)


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
