"""Faults one level down: the N-th SQL statement fails, for every N, on SQLite and PostgreSQL.

After each fault the workspace is its before-state or its after-state, SQLite's
``integrity_check`` and ``foreign_key_check`` are clean, and the operation succeeds when run
again. The number of faults injected is recorded as the test's ``faults_injected`` property.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from clientcrm import CRM
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance.faults import OPERATIONS, check_every_fault
from clientcrm.testing.faults import failing_statement


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
    sql_store: SQLStore,
    clock: FrozenClock,
    operation: str,
    request: pytest.FixtureRequest,
) -> None:
    """Every statement of the operation, in turn, fails: nothing is ever left half done."""
    crm = CRM(sql_store, clock=clock)
    sent: list[list[str]] = []

    @contextmanager
    def inject(fail_at: int) -> Iterator[CRM]:
        with failing_statement(sql_store.engine, fail_at) as statements:
            sent.append(statements)
            yield crm

    def sound() -> None:
        _sqlite_is_sound(sql_store)

    total = check_every_fault(crm, operation, inject, lambda: len(sent[0]), check=sound)
    request.node.user_properties.append(("faults_injected", total))
