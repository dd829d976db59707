"""Delivering domain events to the host's subscribers, after a unit of work commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from clientcrm.models.events import DomainEvent

__all__ = ["EventBus", "Subscriber"]

Subscriber = Callable[[DomainEvent], None]


class EventBus:
    """Holds subscribers and hands each committed event to every one of them in order."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with every domain event from now on."""
        self._subscribers.append(subscriber)

    @property
    def active(self) -> bool:
        """Whether anyone listens (so events need not be built when nobody does)."""
        return bool(self._subscribers)

    def publish(self, events: Iterable[DomainEvent]) -> None:
        """Deliver ``events`` to every subscriber."""
        for event in events:
            for subscriber in self._subscribers:
                subscriber(event)
