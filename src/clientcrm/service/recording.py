"""Recording booking events in batches: the hot path of ingest.

One batch is one unit of work: every client, booking and figure it touches is read once,
changed in memory, and written back with one statement per table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from clientcrm.errors import BlockedClientError, PlanLimitError, ValidationError
from clientcrm.models._checks import normalise_phone
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client, Flag, Source
from clientcrm.models.events import BookingEvent, BookingRecorded, ClientCreated, DomainEvent
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.bookings import apply_event
from clientcrm.rules.figures import compute_figures, update_figures

__all__ = ["Batch"]


@attrs.define
class Batch:
    """The working set of one batch of events inside one unit of work."""

    uow: UnitOfWork
    workspace: Workspace
    new_id: Callable[[], str]
    clients: dict[str, Client] = attrs.Factory(dict)  # by email (primary and aliases)
    created: dict[str, Client] = attrs.Factory(dict)  # by id
    touched: dict[str, Client] = attrs.Factory(dict)  # by id, existing clients whose figures moved
    recompute: set[str] = attrs.Factory(set)
    bookings: dict[str, Booking] = attrs.Factory(dict)
    changed: dict[str, Booking] = attrs.Factory(dict)
    events: list[DomainEvent] = attrs.Factory(list)
    changed_events: int = 0
    _client_count: int | None = None

    def run(self, events: Sequence[BookingEvent], *, collect: bool) -> None:
        """Apply ``events`` in order; ``collect`` builds domain events for subscribers."""
        ws = self.workspace.id
        self._check_currency(events)
        self.clients = self.uow.clients.find_by_emails(ws, {e.email for e in events})
        self.bookings = self.uow.bookings.get_many(ws, {e.booking_id for e in events})
        for event in events:
            self._apply(event, collect=collect)
        self._write()

    def _check_currency(self, events: Sequence[BookingEvent]) -> None:
        currency = self.workspace.currency
        for event in events:
            if event.amount is not None and event.amount.currency != currency:
                raise ValidationError(
                    "amount",
                    f"{event.amount.currency} does not match the workspace currency {currency}",
                )

    def _apply(self, event: BookingEvent, *, collect: bool) -> None:
        client = self.clients.get(event.email) or self._create(event, collect=collect)
        before = self.bookings.get(event.booking_id)
        if before is None and Flag.BLOCKED in client.flags:
            raise BlockedClientError(client.id)
        if before is not None and before.client_id != client.id:
            raise ValidationError(
                "email", f"booking {event.booking_id} belongs to another client, not {event.email}"
            )
        after = apply_event(before, event, self.workspace.id, client.id)
        since = min(client.created_at, event.occurred_at)
        if after == before and since == client.created_at:
            return
        self.changed_events += 1
        self.bookings[after.id] = self.changed[after.id] = after
        figures = client.figures
        if after != before and client.id not in self.recompute:
            moved = update_figures(client.figures, before, after)
            if moved is None:
                self.recompute.add(client.id)
            else:
                figures = moved
        self._replace(attrs.evolve(client, created_at=since, figures=figures))
        if collect:
            self.events.append(
                BookingRecorded(
                    self.workspace.id, client.id, event.occurred_at, after.id, event.kind
                )
            )

    def _replace(self, client: Client) -> None:
        for email in (client.email, *client.aliases):
            if email in self.clients:
                self.clients[email] = client
        if client.id in self.created:
            self.created[client.id] = client
        else:
            self.touched[client.id] = client

    def _create(self, event: BookingEvent, *, collect: bool) -> Client:
        limit = self.workspace.client_limit
        if limit is not None:
            if self._client_count is None:
                self._client_count = self.uow.clients.count(self.workspace.id)
            if self._client_count + len(self.created) >= limit:
                raise PlanLimitError(limit)
        client = Client(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            name=event.name or event.email.partition("@")[0],
            email=event.email,
            phone=_phone(event.phone, self.workspace),
            language=event.language,
            source=Source.BOOKING,
            created_at=event.occurred_at,
        )
        client = attrs.evolve(
            client, figures=attrs.evolve(client.figures, last_activity_at=event.occurred_at)
        )
        self.clients[client.email] = self.created[client.id] = client
        if collect:
            self.events.append(
                ClientCreated(self.workspace.id, client.id, event.occurred_at, client.email)
            )
        return client

    def _write(self) -> None:
        uow = self.uow
        if self.created:
            uow.clients.add(list(self.created.values()))
        if self.changed:
            uow.bookings.save_many(list(self.changed.values()))
        if self.recompute:
            history = uow.bookings.for_clients(self.workspace.id, self.recompute)
            for client_id in self.recompute:
                client = self.created.get(client_id) or self.touched[client_id]
                figures = compute_figures(history.get(client_id, []), client.created_at)
                self._replace(attrs.evolve(client, figures=figures))
        moved = list(self.touched.values())
        moved += [c for c in self.created.values() if c.id in self.recompute]
        if moved:
            uow.clients.update_figures(moved)


def _phone(raw: str | None, workspace: Workspace) -> str | None:
    """A booking's phone is kept when it parses, and dropped (not refused) when it does not."""
    if raw is None:
        return None
    try:
        return normalise_phone(raw, workspace.phone_region)
    except ValidationError:
        return None
