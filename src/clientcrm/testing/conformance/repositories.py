"""Contracts of the repositories, method by method, as the ports' docstrings state them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from clientcrm.errors import NotFoundError, StorageError
from clientcrm.models.booking import Booking, BookingStatus, Version
from clientcrm.models.client import Client, ClientFigures, Flag
from clientcrm.models.note import Note, NoteVisibility
from clientcrm.models.workspace import Workspace
from clientcrm.policies import Policies, StatusPolicy
from clientcrm.ports import Store, UnitOfWork
from clientcrm.testing.conformance.base import StoreFixtures

__all__ = [
    "BookingRepositoryContract",
    "ClientRepositoryContract",
    "NoteRepositoryContract",
    "WorkspaceRepositoryContract",
]

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _setup(uow: UnitOfWork) -> None:
    for ws in ("a", "b"):
        uow.workspaces.save(Workspace(ws, ws.upper()))


def _client(client_id: str, ws: str = "a", **changes: Any) -> Client:
    client = Client(client_id, ws, f"Client {client_id}", f"{client_id}@example.com", T0)
    return attrs.evolve(client, **changes)


def _booking(booking_id: str, client_id: str, ws: str = "a", hours: int = 0) -> Booking:
    version = Version(T0, f"e-{booking_id}")
    return Booking(
        id=booking_id,
        workspace_id=ws,
        client_id=client_id,
        service="Yin",
        starts_at=T0 + timedelta(hours=hours),
        status=BookingStatus.COMPLETED,
        first_event_at=T0,
        details_version=version,
        status_version=version,
        amount_paid=Decimal("12.50"),
        paid_version=version,
    )


class WorkspaceRepositoryContract(StoreFixtures):
    """Workspaces are stored with their policies."""

    def test_missing_workspace_is_not_found(self, store: Store) -> None:
        """`get` of an unknown id raises `NotFoundError`."""
        with store.unit_of_work() as uow, pytest.raises(NotFoundError):
            uow.workspaces.get("nope")

    def test_save_replaces_settings_and_policies(self, store: Store) -> None:
        """Saving again replaces the settings, policies included."""
        policies = Policies(status=StatusPolicy(lapsed_after_days=60))
        changed = Workspace(
            "a", "Renamed", timezone="Asia/Tokyo", currency="JPY", policies=policies
        )
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.workspaces.save(changed)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.workspaces.get("a") == changed


class ClientRepositoryContract(StoreFixtures):
    """Clients: lookup by id and email, updates, figures, isolation."""

    def test_get_is_confined_to_the_workspace(self, store: Store) -> None:
        """A client of workspace a is not found through workspace b."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1")])
            assert uow.clients.get("a", "c1").id == "c1"
            with pytest.raises(NotFoundError):
                uow.clients.get("b", "c1")

    def test_emails_find_clients_by_primary_and_alias(self, store: Store) -> None:
        """`find_by_emails` maps primary emails and aliases, in the workspace only."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1", aliases=frozenset({"old@example.com"}))])
            found = uow.clients.find_by_emails("a", ["c1@example.com", "old@example.com", "x@y.z"])
            assert {e: c.id for e, c in found.items()} == {
                "c1@example.com": "c1",
                "old@example.com": "c1",
            }
            assert uow.clients.find_by_emails("b", ["c1@example.com"]) == {}

    def test_every_field_round_trips(self, store: Store) -> None:
        """What `add` stores, `get` returns, field for field."""
        full = _client(
            "c1",
            phone="+447700900123",
            aliases=frozenset({"kate@work.example"}),
            phone_aliases=frozenset({"+447700900456", "+351912345678"}),
            language="pt-BR",
            avatar_url="https://example.com/a.png",
            tags=frozenset({"Injury", "Beginner"}),
            flags=frozenset({Flag.VIP, Flag.INACTIVE}),
            custom={"mat": "own", "level": 3, "notes": ["a", None]},
            figures=ClientFigures(
                bookings=3,
                spend=Decimal("123.45"),
                first_booking_at=T0,
                last_booking_at=T0 + timedelta(days=3),
                last_attended_at=T0 + timedelta(days=2),
                last_activity_at=T0 + timedelta(days=4),
            ),
        )
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([full])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.clients.get("a", "c1") == full

    def test_update_replaces_emails_and_tags(self, store: Store) -> None:
        """After `update`, a dropped alias no longer finds the client and tags are replaced."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1", aliases=frozenset({"old@example.com"}), tags={"x"})])
            uow.clients.update(
                _client("c1", email="new@example.com", tags=frozenset({"y"}), name="Renamed")
            )
            found = uow.clients.find_by_emails("a", ["old@example.com", "new@example.com"])
            assert set(found) == {"new@example.com"}
            assert uow.clients.get("a", "c1").tags == {"y"}
            with pytest.raises(NotFoundError):
                uow.clients.update(_client("ghost"))

    def test_update_figures_writes_only_figures(self, store: Store) -> None:
        """`update_figures` changes created_at and figures and leaves the rest alone."""
        figures = ClientFigures(bookings=2, spend=Decimal("40.00"), last_activity_at=T0)
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1")])
            earlier = T0 - timedelta(days=1)
            uow.clients.update_figures(
                [_client("c1", name="Ignored", created_at=earlier, figures=figures)]
            )
            stored = uow.clients.get("a", "c1")
        assert stored.figures == figures
        assert stored.created_at == earlier
        assert stored.name == "Client c1"

    def test_count_and_iteration_per_workspace(self, store: Store) -> None:
        """`count` and `iter_workspace` see only their workspace; iteration is by id."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client(f"c{n:04d}") for n in reversed(range(1203))])
            uow.clients.add([_client("z", ws="b")])
            assert uow.clients.count("a") == 1203
            ids = [c.id for c in uow.clients.iter_workspace("a")]
        assert ids == sorted(ids)
        assert len(ids) == 1203

    def test_get_many_and_remove(self, store: Store) -> None:
        """`get_many` leaves out unknown ids and other workspaces; `remove` frees the
        client's emails for another client and is `NotFoundError` when absent."""
        kate = _client("k", aliases=frozenset({"kate@work.example"}))
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([kate, _client("j"), _client("x", ws="b")])
            found = uow.clients.get_many("a", ["k", "j", "x", "nobody"])
            assert {k: (c.id, c.aliases) for k, c in found.items()} == {
                "k": ("k", kate.aliases),
                "j": ("j", frozenset()),
            }
            uow.clients.remove("a", "k")
            uow.clients.add([_client("k2", email="kate@work.example")])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.clients.get_many("a", ["k"]) == {}
            assert uow.clients.find_by_emails("a", ["k@example.com"]) == {}
            assert (
                uow.clients.find_by_emails("a", ["kate@work.example"])["kate@work.example"].id
                == "k2"
            )
            with pytest.raises(NotFoundError):
                uow.clients.remove("a", "k")


