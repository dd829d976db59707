"""Faults one level down: the N-th SQL statement fails, for every N, on SQLite and PostgreSQL.

After each fault the workspace is its before-state or its after-state, SQLite's
``integrity_check`` and ``foreign_key_check`` are clean, and the operation succeeds when run
again. The number of faults injected is recorded as the test's ``faults_injected`` property.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clientcrm import CRM, Actor, Workspace
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance.faults import OPERATIONS, prepare, snapshot
from clientcrm.testing.faults import InjectedFaultError, failing_statement


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLStore]:
    if request.param == "sqlite":
        store = SQLStore(f"sqlite:///{tmp_path / 'crm.db'}")
        yield store
        store.close()
    else:
        yield request.getfixturevalue("postgres_store")


def _sqlite_is_sound(store: SQLStore) -> None:
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        conn.exec_driver_sql(
            "INSERT INTO crm_client_search (crm_client_search, rank) VALUES ('integrity-check', 1)"
        )


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_failing_statement_leaves_before_or_after(
    store: SQLStore,
    clock: FrozenClock,
    operation: str,
    request: pytest.FixtureRequest,
) -> None:
    """Every statement of the operation, in turn, fails: nothing is ever left half done."""
    act = OPERATIONS[operation]
    crm = CRM(store, clock=clock)

    def workspace(name: str) -> tuple[Actor, dict[str, str]]:
        owner = Actor.owner(name)
        crm.save_workspace(Workspace(name, name, phone_region="GB"), owner)
        return owner, prepare(crm, owner)

    owner, ids = workspace("reference")
    with failing_statement(store.engine, fail_at=0) as sent:
        act(crm, owner, ids)
    after = snapshot(crm, owner)
    statements = len(sent)
    for fail_at in range(1, statements + 1):
        owner, ids = workspace(f"fault-{fail_at}")
        before = snapshot(crm, owner)
        with pytest.raises(InjectedFaultError), failing_statement(store.engine, fail_at):
            act(crm, owner, ids)
        assert snapshot(crm, owner) in (before, after), f"fault at statement {fail_at}"
        _sqlite_is_sound(store)
        act(crm, owner, ids)
        assert snapshot(crm, owner) == after, f"retry after the fault at statement {fail_at}"
    assert statements >= 3
    request.node.user_properties.append(("faults_injected", statements))
