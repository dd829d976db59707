"""Every booking belongs to a client of its workspace, on every SQL engine.

SQLite declares the foreign key; PostgreSQL keeps its rule with triggers that check each
statement at once (`clientcrm.stores.sql.integrity`). Both refuse the same things, and on
PostgreSQL a removal of a client waits for a transaction that is adding its bookings.
"""

from collections.abc import Callable
from datetime import UTC, datetime

import attrs
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError, OperationalError

from clientcrm import StorageError, Workspace
from clientcrm.models.booking import Booking, BookingStatus, Version
from clientcrm.models.client import Client
from clientcrm.ports import UnitOfWork
from clientcrm.stores.sql import SQLStore

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _client(client_id: str) -> Client:
    return Client(client_id, "w", f"Client {client_id}", f"{client_id}@example.com", T0)


def _booking(booking_id: str, client_id: str) -> Booking:
    version = Version(T0, f"e-{booking_id}")
    return Booking(
        booking_id, "w", client_id, "Yin", T0, BookingStatus.COMPLETED, T0, version, version
    )


@pytest.fixture
def store(sql_store: SQLStore) -> SQLStore:
    """A workspace with client ``kate`` and her bookings ``b1`` and ``b2``."""
    with sql_store.unit_of_work() as uow:
        uow.workspaces.save(Workspace("w", "W"))
        uow.clients.add([_client("kate"), _client("lee")])
        uow.bookings.add_many([_booking("b1", "kate"), _booking("b2", "kate")])
        uow.commit()
    return sql_store


def _bookings(store: SQLStore) -> dict[str, str]:
    with store.unit_of_work() as uow:
        found = uow.bookings.get_many("w", ["b1", "b2", "b3", "b4"])
    return {booking_id: booking.client_id for booking_id, booking in found.items()}


def _save(store: SQLStore, write: Callable[[UnitOfWork], None]) -> None:
    with store.unit_of_work() as uow:
        write(uow)
        uow.commit()


def _refused(store: SQLStore, write: Callable[[UnitOfWork], None]) -> None:
    """``write`` fails, and leaves the bookings as they were."""
    before = _bookings(store)
    with pytest.raises(StorageError):
        _save(store, write)
    assert _bookings(store) == before


def test_new_bookings_must_name_an_existing_client(store: SQLStore) -> None:
    """A batch with one booking of a missing client is refused whole, by either write."""
    _refused(
        store, lambda uow: uow.bookings.add_many([_booking("b3", "kate"), _booking("b4", "x")])
    )
    _refused(
        store, lambda uow: uow.bookings.save_many([_booking("b3", "lee"), _booking("b4", "x")])
    )
    _save(store, lambda uow: uow.bookings.save_many([_booking("b3", "lee")]))
    assert _bookings(store) == {"b1": "kate", "b2": "kate", "b3": "lee"}


def test_a_booking_moves_only_to_an_existing_client(store: SQLStore) -> None:
    """Replacing a booking may change its client (a merge), never to a missing one."""
    _refused(store, lambda uow: uow.bookings.save_many([_booking("b1", "nobody")]))
    _save(store, lambda uow: uow.bookings.save_many([_booking("b1", "lee")]))
    assert _bookings(store) == {"b1": "lee", "b2": "kate"}


def _sql(store: SQLStore, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM crm_clients WHERE workspace_id = 'w'",
        "UPDATE crm_clients SET client_id = 'kate-2' WHERE client_id = 'kate'",
    ],
)
def test_a_client_with_bookings_keeps_them(store: SQLStore, statement: str) -> None:
    """Nobody, clientcrm or not, removes or renames a client its bookings name."""
    _sql(store, "DELETE FROM crm_client_emails WHERE workspace_id = 'w'")
    with pytest.raises(IntegrityError, match=r"(?i)foreign key|client with bookings"):
        _sql(store, statement)
    _sql(store, "DELETE FROM crm_clients WHERE client_id = 'lee'")  # no bookings: allowed
    _sql(store, "UPDATE crm_bookings SET client_id = 'kate' WHERE booking_id = 'b1'")
    assert _bookings(store) == {"b1": "kate", "b2": "kate"}


@pytest.fixture
def lee(postgres_store: SQLStore) -> SQLStore:
    """PostgreSQL, with client ``lee`` and no bookings."""
    _save(postgres_store, lambda uow: uow.workspaces.save(Workspace("w", "W")))
    _save(postgres_store, lambda uow: uow.clients.add([_client("lee")]))
    return postgres_store


def test_adding_bookings_holds_off_the_removal_of_their_client(lee: SQLStore) -> None:
    """PostgreSQL: until a transaction adding bookings for a client ends, the client cannot
    be removed; after it, the bookings keep it."""
    with lee.unit_of_work() as uow, lee.engine.connect() as other:
        uow.bookings.add_many([_booking("b3", "lee")])
        other.execute(text("SET lock_timeout = '200ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            _remove_lee(other)
        other.rollback()
        uow.commit()
    with lee.engine.connect() as other, pytest.raises(IntegrityError, match="bookings"):
        _remove_lee(other)


def test_a_removal_that_began_before_new_bookings_fails(lee: SQLStore) -> None:
    """PostgreSQL, ``REPEATABLE READ``: a removal whose snapshot predates bookings added and
    committed meanwhile does not see them, and must fail rather than orphan them."""
    with lee.engine.connect() as other:
        other.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        assert other.execute(text("SELECT count(*) FROM crm_bookings")).scalar_one() == 0
        _save(lee, lambda uow: uow.bookings.add_many([_booking("b3", "lee")]))
        with pytest.raises(OperationalError, match="could not serialize"):
            _remove_lee(other)
    assert _bookings(lee) == {"b3": "lee"}


def _remove_lee(conn: Connection) -> None:
    conn.execute(text("DELETE FROM crm_client_emails WHERE client_id = 'lee'"))
    conn.execute(text("DELETE FROM crm_clients WHERE client_id = 'lee'"))


def test_merged_bookings_keep_their_other_facts(store: SQLStore) -> None:
    """The staged replace writes every column, not just the client."""
    paid = attrs.evolve(
        _booking("b2", "lee"), amount_paid=attrs.fields(Booking).amount_paid.default
    )
    with store.unit_of_work() as uow:
        changed = attrs.evolve(paid, service="Hatha", status=BookingStatus.CANCELLED)
        uow.bookings.save_many([changed])
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.bookings.get_many("w", ["b2"]) == {"b2": changed}
