"""The one cattrs converter: every model to plain JSON-able data and back.

Rules:
- ``Decimal`` as a string (``"12.50"``), so no precision is lost; ``Money`` therefore becomes
  ``{"amount": "12.50", "currency": "EUR"}``.
- Aware datetimes as ISO 8601 in UTC (``"2026-01-31T09:00:00+00:00"``); naive ones are refused
  on the way in.
- Dates as ISO 8601 (``"2026-01-31"``); durations as ISO 8601 days and seconds
  (``"P7DT3600S"``).
- Enums as their values; sets and frozensets as sorted lists.
- A booking's `Version` as ``{"occurred_at": ..., "event_id": ...}``.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cattrs.preconf.json import JsonConverter
from cattrs.preconf.json import make_converter as _json_converter

from clientcrm.errors import ValidationError
from clientcrm.models._checks import require_aware
from clientcrm.models.booking import Version

__all__ = ["converter", "make_converter"]


def _datetime(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        return require_aware(value, "datetime")
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError("datetime", f"{value!r} is not an ISO 8601 datetime") from None
    return require_aware(parsed, "datetime")


_DURATION = re.compile(r"(-?)P(\d+)DT(\d+)(?:\.(\d{6}))?S")


def _iso_duration(value: timedelta) -> str:
    """An ISO 8601 duration of whole days and seconds (``P7DT3600S``), exact to the µs."""
    sign, value = ("-", -value) if value < timedelta(0) else ("", value)
    micro = f".{value.microseconds:06d}" if value.microseconds else ""
    return f"{sign}P{value.days}DT{value.seconds}{micro}S"


def _timedelta(value: Any, _: type) -> timedelta:
    if isinstance(value, timedelta):
        return value
    found = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValidationError("duration", f"{value!r} is not an ISO 8601 duration (PnDTnS)")
    sign, days, seconds, micro = found.groups()
    length = timedelta(days=int(days), seconds=int(seconds), microseconds=int(micro or 0))
    return -length if sign else length


def make_converter() -> JsonConverter:
    """Return a new converter with clientcrm's rules (see the module docstring)."""
    conv = _json_converter()
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, lambda v, _: Decimal(str(v)))
    conv.register_unstructure_hook(datetime, lambda v: v.astimezone(UTC).isoformat())
    conv.register_structure_hook(datetime, _datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_unstructure_hook(timedelta, _iso_duration)
    conv.register_structure_hook(timedelta, _timedelta)
    conv.register_structure_hook(
        date, lambda v, _: v if isinstance(v, date) else date.fromisoformat(v)
    )
    conv.register_unstructure_hook(
        Version, lambda v: {"occurred_at": conv.unstructure(v.occurred_at), "event_id": v.event_id}
    )
    conv.register_structure_hook(
        Version, lambda v, _: Version(_datetime(v["occurred_at"], datetime), v["event_id"])
    )
    conv.register_unstructure_hook(frozenset, lambda v: sorted(conv.unstructure(x) for x in v))
    conv.register_unstructure_hook(set, lambda v: sorted(conv.unstructure(x) for x in v))
    return conv


converter = make_converter()
"""The shared converter; use ``converter.unstructure(obj)`` and ``converter.structure(d, T)``."""
