"""Shared fixtures: a CRM over the memory store with a frozen clock."""

from datetime import UTC, datetime

import pytest

from clientcrm import CRM, Actor, Workspace
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))


@pytest.fixture
def owner() -> Actor:
    return Actor.owner("ws-a")


@pytest.fixture
def crm(clock: FrozenClock, owner: Actor) -> CRM:
    crm = CRM(MemoryStore(), clock=clock)
    crm.save_workspace(
        Workspace("ws-a", "Studio A", timezone="Europe/London", phone_region="GB"), owner
    )
    return crm
