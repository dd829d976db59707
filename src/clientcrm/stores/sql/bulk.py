"""Statements of the hot paths, compiled once and run straight on the driver's cursor.

SQLAlchemy's generic per-statement and per-row work costs more than SQLite's own for the
small statements of recording one event, and for the rows of a bulk insert. Here each
statement is compiled once per dialect; each row's values are taken in bind order in one C
call, and only the columns that need it are converted, by the column type's
``bulk_processor`` (or its SQLAlchemy bind processor); selected rows are converted by the
columns' result processors. Statements are still parameterised: values never enter the SQL
text. While anyone listens for statements on the engine (fault injection, a capture of what
is sent), they go through SQLAlchemy instead, so every one is seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import attrs
from sqlalchemy import Boolean, Connection, Dialect, Insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import CompoundSelect, Select
from sqlalchemy.types import TypeEngine

__all__ = [
    "copy_or_insert",
    "driver_rows",
    "executemany",
    "executemany_values",
    "first_column",
    "on_driver",
    "read",
    "remembered",
    "upsert_staged",
]


_VARIABLES = 999
"""The values one SQLite statement may bind in every build (recent ones allow 32,766)."""


@attrs.frozen
class _MultiRow:
    """An insert of one row of values, as the same insert of many rows (SQLite)."""

    head: str
    group: str
    tail: str
    rows: int
    """The most rows one statement holds."""
    _texts: dict[int, str] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def of(cls, sql: str, width: int) -> _MultiRow | None:
        """The multi-row form of ``sql`` (``width`` values a row), if it is a plain insert."""
        head, values, rest = sql.partition(" VALUES (")
        if not values or "RETURNING" in rest:
            return None
        group, _, tail = rest.partition(")")
        return cls(head + " VALUES ", f"({group})", tail, max(1, _VARIABLES // width))

    def text(self, count: int) -> str:
        """The statement for ``count`` rows."""
        text = self._texts.get(count)
        if text is None:
            text = self._texts[count] = self.head + ", ".join([self.group] * count) + self.tail
        return text


@attrs.frozen
class _Plan:
    sql: str
    names: tuple[str, ...]
    positional: bool
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...]
    columns: tuple[str, ...] = ()
    """The names of the selected columns (for a select)."""
    results: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
    """The selected columns' result processors, by position."""
    multi_row: _MultiRow | None = None
    """For an insert on SQLite: the statement that inserts many rows at once."""

    def params(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Convert rows of values, in bind order, for the driver.

        Column by column: each converter remembers its recent results, since one moment
        fills several columns of several tables (a booking's, its client's figures, the stage
        changes it brought), so most values cost one dictionary lookup.
        """
        columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for index, convert in self.conversions:
            columns[index] = map(_memo(convert).__getitem__, columns[index])
        return list(zip(*columns, strict=True))


_MEMOS: dict[Callable[[Any], Any], _Memo] = {}
_MEMO_SIZE = 1 << 16
"""Values a memo holds before it starts afresh (a few batches' worth)."""


def remembered(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert``, remembering its recent results (shared with the bulk statements; ``None``
    gives ``None``)."""
    return _memo(convert).__getitem__


def _memo(convert: Callable[[Any], Any]) -> _Memo:
    memo = _MEMOS.get(convert)
    if memo is None or len(memo) > _MEMO_SIZE:
        memo = _MEMOS[convert] = _Memo(convert)
    return memo


class _Memo(dict[Any, Any]):
    """Converted values by original; ``None`` stays ``None``."""

    __slots__ = ("_convert",)

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self._convert = convert

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self._convert(value)
        return converted


_PLANS: dict[tuple[int, str], _Plan] = {}  # by id(): for the module-level statements only


def _processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    fast = getattr(type_, "bulk_processor", None)  # our column types offer a cheaper one
    if fast is not None:
        converter: Callable[[Any], Any] | None = fast(dialect)
        return converter
    if isinstance(type_, Boolean):
        return None  # both drivers take Python booleans as they are
    processor: Callable[[Any], Any] | None = type_.bind_processor(dialect)
    return processor


def _plan(stmt: UpdateBase | Select[Any] | CompoundSelect[Any], dialect: Dialect) -> _Plan:
    key = (id(stmt), dialect.name)
    if key not in _PLANS:
        compiled = stmt.compile(dialect=dialect)
        names = tuple(compiled.positiontup or compiled.binds)
        conversions = []
        for index, name in enumerate(names):
            convert = _processor(compiled.binds[name].type, dialect)
            if convert is not None:
                conversions.append((index, convert))
        columns, results = _results(stmt, dialect)
        sql = str(compiled)
        multi_row = None
        if isinstance(stmt, Insert) and dialect.name == "sqlite" and compiled.positional:
            multi_row = _MultiRow.of(sql, len(names))
        _PLANS[key] = _Plan(
            sql, names, compiled.positional, tuple(conversions), columns, results, multi_row
        )
    return _PLANS[key]


def _results(
    stmt: UpdateBase | Select[Any] | CompoundSelect[Any], dialect: Dialect
) -> tuple[tuple[str, ...], tuple[tuple[int, Callable[[Any], Any]], ...]]:
    if isinstance(stmt, UpdateBase):
        return (), ()
    selected = stmt.selected_columns
    results = []
    for index, column in enumerate(selected):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            results.append((index, process))
    return tuple(selected.keys()), tuple(results)


def executemany(conn: Connection, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run ``stmt`` once per row of ``rows`` (dicts keyed by bind name) in one driver call."""
    if rows:
        plan = _plan(stmt, conn.dialect)
        _run(conn, plan, list(map(itemgetter(*plan.names), rows)))


def executemany_values(
    conn: Connection, stmt: UpdateBase, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """Like `executemany`, for rows given as sequences of values in the order of ``names``."""
    if not rows:
        return
    plan = _plan(stmt, conn.dialect)
    if plan.names != names:
        rows = list(map(itemgetter(*(names.index(name) for name in plan.names)), rows))
    _run(conn, plan, rows)


def _run(conn: Connection, plan: _Plan, rows: Sequence[Sequence[Any]]) -> None:
    params: list[Any] = plan.params(rows)
    if plan.multi_row is not None and len(params) > 1:
        _insert_many_rows(conn, plan.multi_row, params)
        return
    if not plan.positional:
        params = [dict(zip(plan.names, row, strict=True)) for row in params]
    _execute(conn, plan.sql, params, many=True)


def _insert_many_rows(conn: Connection, sql: _MultiRow, rows: list[tuple[Any, ...]]) -> None:
    """SQLite: insert ``rows`` a statement's worth at a time, many rows to one ``VALUES``.

    An executemany runs the statement once per row; one statement of many rows costs SQLite
    about a quarter less work per row."""
    size = sql.rows
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        _execute(conn, sql.text(len(chunk)), tuple(chain.from_iterable(chunk)))


def _execute(conn: Connection, sql: str, params: Any, *, many: bool = False) -> list[Any]:
    """`on_driver`, in the connection's transaction."""
    _begin_if_needed(conn)
    return on_driver(conn, sql, params, many=many)


def _begin_if_needed(conn: Connection) -> None:
    """Begin a transaction when a commit ended the last one, as SQLAlchemy begins the next
    on first use (work on the driver's cursor goes around SQLAlchemy)."""
    if not conn.in_transaction():
        conn.begin()


def on_driver(conn: Connection, sql: str, params: Any = (), *, many: bool = False) -> list[Any]:
    """Run ``sql`` on the driver's cursor and return the rows it selects, as the driver gives
    them; through SQLAlchemy while anyone listens for statements on the engine."""
    dispatch = conn.dispatch
    if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        result = conn.exec_driver_sql(sql, params)
        return list(result) if result.returns_rows else []
    driver = conn.connection.driver_connection
    assert driver is not None
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = driver.cursor()
    try:
        if many:
            cursor.executemany(sql, params)
            return []
        cursor.execute(sql, params)
        return [] if cursor.description is None else list(cursor.fetchall())
    except dbapi_error as error:  # the driver's own error: wrap it as SQLAlchemy would
        raise DBAPIError.instance(sql, params, error, dbapi_error, ismulti=many) from error
    finally:
        cursor.close()


def driver_rows(
    conn: Connection, stmt: Select[Any] | CompoundSelect[Any], params: Mapping[str, Any]
) -> list[Any]:
    """The rows ``stmt`` selects, as the driver returns them (no conversion: for text
    columns), for ``params`` keyed by bind name."""
    return _select(conn, _plan(stmt, conn.dialect), params)


def _select(conn: Connection, plan: _Plan, params: Mapping[str, Any]) -> list[Any]:
    (values,) = plan.params([[params[name] for name in plan.names]])
    driver_params = values if plan.positional else dict(zip(plan.names, values, strict=True))
    return _execute(conn, plan.sql, driver_params, many=False)


def read(
    conn: Connection, stmt: Select[Any] | CompoundSelect[Any], params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The rows ``stmt`` selects for ``params`` (keyed by bind name), converted by their
    column types, as dicts keyed by column name (what a row mapping gives)."""
    plan = _plan(stmt, conn.dialect)
    found = []
    for row in _select(conn, plan, params):
        values = list(row)
        for index, process in plan.results:
            values[index] = process(values[index])
        found.append(dict(zip(plan.columns, values, strict=True)))
    return found


def first_column(
    conn: Connection, stmt: Select[tuple[Any]], params: Mapping[str, Any]
) -> list[Any]:
    """The first column of `driver_rows`."""
    return [row[0] for row in driver_rows(conn, stmt, params)]


def copy_or_insert(
    conn: Connection, stmt: Insert, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert new rows with ``stmt`` (an insert of every column; values in the order of
    ``names``, the table's column order): PostgreSQL's ``COPY``, elsewhere an executemany."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        executemany_values(conn, stmt, names, rows)
        return
    _copy(conn, stmt, stmt.table.name, names, rows)


def upsert_staged(
    conn: Connection, stmt: Insert, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """PostgreSQL: insert or replace rows (``stmt`` and ``names`` as for `copy_or_insert`) in
    one statement whatever their number: ``COPY`` into a temporary table of the session, then
    one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``, so the table's statement triggers run
    once (see `clientcrm.stores.sql.integrity`)."""
    if not rows:
        return
    table = stmt.table
    stage = f"{table.name}_stage"
    keys = [column.name for column in table.primary_key]
    columns = ", ".join(names)
    changes = ", ".join(f"{name} = excluded.{name}" for name in names if name not in keys)
    _execute(conn, f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} (LIKE {table.name})", ())
    _copy(conn, stmt, stage, names, rows)
    upsert = (
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608 - names from the MetaData; values go by COPY
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changes}"
    )
    _execute(conn, upsert, ())
    _execute(conn, f"TRUNCATE {stage}", ())  # not DELETE: a temporary table is never vacuumed


def _copy(
    conn: Connection,
    stmt: Insert,
    target: str,
    names: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
) -> None:
    """``COPY`` rows converted as for ``stmt`` into the table ``target`` (PostgreSQL)."""
    _begin_if_needed(conn)
    plan = _plan(stmt, conn.dialect)
    assert plan.names == names, "rows must follow the table's column order"
    driver = conn.connection.driver_connection
    assert driver is not None
    command = f"COPY {target} ({', '.join(names)}) FROM STDIN"
    driver_error = conn.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor, cursor.copy(command) as copy:
            for row in plan.params(rows):
                copy.write_row(row)
    except driver_error as error:  # the driver's own error: wrap it as SQLAlchemy would
        raise DBAPIError.instance(command, None, error, driver_error) from error
