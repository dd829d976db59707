"""Column types that keep clientcrm's guarantees on every engine."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["Amount", "UTCDateTime"]

_SCALE = 4  # ten-thousandths: exact for every ISO 4217 minor unit (0, 2 or 3 places)
_CENT = Decimal("0.01")


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
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class Amount(TypeDecorator[Decimal]):
    """An exact Decimal stored as a whole number of ten-thousandths (so SQL sums are exact)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else int(value.scaleb(_SCALE))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount = Decimal(value).scaleb(-_SCALE)
        cents = amount.quantize(_CENT)
        return cents if cents == amount else amount.normalize()
