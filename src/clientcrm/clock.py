"""Clocks: the only place clientcrm asks what time it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "system_clock"]

Clock = Callable[[], datetime]
"""A zero-argument callable returning the current aware datetime."""


def system_clock() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)
