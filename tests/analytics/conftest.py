"""A small studio with two years of history, its insights computed once per module."""

from datetime import UTC, datetime

import pytest

from clientcrm import CRM, Actor, Workspace
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.generators import make_studio, studio_events

END = datetime(2026, 6, 30, 18, tzinfo=UTC)


@pytest.fixture(scope="module")
def studio() -> tuple[CRM, Actor]:
    clock = FrozenClock(END)
    crm, owner = CRM(MemoryStore(), clock=clock), Actor.owner("yoga")
    crm.save_workspace(Workspace("yoga", "Yoga", timezone="Europe/Berlin"), owner)
    studio = make_studio(5, clients=150, end=END)
    crm.record_many(studio_events(studio, 5), owner)
    return crm, owner
