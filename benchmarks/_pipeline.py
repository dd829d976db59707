"""The foundation's ingest pipeline: recording with journey evaluation switched off."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import attrs

from clientcrm import Client
from clientcrm.service import recording


@attrs.define
class _NoJourneys(recording.Journeys):
    """Journey evaluation switched off: clients keep the journey they had."""

    def start(self, client: Client, items: Iterable[object]) -> Client:  # type: ignore[override]
        return client

    def can_carry_on(self, client: Client, new: Iterable[object]) -> bool:  # type: ignore[override]
        return True

    def carry_on(self, clients: list[tuple[Client, object]]) -> list[Client]:  # type: ignore[override]
        return [client for client, _ in clients]

    def replay(self, clients: list[Client], now: datetime | None = None) -> list[Client]:
        return list(clients)


@contextmanager
def foundation() -> Iterator[None]:
    """Record without journeys (the foundation's pipeline): no history items gathered, no
    journey evaluated."""
    real, gather = recording.Journeys, recording.Batch._gather_items
    recording.Journeys = _NoJourneys  # type: ignore[misc]
    # The baseline swaps the method out for the run (and back): mypy forbids assigning one.
    recording.Batch._gather_items = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        recording.Journeys = real  # type: ignore[misc]
        recording.Batch._gather_items = gather  # type: ignore[method-assign]
