"""The memory store and the SQL store give identical answers to the same history."""

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcrm import CRM, Actor, ClientQuery, SortKey, StatusPill, Workspace
from clientcrm.models.events import BookingEvent
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore, search
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance.properties import observable_state
from clientcrm.testing.strategies import EPOCH, booking_histories, names_and_searches

_workspaces = itertools.count()


def _ids() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"c{next(counter):08d}"


@pytest.fixture(scope="module")
def crms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CRM, CRM]]:
    clock = FrozenClock(EPOCH.replace(year=EPOCH.year + 1))
    sql = SQLStore(f"sqlite:///{tmp_path_factory.mktemp('eq') / 'crm.db'}")
    # The same id sequence on both sides, so ties in a sort break the same way.
    yield (
        CRM(MemoryStore(), clock=clock, ids=_ids()),
        CRM(sql, clock=clock, ids=_ids()),
    )
    sql.close()


QUERIES = (
    [ClientQuery(sort=sort, limit=3) for sort in SortKey]
    + [ClientQuery(statuses={pill}) for pill in StatusPill]
    + [ClientQuery(growing=True), ClientQuery(search="ana"), ClientQuery(inactive_days_min=200)]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=booking_histories())
def test_both_stores_agree(crms: tuple[CRM, CRM], history: list[BookingEvent]) -> None:
    """Figures, details, every list query's pages and every insight are the same on both
    stores."""
    ws = f"eq-{next(_workspaces)}"
    actor = Actor.owner(ws)
    answers = []
    for crm in crms:
        crm.save_workspace(Workspace(ws, ws, timezone="Asia/Kolkata"), actor)
        crm.record_many(history, actor, batch_size=4)
        pages = [
            [(c.email, c.figures) for c in crm.iter_clients(query, actor)] for query in QUERIES
        ]
        analytics = (
            crm.insights(actor),
            crm.cohort_retention(actor),
            crm.slipping(actor),
            crm.monthly_bookings(actor, months=14),
            crm.spend_distribution(actor, bins=7),
        )
        answers.append((observable_state(crm, actor), pages, analytics))
    assert answers[0] == answers[1]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=names_and_searches(), few_matches=st.booleans())
def test_search_agrees_on_both_stores_and_both_plans(
    crms: tuple[CRM, CRM],
    case: tuple[list[str], list[str]],
    few_matches: bool,
) -> None:
    """Any names and searches find the same clients in memory and in SQL, whichever plan
    SQLite chooses (looking matches up by key, or walking the sort's index)."""
    names, searches = case
    ws = f"search-{next(_workspaces)}"
    actor = Actor.owner(ws)
    found = []
    for crm in crms:
        crm.save_workspace(Workspace(ws, ws), actor)
        for n, name in enumerate(names):
            crm.add_client(actor, name=name, email=f"p{n}@example.com")
        with _plan(few_matches=few_matches):
            found.append(
                [
                    [c.email for c in crm.iter_clients(ClientQuery(search=s), actor)]
                    for s in searches
                ]
            )
    assert found[0] == found[1]


@contextmanager
def _plan(*, few_matches: bool) -> Iterator[None]:
    """Make SQLite treat every search as matching few clients, or many."""
    before = search.FEW_MATCHES
    search.FEW_MATCHES = 10**9 if few_matches else 0
    try:
        yield
    finally:
        search.FEW_MATCHES = before
