"""A clock that stands still until told to move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["FrozenClock"]


class FrozenClock:
    """A callable clock for tests: returns ``now`` until `advance` or `set` moves it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)`` and return the new time."""
        self.now += timedelta(**delta)
        return self.now

    def set(self, now: datetime) -> None:
        """Jump to ``now``."""
        self.now = now
