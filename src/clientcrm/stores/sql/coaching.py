"""The SQL repository of the PT console's records (`CoachingRecord`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import BindParameter, Connection, RowMapping, bindparam, delete, select

from clientcrm.models.coaching import CoachingRecord, RecordKind
from clientcrm.stores.sql.journeys import upsert_rows
from clientcrm.stores.sql.tables import coaching

__all__ = ["SQLCoaching"]

_C = coaching.c
_WS: BindParameter[str] = bindparam("ws")
_OF_KIND = (_C.workspace_id == _WS) & (_C.kind == bindparam("kind"))
_GET = select(coaching).where(_OF_KIND, _C.record_key == bindparam("key"))
_ORDER = (_C.at, _C.record_key)
_FOR_CLIENT = select(coaching).where(_OF_KIND, _C.client_id == bindparam("who")).order_by(*_ORDER)
_FOR_OWNER = select(coaching).where(_OF_KIND, _C.owner_id == bindparam("who")).order_by(*_ORDER)
_ALL = select(coaching).where(_OF_KIND).order_by(*_ORDER)
_REMOVE = delete(coaching).where(_OF_KIND, _C.record_key == bindparam("key"))
_REMOVE_CLIENT = delete(coaching).where(_C.workspace_id == _WS, _C.client_id == bindparam("who"))


class SQLCoaching:
    """`clientcrm.ports.CoachingRepository` in SQL: one table, the record as JSON."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def put(self, records: Sequence[CoachingRecord]) -> None:
        upsert_rows(self._conn, coaching, [_row(r) for r in records])

    def get(self, workspace_id: str, kind: RecordKind, key: str) -> CoachingRecord | None:
        params = {"ws": workspace_id, "kind": kind.value, "key": key}
        row = self._conn.execute(_GET, params).mappings().first()
        return None if row is None else _record(row)

    def find(
        self,
        workspace_id: str,
        kind: RecordKind,
        *,
        client_id: str | None = None,
        owner_id: str | None = None,
    ) -> list[CoachingRecord]:
        params = {"ws": workspace_id, "kind": kind.value}
        if client_id is not None:
            stmt, params["who"] = _FOR_CLIENT, client_id
        elif owner_id is not None:
            stmt, params["who"] = _FOR_OWNER, owner_id
        else:
            stmt = _ALL
        return [_record(row) for row in self._conn.execute(stmt, params).mappings()]

    def remove(self, workspace_id: str, kind: RecordKind, key: str) -> None:
        self._conn.execute(_REMOVE, {"ws": workspace_id, "kind": kind.value, "key": key})

    def forget(self, workspace_id: str, client_id: str) -> None:
        self._conn.execute(_REMOVE_CLIENT, {"ws": workspace_id, "who": client_id})


def _row(record: CoachingRecord) -> dict[str, object]:
    return {
        "workspace_id": record.workspace_id,
        "kind": record.kind.value,
        "record_key": record.key,
        "client_id": record.client_id,
        "owner_id": record.owner_id,
        "at": record.at,
        "body": json.dumps(record.body, separators=(",", ":")),
    }


def _record(row: RowMapping) -> CoachingRecord:
    return CoachingRecord(
        workspace_id=row["workspace_id"],
        kind=RecordKind(row["kind"]),
        key=row["record_key"],
        client_id=row["client_id"],
        owner_id=row["owner_id"],
        at=row["at"],
        body=json.loads(row["body"]),
    )
