"""Insights as Arrow tables, pandas DataFrames and polars DataFrames (extra ``dataframe``).

One conversion path: `columns` turns any list-shaped insight into named columns with an
Arrow type each (taken from the model's annotations, so an empty list keeps its schema);
`to_arrow` makes the table; pandas and polars are made from the Arrow table. Money and
rates stay exact (``decimal128``); times are UTC timestamps, months are dates.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from clientcrm.models.client import StatusPill
from clientcrm.models.insights import CohortRetention
from clientcrm.models.journey import Stage

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = ["Tabular", "columns", "to_arrow", "to_pandas", "to_polars"]

Tabular = Sequence[Any] | Mapping[Stage, int] | Mapping[StatusPill, int] | CohortRetention
"""What converts: a list of insight rows (top clients, at-risk or slipping clients, stage
conversion, monthly bookings, spend bins), a count per stage or status, or cohorts."""

_KEYS: dict[type, str] = {Stage: "stage", StatusPill: "status"}


def columns(data: Tabular) -> dict[str, tuple[list[Any], type]]:
    """Each column's values (plain Python: enums as their values) and its Python type."""
    if isinstance(data, CohortRetention):
        return columns(data.cells())
    if isinstance(data, Mapping):
        key = _KEYS.get(type(next(iter(data))), "key") if data else "key"
        return {
            key: ([_plain(k) for k in data], str),
            "clients": (list(data.values()), int),
        }
    rows = list(data)
    if not rows:
        return {}
    cls = type(rows[0])
    hints = typing.get_type_hints(cls)
    return {
        f.name: ([_plain(getattr(row, f.name)) for row in rows], _base(hints[f.name]))
        for f in attrs.fields(cls)
        if _base(hints[f.name]) in _ARROW
    }


def to_arrow(data: Tabular) -> pyarrow.Table:
    """The insight as an Arrow table."""
    import pyarrow as pa  # noqa: PLC0415 - an optional extra

    found = columns(data)
    return pa.table(
        {name: pa.array(values, type=_ARROW[kind](pa)) for name, (values, kind) in found.items()}
    )


def to_pandas(data: Tabular) -> pandas.DataFrame:
    """The insight as a pandas DataFrame (through Arrow)."""
    return to_arrow(data).to_pandas()


def to_polars(data: Tabular) -> polars.DataFrame:
    """The insight as a polars DataFrame (through Arrow)."""
    import polars as pl  # noqa: PLC0415 - an optional extra

    frame = pl.from_arrow(to_arrow(data))
    assert isinstance(frame, pl.DataFrame)
    return frame


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _base(hint: Any) -> type:
    """``int`` for ``int``, ``int | None`` and ``Optional[int]``; enums are text."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return str
    return hint if isinstance(hint, type) else object


_ARROW: dict[type, Any] = {
    bool: lambda pa: pa.bool_(),
    int: lambda pa: pa.int64(),
    str: lambda pa: pa.string(),
    Decimal: lambda pa: pa.decimal128(19, 4),
    dt.datetime: lambda pa: pa.timestamp("us", tz="UTC"),
    dt.date: lambda pa: pa.date32(),
    dt.timedelta: lambda pa: pa.duration("us"),
}
