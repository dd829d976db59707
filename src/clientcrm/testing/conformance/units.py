"""Contract: units of work are atomic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clientcrm.errors import DuplicateClientError, NotFoundError, PlanLimitError
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client
from clientcrm.models.workspace import Workspace
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["UnitOfWorkContract"]

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _client(client_id: str, email: str, workspace_id: str = "ws-a") -> Client:
    return Client(client_id, workspace_id, "Someone", email, T0)


class UnitOfWorkContract(StoreFixtures):
    """A unit of work commits whole or not at all."""

    def test_nothing_is_kept_without_commit(self, store: Store) -> None:
        """Leaving the block without commit discards every write."""
        with store.unit_of_work() as uow:
            uow.workspaces.save(Workspace("w", "W"))
        with store.unit_of_work() as uow, pytest.raises(NotFoundError):
            uow.workspaces.get("w")

    def test_an_error_rolls_back_every_write(self, store: Store) -> None:
        """An exception inside the block undoes the writes made before it."""
        with store.unit_of_work() as uow:
            uow.workspaces.save(Workspace("w", "W"))
            uow.commit()

        def fail_midway() -> None:
            with store.unit_of_work() as uow:
                uow.clients.add([_client("c1", "a@example.com", "w")])
                uow.workspaces.save(Workspace("w", "Renamed"))
                raise RuntimeError

        with pytest.raises(RuntimeError):
            fail_midway()
        with store.unit_of_work() as uow:
            assert uow.clients.count("w") == 0
            assert uow.workspaces.get("w").name == "W"

    def test_commit_makes_writes_visible(self, store: Store) -> None:
        """Committed writes are seen by the next unit of work."""
        with store.unit_of_work() as uow:
            uow.workspaces.save(Workspace("w", "W"))
            uow.clients.add([_client("c1", "a@example.com", "w")])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.clients.get("w", "c1").email == "a@example.com"

    def test_a_second_client_with_a_taken_email_is_refused(self, store: Store) -> None:
        """Adding a client whose email is taken raises `DuplicateClientError` naming the holder."""
        with store.unit_of_work() as uow:
            uow.workspaces.save(Workspace("w", "W"))
            uow.clients.add([_client("c1", "a@example.com", "w")])
            with pytest.raises(DuplicateClientError) as caught:
                uow.clients.add([_client("c2", "a@example.com", "w")])
            assert caught.value.existing_client_id == "c1"

    def test_a_failed_batch_records_nothing(self, crm: CRM, owner: Actor) -> None:
        """When one event of a batch is refused, none of the batch is kept."""
        crm.save_workspace(Workspace("ws-a", "A", client_limit=2), owner)
        events = [event("booked", f"b{n}", email=f"p{n}@example.com") for n in range(3)]
        with pytest.raises(PlanLimitError):
            crm.record_many(events, owner)
        with crm.store.unit_of_work() as uow:
            assert uow.clients.count("ws-a") == 0
            assert uow.bookings.get_many("ws-a", ["b0", "b1"]) == {}
