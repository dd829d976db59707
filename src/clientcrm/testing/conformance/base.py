"""The fixtures every contract uses; an adapter author overrides only ``store``."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from clientcrm.models.actor import Actor
from clientcrm.models.client import Client
from clientcrm.models.events import BookingEvent, BookingEventKind
from clientcrm.models.money import Money
from clientcrm.models.workspace import Workspace
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock

__all__ = ["StoreFixtures", "event"]

_ids = itertools.count()


def event(
    kind: str,
    booking_id: str,
    *,
    email: str = "kate@example.com",
    at: datetime | None = None,
    starts_at: datetime | None = None,
    amount: str | None = None,
    currency: str = "EUR",
    name: str | None = "Kate Smith",
    event_id: str | None = None,
    series_id: str | None = None,
) -> BookingEvent:
    """A booking event with sensible defaults, for tests."""
    at = at or datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    return BookingEvent(
        kind=BookingEventKind(kind),
        event_id=event_id or f"{booking_id}-{kind}-{next(_ids)}",
        booking_id=booking_id,
        occurred_at=at,
        email=email,
        service="Vinyasa Flow",
        starts_at=starts_at or at + timedelta(days=1),
        name=name,
        amount=Money(amount, currency) if amount is not None else None,
        series_id=series_id,
    )


class StoreFixtures:
    """The fixtures of the conformance kit.

    Override ``store`` (a fresh, empty store per test) in your test class; every other
    fixture is built on it.
    """

    @pytest.fixture
    def store(self) -> Store:
        """A fresh, empty store. Override this fixture: it is the one the kit cannot make."""
        msg = "override the `store` fixture to return your store"
        raise NotImplementedError(msg)

    @pytest.fixture
    def clock(self) -> FrozenClock:
        """The injected clock, frozen at 2026-01-15 12:00 UTC."""
        return FrozenClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))

    @pytest.fixture
    def crm(self, store: Store, clock: FrozenClock) -> CRM:
        """A `CRM` over the store with workspaces ``ws-a`` and ``ws-b`` set up."""
        crm = CRM(store, clock=clock)
        for ws in ("ws-a", "ws-b"):
            crm.save_workspace(
                Workspace(ws, f"Studio {ws}", timezone="Europe/London", phone_region="GB"),
                Actor.owner(ws),
            )
        return crm

    @pytest.fixture
    def owner(self) -> Actor:
        """The owner of ``ws-a``."""
        return Actor.owner("ws-a")

    @pytest.fixture
    def kate(self, crm: CRM, owner: Actor) -> Client:
        """A client of ``ws-a`` with one completed, paid booking."""
        crm.record(event("booked", "k1"), owner)
        crm.record(event("completed", "k1", at=datetime(2026, 1, 11, 10, tzinfo=UTC)), owner)
        return crm.record(
            event("paid", "k1", amount="20.00", at=datetime(2026, 1, 11, 11, tzinfo=UTC)), owner
        )
