"""Column types that keep clientcrm's guarantees on every engine."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["Amount", "UTCDateTime"]

_SCALE = 4  # ten-thousandths: exact for every ISO 4217 minor unit (0, 2 or 3 places)
_CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC, read back aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
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
