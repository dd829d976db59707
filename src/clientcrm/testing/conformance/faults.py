"""Contract: a failure at any call leaves a workspace as it was, or as it would be after.

For each of a batch of booking events, a manual edit, a new note and a class booked with a
credit, the operation is run
once to count its store calls, then once per call with that call failing (`FaultyStore`).
After every fault the workspace is exactly its before-state or its after-state, never
between, and running the operation again gives the after-state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clientcrm.models.actor import Actor
from clientcrm.models.events import ActivityEvent, OrderEvent
from clientcrm.models.money import Money
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.models.workspace import Workspace
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock
from clientcrm.testing.conformance.base import StoreFixtures, event
from clientcrm.testing.faults import FaultyStore, InjectedFaultError

__all__ = ["OPERATIONS", "FaultContract", "check_every_fault", "prepare", "snapshot"]

T0 = datetime(2026, 2, 2, 9, tzinfo=UTC)


def prepare(crm: CRM, owner: Actor) -> dict[str, str]:
    """Two clients: Kate with a booking, Lee added by hand with a tag and a class pass."""
    crm.record(event("booked", "k1", email="kate@example.com", at=T0, event_id="e1"), owner)
    lee = crm.add_client(owner, name="Lee Park", email="lee@example.com", tags=["trial"])
    crm.credits.purchase(lee.id, 2, owner, at=T0, package_id="pass-lee")
    return {"kate": crm.find_client("kate@example.com", owner).id, "lee": lee.id}


def _batch(crm: CRM, owner: Actor, ids: dict[str, str]) -> None:
    """One unit of work: a new client, a status change, a payment, a partial refund, an order
    and a form (Kate's journey moves on; Nia's and Ola's begin)."""
    hour = timedelta(hours=1)
    crm.record_many(
        [
            OrderEvent(
                "paid", "o1", "ord-1", T0 + hour, "kate@example.com", "Mat", Money("25", "EUR")
            ),
            ActivityEvent("form", "f1", T0 + hour, "ola@example.com", title="Waiver"),
            event("completed", "k1", email="kate@example.com", at=T0 + hour, event_id="e2"),
            event("paid", "k1", email="kate@example.com", at=T0 + hour, amount="30", event_id="e3"),
            event("booked", "n1", email="nia@example.com", at=T0 + 2 * hour, event_id="e4"),
            event(
                "paid", "n1", email="nia@example.com", at=T0 + 2 * hour, amount="15", event_id="e5"
            ),
            event(
                "partially_refunded",
                "k1",
                email="kate@example.com",
                at=T0 + 3 * hour,
                amount="10",
                event_id="e6",
            ),
        ],
        owner,
    )


def _edit(crm: CRM, owner: Actor, ids: dict[str, str]) -> None:
    """A manual edit: name, email (an index and a table of emails) and phone."""
    crm.edit_client(
        ids["lee"], owner, name="Lee Parker", email="lee.parker@example.com", phone="+442071234567"
    )


def _note(crm: CRM, owner: Actor, ids: dict[str, str]) -> None:
    crm.add_note(ids["kate"], "Prefers the back row", owner)


def _credit(crm: CRM, owner: Actor, ids: dict[str, str]) -> None:
    """A class booked with a credit: a ledger entry, its package and Lee's summary."""
    crm.credits.consume(ids["lee"], "l1", owner, at=T0 + timedelta(hours=1))


OPERATIONS: dict[str, Callable[[CRM, Actor, dict[str, str]], None]] = {
    "a batch of booking events": _batch,
    "a manual edit": _edit,
    "a note": _note,
    "a class booked with a credit": _credit,
}


def snapshot(crm: CRM, owner: Actor) -> list[tuple[Any, ...]]:
    """Everything a workspace holds, client by client by email (without ids, which differ
    from run to run)."""
    every = ClientQuery(sort=SortKey.NAME, include_inactive=True, limit=500)
    state = []
    for client in crm.list_clients(every, owner).clients:
        detail = crm.client_detail(client.id, owner)
        state.append(
            (
                client.email,
                client.name,
                client.phone,
                sorted(client.aliases),
                sorted(client.tags),
                sorted(flag.value for flag in client.flags),
                client.figures,
                client.journey,
                client.credits,
                _credits(crm, client.id, owner),
                _history(crm, client.id, owner),
                [(b.id, b.status, b.amount_paid, b.amount_refunded) for b in detail.bookings],
                [(n.text, n.pinned, n.visibility) for n in crm.notes(client.id, owner)],
            )
        )
    return sorted(state)


def _credits(crm: CRM, client_id: str, owner: Actor) -> tuple[Any, ...]:
    packages = [
        (p.id, p.name, p.credits, p.balance, p.expires_at, p.entries)
        for p in crm.credits.packages(client_id, owner)
    ]
    ledger = [
        (e.package_id, e.seq, e.kind, e.credits, e.balance, e.at, e.booking_id)
        for e in crm.credits.ledger(client_id, owner)
    ]
    return (packages, ledger)


def _history(crm: CRM, client_id: str, owner: Actor) -> tuple[Any, ...]:
    view = crm.journey(client_id, owner)
    changes = [(c.seq, c.previous, c.stage, c.at, c.trigger) for c in view.changes]
    return (changes, [(m.kind, m.at, m.trigger) for m in view.milestones])


Injector = Callable[[int], AbstractContextManager[CRM]]
"""Gives a `CRM` whose ``n``-th store call, or statement, fails (never, for 0)."""


def check_every_fault(
    plain: CRM,
    operation: str,
    inject: Injector,
    calls: Callable[[], int],
    *,
    check: Callable[[], None] = lambda: None,
) -> int:
    """Run ``operation`` once to count its calls, then once per call with that call failing.

    After each fault the workspace must be as before or as after, ``check`` must pass, and
    running the operation again (on ``plain``) must reach the after-state. Returns the number
    of faults injected.
    """
    act = OPERATIONS[operation]

    def workspace(name: str) -> tuple[Actor, dict[str, str]]:
        owner = Actor.owner(name)
        plain.save_workspace(Workspace(name, name, phone_region="GB"), owner)
        return owner, prepare(plain, owner)

    owner, ids = workspace("faults-reference")
    with inject(0) as counting:
        act(counting, owner, ids)
    total = calls()
    after = snapshot(plain, owner)
    for fail_at in range(1, total + 1):
        owner, ids = workspace(f"faults-{fail_at}")
        before = snapshot(plain, owner)
        with pytest.raises(InjectedFaultError), inject(fail_at) as faulty:
            act(faulty, owner, ids)
        assert snapshot(plain, owner) in (before, after), f"fault at call {fail_at}"
        check()
        act(plain, owner, ids)
        assert snapshot(plain, owner) == after, f"retry after the fault at call {fail_at}"
    assert total >= 3
    return total


class FaultContract(StoreFixtures):
    """Faults at every call of an operation leave nothing half done."""

    @pytest.mark.parametrize("operation", list(OPERATIONS))
    def test_a_fault_at_any_call_leaves_before_or_after(
        self,
        store: Store,
        clock: FrozenClock,
        operation: str,
        request: pytest.FixtureRequest,
    ) -> None:
        """Before-state or after-state after each fault; the retry reaches the after-state."""
        injected: list[FaultyStore] = []

        @contextmanager
        def inject(fail_at: int) -> Iterator[CRM]:
            injected.append(FaultyStore(store, fail_at))
            yield CRM(injected[-1], clock=clock)

        plain = CRM(store, clock=clock)
        total = check_every_fault(plain, operation, inject, lambda: injected[0].calls)
        request.node.user_properties.append(("faults_injected", total))
