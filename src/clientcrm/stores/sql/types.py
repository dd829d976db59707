"""Column types that keep clientcrm's guarantees on every engine."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["Amount", "LabelSet", "UTCDateTime", "labels", "minor_units", "sqlite_time"]

_SCALE = 4  # ten-thousandths: exact for every ISO 4217 minor unit (0, 2 or 3 places)
_CENT = Decimal("0.01")


def sqlite_time(value: datetime) -> str:
    """How SQLite holds an aware datetime: UTC text that sorts in time order,
    ``"2026-03-01 09:30:00.000000"``."""
    v = value if value.tzinfo is UTC else value.astimezone(UTC)
    # Formatting the fields costs two thirds of `isoformat` (every moment ingested comes here).
    return _TIME % (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)


_TIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def _readsqlite_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value + "+00:00")


def minor_units(value: Decimal) -> int:
    """How an `Amount` column holds ``value``: a whole number of ten-thousandths."""
    return int(value.scaleb(_SCALE))


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC and read back aware.

    SQLite has no datetime type: there it is text in SQLAlchemy's own layout
    (``2026-01-31 09:00:00.000000``, UTC), which sorts in time order and is converted by
    ``isoformat``/``fromisoformat`` rather than a regular expression. Elsewhere it is the
    engine's ``TIMESTAMP WITH TIME ZONE``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(26))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | str | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return sqlite_time(value)
        return value.astimezone(UTC)

    def bulk_processor(self, dialect: Dialect) -> Callable[[datetime], Any] | None:
        """The cheapest conversion of a non-null value for the driver (bulk writes)."""
        return sqlite_time if dialect.name == "sqlite" else None

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None] | None:
        if dialect.name == "sqlite":
            return _readsqlite_time  # one call per value: this runs for every listed row
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return _readsqlite_time(value)
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Amount(TypeDecorator[Decimal]):
    """An exact Decimal stored as a whole number of ten-thousandths (so SQL sums are exact)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else minor_units(value)

    def bulk_processor(self, dialect: Dialect) -> Callable[[Decimal], int]:
        """The cheapest conversion of a non-null value for the driver (bulk writes)."""
        return minor_units

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[int | None], Decimal | None]:
        return _decimal  # one cached call per value: lists and exports read millions

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return _decimal(value)


@functools.lru_cache(maxsize=1 << 14)
def _decimal(value: int | None) -> Decimal | None:
    """The Decimal an `Amount` column's whole number of ten-thousandths stands for, in cents
    when it has no finer part (amounts repeat: prices, packages, the same spend)."""
    if value is None:
        return None
    amount = Decimal(value).scaleb(-_SCALE)
    cents = amount.quantize(_CENT)
    return cents if cents == amount else amount.normalize()


_NO_LABELS: frozenset[str] = frozenset()


def labels(text: str) -> frozenset[str]:
    """The labels (tags, aliases) a JSON list column holds."""
    return _NO_LABELS if text == "[]" else frozenset(json.loads(text))


class LabelSet(TypeDecorator[frozenset[str]]):
    """A JSON list of labels, read as a frozenset (for selects that convert as they read)."""

    impl = Text
    cache_ok = True

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[str], frozenset[str]]:
        return labels

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[str]:
        return labels(value)
