"""The foundation's ingest pipeline: recording with journey evaluation switched off."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

import attrs

from clientcrm import Client
from clientcrm.rules.journey import Item
from clientcrm.service import recording
from clientcrm.service.journeys import Journeys


@attrs.define
class _NoJourneys(Journeys):
    """Journey evaluation switched off: clients keep the journey they had."""

    def start(self, client: Client, items: Iterable[Item]) -> Client:
        return client

    # The foundation's new clients have no journey: ``None`` where `Journeys.begin` gives one.
    def begin(self, client_id: str, created_at: datetime, items: Iterable[Item]) -> None:  # type: ignore[override]
        return None

    def can_carry_on(self, client: Client, new: Iterable[Item]) -> bool:
        return True

    def carry_on(self, clients: Sequence[tuple[Client, Iterable[Item]]]) -> list[Client]:
        return [client for client, _ in clients]

    def replay(self, clients: Sequence[Client], now: datetime | None = None) -> list[Client]:
        return list(clients)


@contextmanager
def foundation() -> Iterator[None]:
    """Record without journeys (the foundation's pipeline): no history items gathered, no
    journey evaluated."""
    with (
        patch.object(recording, "Journeys", _NoJourneys),
        patch.object(recording.Batch, "_gather_items", lambda self: None),
    ):
        yield
