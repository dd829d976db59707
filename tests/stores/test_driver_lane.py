"""The hot statements run on the driver's cursor: same answers, same errors, same transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import pytest
from sqlalchemy import Connection, event
from sqlalchemy.exc import IntegrityError

from clientcrm import CRM, Actor, StorageError, Workspace
from clientcrm.stores.sql import SQLStore
from clientcrm.stores.sql import statements as sql
from clientcrm.stores.sql.bulk import read
from clientcrm.testing.conformance import event as booking_event

WS = "lane"


@pytest.fixture
def crm(sql_store: SQLStore) -> CRM:
    crm = CRM(sql_store)
    owner = Actor.owner(WS)
    crm.save_workspace(Workspace(WS, "Lane", timezone="Europe/Berlin"), owner)
    kate = crm.record(booking_event("completed", "b1"), owner)
    crm.record(booking_event("paid", "b1", amount="25.50"), owner)
    crm.tag(kate.id, ["yin", "morning"], owner)
    return crm


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        (sql.GET_WORKSPACE, {"ws": WS}),
        (sql.FIND_BY_EMAIL, {"ws": WS, "email": "kate@example.com"}),
        (sql.GET_BOOKING, {"ws": WS, "id": "b1"}),
        (sql.GET_BOOKING, {"ws": WS, "id": "no-such-booking"}),
    ],
)
def test_rows_read_through_the_driver_equal_sqlalchemys(
    crm: CRM, sql_store: SQLStore, statement: Any, params: dict[str, str]
) -> None:
    """Every column converted by its type, as SQLAlchemy's row mapping gives it."""
    with sql_store.engine.connect() as conn:
        expected = [dict(row) for row in conn.execute(statement, params).mappings()]
        assert read(conn, statement, params) == expected
    assert len(expected) == (0 if params.get("id") == "no-such-booking" else 1)


@contextmanager
def _executed_through_sqlalchemy(sql_store: SQLStore) -> Iterator[list[str]]:
    """The statements that go through SQLAlchemy's execution (not its cursor events)."""
    seen: list[str] = []

    def after_execute(conn: Connection, clause: Any, *rest: Any) -> None:
        seen.append(str(clause))

    event.listen(sql_store.engine, "after_execute", after_execute)
    try:
        yield seen
    finally:
        event.remove(sql_store.engine, "after_execute", after_execute)


def test_statements_go_through_sqlalchemy_only_while_someone_listens_for_them(
    crm: CRM, sql_store: SQLStore
) -> None:
    owner = Actor.owner(WS)
    with _executed_through_sqlalchemy(sql_store) as seen:
        crm.record(booking_event("booked", "b2"), owner)
    assert seen  # the listener hears what does go through SQLAlchemy
    assert not [s for s in seen if s.startswith("INSERT INTO crm_bookings") or _hot_read(s)]

    cursor_statements: list[str] = []

    def capture(conn: Connection, cursor: Any, statement: str, *rest: Any) -> None:
        cursor_statements.append(statement)

    event.listen(sql_store.engine, "before_cursor_execute", capture)
    try:
        crm.record(booking_event("booked", "b3"), owner)
    finally:
        event.remove(sql_store.engine, "before_cursor_execute", capture)
    assert any(_hot_read(s) for s in cursor_statements)


def _hot_read(statement: str) -> bool:
    """The workspace, or a client by email: read by every event recorded."""
    return "FROM crm_workspaces" in statement or "FROM crm_client_emails" in statement


def test_a_driver_error_is_sqlalchemys_and_undoes_the_unit_of_work(
    crm: CRM, sql_store: SQLStore
) -> None:
    with sql_store.unit_of_work() as uow:
        (booking,) = uow.bookings.get_many(WS, ["b1"]).values()
    with pytest.raises(StorageError) as raised, sql_store.unit_of_work() as uow:
        uow.bookings.add_many([booking])
    assert isinstance(raised.value.__cause__, IntegrityError)


def test_work_after_a_commit_is_in_a_new_transaction(crm: CRM, sql_store: SQLStore) -> None:
    """A unit of work that commits and goes on writing: what follows is rolled back with it."""
    with sql_store.unit_of_work() as uow:
        (booking,) = uow.bookings.get_many(WS, ["b1"]).values()
    second, third = attrs.evolve(booking, id="b-second"), attrs.evolve(booking, id="b-third")
    with sql_store.unit_of_work() as uow:
        uow.bookings.add_many([second])
        uow.commit()
        uow.bookings.add_many([third])  # never committed
    with sql_store.unit_of_work() as uow:
        assert set(uow.bookings.get_many(WS, ["b-second", "b-third"])) == {"b-second"}


def test_bookings_added_many_statements_at_a_time_all_land_in_order(
    crm: CRM, sql_store: SQLStore
) -> None:
    """On SQLite an insert puts many rows in each statement: every row of several full
    statements and a remainder lands, each exactly as given."""
    with sql_store.unit_of_work() as uow:
        (booking,) = uow.bookings.get_many(WS, ["b1"]).values()
    copies = [attrs.evolve(booking, id=f"b-many-{n:04d}", service=f"Class {n}") for n in range(250)]
    with sql_store.unit_of_work() as uow:
        uow.bookings.add_many(copies)
        uow.commit()
    with sql_store.unit_of_work() as uow:
        stored = uow.bookings.get_many(WS, [b.id for b in copies])
    assert [stored[b.id] for b in copies] == copies


def test_a_duplicate_in_a_later_statement_of_an_insert_leaves_nothing_behind(
    crm: CRM, sql_store: SQLStore
) -> None:
    with sql_store.unit_of_work() as uow:
        (booking,) = uow.bookings.get_many(WS, ["b1"]).values()
    copies = [attrs.evolve(booking, id=f"b-dup-{n:04d}") for n in range(200)]
    with pytest.raises(StorageError), sql_store.unit_of_work() as uow:
        uow.bookings.add_many([*copies, booking])  # b1 is stored already
    with sql_store.unit_of_work() as uow:
        assert not uow.bookings.get_many(WS, [b.id for b in copies])
