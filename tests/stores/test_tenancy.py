"""Every statement the SQL store sends names the workspace it is about (SPEC section 2).

So a deployment can distribute every table by ``workspace_id`` (Citus and the like) and route
each statement to one shard. Captured from a workload that calls every kind of `CRM` write
and read, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from clientcrm import CRM, Actor, ClientQuery, Flag, SortKey, StatusPill, Workspace
from clientcrm.stores.sql import SQLStore
from clientcrm.testing.conformance import event as booking_event

_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SET)\b", re.I)
_INSERTS_WORKSPACE = re.compile(r"^\s*INSERT INTO \S+ \([^)]*\bworkspace_id\b")
_FILTERS_WORKSPACE = re.compile(r"\bWHERE\b.*\bworkspace_id\s*(=|IN\b)", re.S)
_SEARCH_INDEX_BY_KEY = re.compile(r"crm_client_search.*\browid\b", re.S)
_STAGING = re.compile(r"^\s*(CREATE TEMPORARY TABLE IF NOT EXISTS|TRUNCATE) crm_\w+_stage\b")
"""PostgreSQL's staging of changed rows: a temporary table of the session, never shared."""


def _names_workspace(statement: str) -> bool:
    return any(
        pattern.search(statement)
        for pattern in (_INSERTS_WORKSPACE, _FILTERS_WORKSPACE, _SEARCH_INDEX_BY_KEY)
    )


def _workload(crm: CRM) -> None:
    owner = Actor.owner("ws-a")
    crm.save_workspace(Workspace("ws-a", "A"), owner)
    crm.save_workspace(Workspace("ws-a", "A renamed"), owner)
    for n in range(3):
        crm.record(booking_event("completed", f"b{n}", email="kate@example.com"), owner)
    crm.record(booking_event("cancelled", "b0", email="kate@example.com"), owner)
    lee = "lee@example.com"
    booked = booking_event("booked", "b9", email=lee)
    crm.record_many([booked, booking_event("paid", "b9", email=lee, amount="9")], owner)
    kate = crm.find_client("kate@example.com", owner)
    added = crm.add_client(owner, name="Ann Lee", email="ann@example.com", tags=["new"])
    crm.edit_client(added.id, owner, name="Ann Leigh", email="ann.leigh@example.com")
    crm.flag(added.id, Flag.VIP, owner)
    crm.tag(kate.id, ["regular"], owner)
    crm.untag(kate.id, ["regular"], owner)
    note = crm.add_note(kate.id, "Knee injury", owner)
    crm.edit_note(note.id, "Knee injury, healing", owner)
    crm.pin_note(note.id, owner)
    crm.notes(kate.id, owner)
    crm.delete_note(note.id, owner)
    crm.client_detail(kate.id, owner)
    for query in (
        ClientQuery(),
        ClientQuery(search="ann lei"),
        ClientQuery(statuses={StatusPill.NEW}, tags_any={"new"}, sort=SortKey.SPEND),
        ClientQuery(tags_all={"new"}, bookings_min=0, limit=1),
    ):
        page = crm.list_clients(query, owner)
        if page.next_cursor:
            crm.list_clients(ClientQuery(cursor=page.next_cursor, limit=1), owner)
    crm.rebuild(owner)
    crm.insights(owner)
    crm.cohort_retention(owner)
    crm.monthly_bookings(owner)
    crm.spend_distribution(owner)
    crm.slipping(owner)


def test_every_statement_names_its_workspace(sql_store: SQLStore) -> None:
    """Each statement on clientcrm's tables filters by (or inserts) ``workspace_id``.

    SQLite's search index is addressed by search key, whose high bits are the workspace's:
    written by key, asked within the workspace's range of keys."""
    seen: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen.append(statement)

    event.listen(sql_store.engine, "before_cursor_execute", capture)
    try:
        _workload(CRM(sql_store))
    finally:
        event.remove(sql_store.engine, "before_cursor_execute", capture)
    data = [s for s in seen if not (_CONTROL.match(s) or _STAGING.match(s)) and "crm_" in s]
    assert len(data) > 40
    assert [s for s in data if not _names_workspace(s)] == []
