"""The SQL repository of recorded imports and their changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, insert, select, tuple_, update

from clientcrm.errors import NotFoundError
from clientcrm.models.importing import ChangeKind, ImportChange, ImportRun
from clientcrm.serialization import converter
from clientcrm.stores.sql.bulk import executemany
from clientcrm.stores.sql.tables import import_changes, import_runs

__all__ = ["SQLImports"]

_R, _C = import_runs.c, import_changes.c
_WS: BindParameter[str] = bindparam("ws")
_GET = select(_R.body).where(_R.workspace_id == _WS, _R.run_id == bindparam("id"))
_RUNS = (
    select(_R.body).where(_R.workspace_id == _WS).order_by(_R.started_at.desc(), _R.run_id.desc())
)
_UPDATE = (
    update(import_runs)
    .where(_R.workspace_id == bindparam("b_ws"), _R.run_id == bindparam("b_id"))
    .values(body=bindparam("body"))
)
_CHANGES = (
    select(import_changes)
    .where(
        _C.workspace_id == _WS,
        _C.run_id == bindparam("run"),
        tuple_(_C.line, _C.kind) < tuple_(bindparam("line"), bindparam("kind")),
    )
    .order_by(_C.line.desc(), _C.kind.desc())
    .limit(bindparam("size"))
)
_LAST = (2**31 - 1, "~")
"""A position after every change: lines are 32-bit, kinds are lower case."""
_FOR_CLIENT = (
    select(import_changes)
    .where(_C.workspace_id == _WS, _C.client_id == bindparam("owner"))
    .order_by(_C.run_id, _C.line, _C.kind)
)
_REDACT = (
    update(import_changes)
    .where(_C.workspace_id == _WS, _C.client_id == bindparam("owner"))
    .values(before=None, after=None)
)
_ADD_CHANGES = insert(import_changes)


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _run_body(run: ImportRun) -> str:
    return json.dumps(converter.unstructure(run), ensure_ascii=False, sort_keys=True)


class SQLImports:
    """`clientcrm.ports.ImportRepository` on ``crm_import_runs`` and ``crm_import_changes``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_run(self, run: ImportRun) -> None:
        row = {"workspace_id": run.workspace_id, "run_id": run.id, "started_at": run.started_at}
        self._conn.execute(insert(import_runs), [row | {"body": _run_body(run)}])

    def get_run(self, workspace_id: str, run_id: str) -> ImportRun:
        body = self._conn.execute(_GET, {"ws": workspace_id, "id": run_id}).scalar_one_or_none()
        if body is None:
            raise NotFoundError("import run", run_id)
        return converter.structure(json.loads(body), ImportRun)

    def update_run(self, run: ImportRun) -> None:
        params = {"b_ws": run.workspace_id, "b_id": run.id, "body": _run_body(run)}
        if self._conn.execute(_UPDATE, params).rowcount == 0:
            raise NotFoundError("import run", run.id)

    def runs(self, workspace_id: str) -> list[ImportRun]:
        bodies = self._conn.execute(_RUNS, {"ws": workspace_id}).scalars()
        return [converter.structure(json.loads(b), ImportRun) for b in bodies]

    def add_changes(self, changes: Sequence[ImportChange]) -> None:
        rows = [
            {
                "workspace_id": c.workspace_id, "run_id": c.run_id, "line": c.line,
                "kind": c.kind.value, "record_id": c.record_id, "client_id": c.client_id,
                "before": _json(c.before), "after": _json(c.after),
            }
            for c in changes
        ]  # fmt: skip
        if rows:
            executemany(self._conn, _ADD_CHANGES, rows)

    def changes(
        self, workspace_id: str, run_id: str, before: tuple[int, str] | None, limit: int
    ) -> list[ImportChange]:
        line, kind = before or _LAST
        params = {"ws": workspace_id, "run": run_id, "line": line, "kind": kind, "size": limit}
        return [_change(r) for r in self._conn.execute(_CHANGES, params).mappings()]

    def for_client(self, workspace_id: str, client_id: str) -> list[ImportChange]:
        params = {"ws": workspace_id, "owner": client_id}
        return [_change(r) for r in self._conn.execute(_FOR_CLIENT, params).mappings()]

    def redact(self, workspace_id: str, client_id: str) -> None:
        self._conn.execute(_REDACT, {"ws": workspace_id, "owner": client_id})


def _change(row: Any) -> ImportChange:
    return ImportChange(
        row["workspace_id"], row["run_id"], row["line"], ChangeKind(row["kind"]),
        row["record_id"], row["client_id"], _loads(row["before"]), _loads(row["after"]),
    )  # fmt: skip


def _loads(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)
