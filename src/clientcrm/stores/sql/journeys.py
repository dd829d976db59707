"""The SQL repositories of orders, activities, external purchases, stage histories and
milestones."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import BindParameter, Connection, Table, bindparam, delete, func, insert, select
from sqlalchemy import tuple_ as sql_tuple
from sqlalchemy.orm import aliased

from clientcrm.models.journey import (
    JourneyHistory,
    Milestone,
    Stage,
    StageChange,
    StageConversion,
)
from clientcrm.models.purchases import ExternalPurchase
from clientcrm.rules.bookings import BEGINNING
from clientcrm.stores.sql import rows
from clientcrm.stores.sql import statements as sql
from clientcrm.stores.sql.bulk import executemany, executemany_values
from clientcrm.stores.sql.tables import activities, orders, purchases, stage_changes
from clientcrm.stores.sql.tables import milestones as milestones_table

__all__ = ["SQLActivities", "SQLJourneys", "SQLOrders", "SQLPurchases", "upsert_rows"]

_CHUNK = 500


def _chunks(items: Collection[str]) -> Iterator[list[str]]:
    iterator = iter(sorted(items))
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def upsert_rows(conn: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    """Insert or replace rows by primary key, with the dialect's upsert where it has one."""
    if not values:
        return
    stmt = sql.upsert(table, conn.dialect.name)
    if stmt is not None:
        executemany(conn, stmt, values)
        return
    keys = [c.name for c in table.primary_key.columns]
    for row in values:
        conn.execute(delete(table).where(*(table.c[k] == row[k] for k in keys)))
    conn.execute(insert(table), values)


@functools.cache
def _in(table: Table, column: str) -> Any:
    """Rows of ``table`` whose ``column`` is one of the ``ids`` (built once per table)."""
    return select(table).where(
        table.c.workspace_id == bindparam("ws"),
        table.c[column].in_(bindparam("ids", expanding=True)),
    )


@functools.cache
def _by_client(table: Table, order: str, key: str) -> Any:
    """The rows of the given clients, each client's in (``order``, ``key``) order."""
    return _in(table, "client_id").order_by(table.c.client_id, table.c[order], table.c[key])


class _Owned:
    """Records of one table, each belonging to a client, keyed by (workspace_id, id)."""

    def __init__(
        self,
        conn: Connection,
        table: Table,
        key: str,
        order: str,
        to_row: Callable[[Any], dict[str, Any]],
        from_row: Callable[[rows.Row], Any],
    ) -> None:
        self._conn, self._table, self._key = conn, table, key
        self._to_row, self._from_row = to_row, from_row
        self._by_key = _in(table, key)
        self._by_client = _by_client(table, order, key)

    def get_many(self, workspace_id: str, ids: Collection[str]) -> dict[str, Any]:
        found = {}
        for chunk in _chunks(ids):
            params = {"ws": workspace_id, "ids": chunk}
            for row in self._conn.execute(self._by_key, params).mappings():
                found[row[self._key]] = self._from_row(row)
        return found

    def save_many(self, records: Sequence[Any]) -> None:
        upsert_rows(self._conn, self._table, [self._to_row(r) for r in records])

    def for_clients(self, workspace_id: str, client_ids: Collection[str]) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for chunk in _chunks(client_ids):
            params = {"ws": workspace_id, "ids": chunk}
            for row in self._conn.execute(self._by_client, params).mappings():
                found.setdefault(row["client_id"], []).append(self._from_row(row))
        return found


class SQLOrders(_Owned):
    """`clientcrm.ports.OrderRepository` on the ``crm_orders`` table."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, orders, "order_id", "placed_at", rows.order_row, rows.order_from_row)


class SQLActivities(_Owned):
    """`clientcrm.ports.ActivityRepository` on the ``crm_activities`` table."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(
            conn, activities, "activity_id", "at", rows.activity_row, rows.activity_from_row
        )


_PAGE = 1000
_PURCHASES_AFTER = (
    select(purchases)
    .where(
        purchases.c.workspace_id == bindparam("ws"),
        sql_tuple(purchases.c.purchased_at, purchases.c.purchase_id)
        > sql_tuple(bindparam("at", type_=purchases.c.purchased_at.type), bindparam("id")),
    )
    .order_by(purchases.c.purchased_at, purchases.c.purchase_id)
    .limit(_PAGE)
)