class BookingRepositoryContract(StoreFixtures):
    """Bookings: upsert by id, lookups, per-client history."""

    def test_save_many_inserts_then_replaces(self, store: Store) -> None:
        """Saving a booking with a known id replaces it."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1")])
            uow.bookings.save_many([_booking("b1", "c1")])
            cancelled = attrs.evolve(_booking("b1", "c1"), status=BookingStatus.CANCELLED)
            uow.bookings.save_many([cancelled])
            assert uow.bookings.get_many("a", ["b1", "missing"]) == {"b1": cancelled}
            assert uow.bookings.get_many("b", ["b1"]) == {}

    def test_add_many_refuses_a_booking_that_exists(self, store: Store) -> None:
        """`add_many` inserts new bookings; one that exists raises `StorageError`, and the
        unit of work keeps nothing of it."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1")])
            uow.bookings.add_many([_booking("b1", "c1"), _booking("b2", "c1")])
            uow.commit()
        cancelled = attrs.evolve(_booking("b1", "c1"), status=BookingStatus.CANCELLED)
        with pytest.raises(StorageError), store.unit_of_work() as uow:
            uow.bookings.add_many([_booking("b3", "c1"), cancelled])
        with store.unit_of_work() as uow:
            assert uow.bookings.get_many("a", ["b1", "b2", "b3"]) == {
                "b1": _booking("b1", "c1"),
                "b2": _booking("b2", "c1"),
            }

    def test_history_is_oldest_first(self, store: Store) -> None:
        """`for_clients` lists each client's bookings by start, then id."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1"), _client("c2")])
            uow.bookings.save_many(
                [
                    _booking("b3", "c1", hours=5),
                    _booking("b2", "c1", hours=1),
                    _booking("b1", "c1", hours=1),
                ]
            )
            uow.bookings.save_many([_booking("b9", "c2")])
            history = uow.bookings.for_clients("a", ["c1", "c2", "nobody"])
        assert [b.id for b in history["c1"]] == ["b1", "b2", "b3"]
        assert [b.id for b in history["c2"]] == ["b9"]
        assert "nobody" not in history


class NoteRepositoryContract(StoreFixtures):
    """Notes: order, update, delete."""

    def _note(self, note_id: str, minutes: int, *, pinned: bool = False) -> Note:
        at = T0 + timedelta(minutes=minutes)
        return Note(note_id, "a", "c1", "u1", "text", NoteVisibility.TEAM, at, at, pinned)

    def test_pinned_first_then_newest(self, store: Store) -> None:
        """`for_client` lists pinned notes first, then newest first."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1")])
            for note in (
                self._note("n1", 1),
                self._note("n2", 2),
                self._note("n3", 0, pinned=True),
            ):
                uow.notes.add(note)
            assert [n.id for n in uow.notes.for_client("a", "c1")] == ["n3", "n2", "n1"]
            assert uow.notes.for_client("b", "c1") == []

    def test_update_and_delete_need_the_note(self, store: Store) -> None:
        """Updating or deleting a missing note raises `NotFoundError`."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.clients.add([_client("c1")])
            uow.notes.add(self._note("n1", 1))
            uow.notes.update(attrs.evolve(self._note("n1", 1), text="edited"))
            assert uow.notes.get("a", "n1").text == "edited"
            uow.notes.delete("a", "n1")
            with pytest.raises(NotFoundError):
                uow.notes.delete("a", "n1")
            with pytest.raises(NotFoundError):
                uow.notes.update(self._note("n1", 1))
