"""Real processes writing to one database at once: nothing is lost, nothing is doubled.

Each test runs on a SQLite file (writers take turns, waiting up to the busy timeout) and on
PostgreSQL (writers overlap; a unit of work that collides with another is retried).
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clientcrm import CRM, Actor, ClientQuery, InsufficientBalanceError, Workspace
from clientcrm.stores.sql import SQLStore
from clientcrm.testing.conformance import event

WS = "busy-studio"
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
PROCESSES = 6


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Where the processes meet: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        where: dict[str, Any] = {"url": f"sqlite:///{tmp_path / 'crm.db'}", "schema": None}
    else:
        url = request.getfixturevalue("postgres_url")
        where = {"url": url, "schema": f"conc_{uuid.uuid4().hex[:12]}"}
    store = SQLStore(where["url"], schema=where["schema"])
    CRM(store).save_workspace(Workspace(WS, "Busy", currency="EUR"), Actor.owner(WS))
    yield where
    if where["schema"]:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {where['schema']} CASCADE")
    store.close()


def _record(where: dict[str, Any], worker: int, bookings: int, go: Any) -> None:
    """One process: wait for the start, then record completed, paid bookings of one email."""
    store = SQLStore(where["url"], schema=where["schema"], migrate=False)
    crm = CRM(store)
    owner = Actor.owner(WS)
    go.wait()
    for n in range(bookings):
        booking = f"w{worker}-b{n}"
        at = T0 + timedelta(minutes=worker * 100 + n)
        for kind, amount in (("completed", None), ("paid", "10.00")):
            crm.record(event(kind, booking, email="new@example.com", at=at, amount=amount), owner)
    store.close()


def _book_with_credit(where: dict[str, Any], worker: int, client_id: str, go: Any) -> None:
    """One process: wait for the start, then book one class with one credit; exit 3 when
    the credits are gone."""
    store = SQLStore(where["url"], schema=where["schema"], migrate=False)
    go.wait()
    try:
        CRM(store).credits.consume(client_id, f"class-{worker}", Actor.owner(WS), at=T0)
    except InsufficientBalanceError:
        raise SystemExit(3) from None
    finally:
        store.close()


def _run_workers(
    where: dict[str, Any], *args: object, target: Any = _record, exits: list[int] | None = None
) -> None:
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    workers = [
        context.Process(target=target, args=(where, worker, *args, go))
        for worker in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    go.set()
    for process in workers:
        process.join(timeout=120)
    codes = [process.exitcode for process in workers]
    if exits is None:
        assert codes == [0] * PROCESSES
    else:
        exits += codes


@contextmanager
def _crm(where: dict[str, Any]) -> Iterator[CRM]:
    store = SQLStore(where["url"], schema=where["schema"], migrate=False)
    try:
        yield CRM(store)
    finally:
        store.close()


def test_first_bookings_of_one_new_email_make_one_client(database: dict[str, Any]) -> None:
    """Processes that all see the email as new at once still create exactly one client."""
    _run_workers(database, 1)
    with _crm(database) as crm:
        clients = list(crm.iter_clients(ClientQuery(), Actor.owner(WS)))
    assert [c.email for c in clients] == ["new@example.com"]
    assert clients[0].figures.bookings == PROCESSES


def test_concurrent_events_on_one_client_lose_no_counts_or_spend(
    database: dict[str, Any],
) -> None:
    """Every booking and every euro of many overlapping writers is counted once."""
    _run_workers(database, 5)
    owner = Actor.owner(WS)
    with _crm(database) as crm:
        client = crm.find_client("new@example.com", owner)
        report = crm.rebuild(owner)
    assert client.figures.bookings == PROCESSES * 5
    assert client.figures.spend == Decimal("10.00") * PROCESSES * 5
    assert report.repaired == []


def test_racing_bookings_cannot_overdraw_the_last_credits(database: dict[str, Any]) -> None:
    """Six processes book at once against three credits: three get one each, three are
    refused, and the balance ends at zero, equal to its ledger."""
    owner = Actor.owner(WS)
    with _crm(database) as crm:
        kate = crm.add_client(owner, name="Kate", email="kate@example.com")
        package = crm.credits.purchase(kate.id, 3, owner, at=T0 - timedelta(days=1))
    exits: list[int] = []
    _run_workers(database, kate.id, target=_book_with_credit, exits=exits)
    assert sorted(exits) == [0, 0, 0, 3, 3, 3]
    with _crm(database) as crm:
        [after] = crm.credits.packages(kate.id, owner)
        ledger = crm.credits.ledger(kate.id, owner)
        summary = crm.get_client(kate.id, owner).credits
    assert after.id == package.id
    assert after.balance == sum(e.credits for e in ledger) == summary.available == 0
    assert len({e.booking_id for e in ledger if e.booking_id}) == 3