class SQLPurchases(_Owned):
    """`clientcrm.ports.PurchaseRepository` on the ``crm_purchases`` table."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(
            conn, purchases, "purchase_id", "purchased_at", rows.purchase_row,
            rows.purchase_from_row,
        )  # fmt: skip

    def in_workspace(self, workspace_id: str) -> Iterator[ExternalPurchase]:
        params: dict[str, Any] = {"ws": workspace_id, "at": BEGINNING.occurred_at, "id": ""}
        while True:
            result = self._conn.execute(_PURCHASES_AFTER, params).mappings().all()
            page = [rows.purchase_from_row(r) for r in result]
            yield from page
            if len(page) < _PAGE:
                return
            params |= {"at": page[-1].purchased_at, "id": page[-1].id}

    def remove(self, workspace_id: str, purchase_ids: Collection[str]) -> None:
        for chunk in _chunks(purchase_ids):
            where = (purchases.c.workspace_id == workspace_id, purchases.c.purchase_id.in_(chunk))
            self._conn.execute(delete(purchases).where(*where))


_WS: BindParameter[str] = bindparam("ws")
_START: BindParameter[datetime] = bindparam("start")
_END: BindParameter[datetime] = bindparam("end")
_CHANGES_OF = _in(stage_changes, "client_id").order_by(
    stage_changes.c.client_id, stage_changes.c.seq
)
_MILESTONES_OF = _in(milestones_table, "client_id").order_by(
    milestones_table.c.client_id, milestones_table.c.at, milestones_table.c.kind
)
_INSERT_CHANGES = insert(stage_changes)
_INSERT_MILESTONES = insert(milestones_table)


def _entered() -> Any:
    t = stage_changes
    return (
        select(t.c.stage, func.count(t.c.client_id.distinct()))
        .where(t.c.workspace_id == _WS, t.c.at >= _START, t.c.at < _END)
        .group_by(t.c.stage)
    )


def _moved_on() -> Any:
    a, b = stage_changes, aliased(stage_changes)
    return (
        select(a.c.stage, func.count(a.c.client_id.distinct()))
        .join(
            b,
            (b.c.workspace_id == a.c.workspace_id)
            & (b.c.client_id == a.c.client_id)
            & (b.c.seq == a.c.seq + 1),
        )
        .where(
            a.c.workspace_id == _WS,
            b.c.workspace_id == _WS,
            a.c.at >= _START,
            a.c.at < _END,
            b.c.at < _END,
            b.c.stage != Stage.CHURNED.value,
        )
        .group_by(a.c.stage)
    )


_ENTERED, _MOVED_ON = _entered(), _moved_on()


class SQLJourneys:
    """`clientcrm.ports.JourneyRepository` on ``crm_stage_changes`` and ``crm_milestones``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, changes: Sequence[StageChange], milestones: Sequence[Milestone]) -> None:
        conn = self._conn
        changed = [rows.change_values(c) for c in changes]
        executemany_values(conn, _INSERT_CHANGES, rows.CHANGE_COLUMNS, changed)
        awarded = [rows.milestone_values(m) for m in milestones]
        executemany_values(conn, _INSERT_MILESTONES, rows.MILESTONE_COLUMNS, awarded)

    def replace(
        self,
        workspace_id: str,
        client_ids: Collection[str],
        changes: Sequence[StageChange],
        milestones: Sequence[Milestone],
    ) -> None:
        for table in (stage_changes, milestones_table):
            stmt = delete(table).where(
                table.c.workspace_id == _WS, table.c.client_id.in_(bindparam("ids", expanding=True))
            )
            for chunk in _chunks(client_ids):
                self._conn.execute(stmt, {"ws": workspace_id, "ids": chunk})
        self.add(changes, milestones)

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str]
    ) -> dict[str, JourneyHistory]:
        changes: dict[str, list[StageChange]] = defaultdict(list)
        awarded: dict[str, list[Milestone]] = defaultdict(list)
        for chunk in _chunks(client_ids):
            params = {"ws": workspace_id, "ids": chunk}
            for row in self._conn.execute(_CHANGES_OF, params).mappings():
                changes[row["client_id"]].append(rows.change_from_row(row))
            for row in self._conn.execute(_MILESTONES_OF, params).mappings():
                awarded[row["client_id"]].append(rows.milestone_from_row(row))
        return {
            client_id: JourneyHistory(tuple(changes[client_id]), tuple(awarded[client_id]))
            for client_id in changes.keys() | awarded.keys()
        }

    def conversion(
        self, workspace_id: str, start: datetime, end: datetime
    ) -> list[StageConversion]:
        params = {"ws": workspace_id, "start": start, "end": end}
        entered: dict[str, int] = dict(self._conn.execute(_ENTERED, params).all())
        moved: dict[str, int] = dict(self._conn.execute(_MOVED_ON, params).all())
        return [
            StageConversion(stage, entered.get(stage.value, 0), moved.get(stage.value, 0))
            for stage in Stage
        ]
