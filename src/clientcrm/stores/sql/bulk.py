"""Many rows through one compiled statement, straight to the driver's ``executemany``.

SQLAlchemy's generic per-row parameter handling costs more than SQLite's insert itself; for
the bulk writes of ingest the statement is compiled once per dialect, each row's values are
taken in bind order in one C call, and only the columns that need it are converted, by the
column type's ``bulk_processor`` (or its SQLAlchemy bind processor). The statement is still
parameterised: values never enter the SQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import attrs
from sqlalchemy import Boolean, Connection, Dialect
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import TypeEngine

__all__ = ["executemany", "executemany_values"]


@attrs.frozen
class _Plan:
    sql: str
    names: tuple[str, ...]
    positional: bool
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...]

    def params(
        self, values: list[Any], seen: dict[Callable[[Any], Any], dict[Any, Any]]
    ) -> list[Any]:
        """Convert a row's values, in bind order, for the driver; ``seen`` remembers each
        converter's results (one moment fills several columns, and rows share moments)."""
        for index, convert in self.conversions:
            value = values[index]
            if value is not None:
                memo = seen[convert]
                converted = memo.get(value)
                if converted is None:
                    converted = memo[value] = convert(value)
                values[index] = converted
        return values


_PLANS: dict[tuple[int, str], _Plan] = {}


def _processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    fast = getattr(type_, "bulk_processor", None)  # our column types offer a cheaper one
    if fast is not None:
        converter: Callable[[Any], Any] | None = fast(dialect)
        return converter
    if isinstance(type_, Boolean):
        return None  # both drivers take Python booleans as they are
    processor: Callable[[Any], Any] | None = type_.bind_processor(dialect)
    return processor


def _plan(stmt: UpdateBase, dialect: Dialect) -> _Plan:
    key = (id(stmt), dialect.name)
    if key not in _PLANS:
        compiled = stmt.compile(dialect=dialect)
        names = tuple(compiled.positiontup or compiled.binds)
        conversions = []
        for index, name in enumerate(names):
            convert = _processor(compiled.binds[name].type, dialect)
            if convert is not None:
                conversions.append((index, convert))
        _PLANS[key] = _Plan(str(compiled), names, compiled.positional, tuple(conversions))
    return _PLANS[key]


def executemany(conn: Connection, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run ``stmt`` once per row of ``rows`` (dicts keyed by bind name) in one driver call."""
    if rows:
        plan = _plan(stmt, conn.dialect)
        pick = itemgetter(*plan.names)
        _run(conn, plan, [list(pick(row)) for row in rows])


def executemany_values(
    conn: Connection, stmt: UpdateBase, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """Like `executemany`, for rows given as sequences of values in the order of ``names``."""
    if not rows:
        return
    plan = _plan(stmt, conn.dialect)
    if plan.names == names:
        _run(conn, plan, [list(row) for row in rows])
    else:
        pick = itemgetter(*(names.index(name) for name in plan.names))
        _run(conn, plan, [list(pick(row)) for row in rows])


def _run(conn: Connection, plan: _Plan, rows: list[list[Any]]) -> None:
    seen: dict[Callable[[Any], Any], dict[Any, Any]] = {c: {} for _, c in plan.conversions}
    if plan.positional:
        conn.exec_driver_sql(plan.sql, [tuple(plan.params(row, seen)) for row in rows])
    else:
        names = plan.names
        conn.exec_driver_sql(
            plan.sql, [dict(zip(names, plan.params(row, seen), strict=True)) for row in rows]
        )
