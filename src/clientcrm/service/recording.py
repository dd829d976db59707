"""Recording client events (bookings, orders, activities) in batches: the hot path of ingest.

One batch is one unit of work: every client, booking, order and figure it touches is read
once, changed in memory, and written back with one statement per table. Journeys are
evaluated once per client at the end, from the batch's new history items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import attrs

from clientcrm.errors import (
    BlockedClientError,
    InsufficientBalanceError,
    PlanLimitError,
    ValidationError,
)
from clientcrm.matching.score import MatchLevel
from clientcrm.models._checks import normalise_phone
from clientcrm.models.activity import Activity, ActivityKind
from clientcrm.models.booking import Booking
from clientcrm.models.client import Client, ClientFigures, Flag, Source
from clientcrm.models.events import (
    ActivityEvent,
    BookingEvent,
    BookingRecorded,
    ClientCreated,
    ClientEvent,
    DomainEvent,
    OrderEvent,
)
from clientcrm.models.journey import Journey
from clientcrm.models.merging import PendingMatch
from clientcrm.models.order import Order
from clientcrm.models.timeline import EntryKind, TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.policies import MatchMode
from clientcrm.ports import UnitOfWork
from clientcrm.rules.bookings import apply_event
from clientcrm.rules.figures import FigureTally
from clientcrm.rules.journey import Item, activity_items, booking_items, order_items
from clientcrm.rules.orders import apply_order_event
from clientcrm.service.detection import Detection, Detector
from clientcrm.service.journeys import Journeys, recompute_figures

__all__ = ["Batch"]


@attrs.define
class _Working:
    """A client being changed by the batch; the record is rebuilt once, at the end."""

    client: Client
    tally: FigureTally
    since: datetime
    new: bool
    blocked: bool
    moved: bool = False
    recompute: bool = False
    contact: bool = False
    """Smart detection gave the client an alias or a phone: the whole record is written."""
    items: list[Item] = attrs.Factory(list)
    """The journey's new history items from this batch (repeats are harmless)."""
    replay: bool = False
    """An item changed or went away: the journey is evaluated from the whole history."""
    journey: Journey | None = None

    def __attrs_post_init__(self) -> None:
        self.journey = self.client.journey

    @classmethod
    def of(cls, client: Client, *, new: bool) -> _Working:
        blocked = Flag.BLOCKED in client.flags
        return cls(client, FigureTally.of(client.figures), client.created_at, new, blocked)

    def result(self) -> Client:
        client = self.client
        figures = self.tally.figures()
        unchanged = figures == client.figures and self.since == client.created_at
        if unchanged and self.journey is client.journey:
            return client
        return attrs.evolve(client, created_at=self.since, figures=figures, journey=self.journey)

    def history(self, before: Iterable[Item], after: Iterable[Item]) -> None:
        """One booking, order or activity of the client changed from ``before`` to
        ``after`` (its items)."""
        old, new = set(before), set(after)
        if not old <= new:
            self.replay = True
        self.items += new - old

    @property
    def moved_in_time(self) -> bool:
        """Whether the client's "since" moved earlier (then its Discovery did too)."""
        return self.since != self.client.created_at


@attrs.define
class Batch:
    """The working set of one batch of events inside one unit of work."""

    uow: UnitOfWork
    workspace: Workspace
    new_id: Callable[[], str]
    by_email: dict[str, _Working] = attrs.Factory(dict)
    bookings: dict[str, Booking] = attrs.Factory(dict)
    stored: dict[str, Booking] = attrs.Factory(dict)
    changed: dict[str, Booking] = attrs.Factory(dict)
    orders: dict[str, Order] = attrs.Factory(dict)
    stored_orders: dict[str, Order] = attrs.Factory(dict)
    changed_orders: dict[str, Order] = attrs.Factory(dict)
    activities: dict[str, Activity] = attrs.Factory(dict)
    new_activities: list[Activity] = attrs.Factory(list)
    events: list[DomainEvent] = attrs.Factory(list)
    _shared: dict[str, _Working] = attrs.Factory(dict)
    """The batch's clients by id."""
    detector: Detector = attrs.field(
        init=False,
        default=attrs.Factory(lambda self: Detector(self.uow, self.workspace), takes_self=True),
    )
    pending: list[PendingMatch] = attrs.Factory(list)
    entries: list[TimelineEntry] = attrs.Factory(list)
    changed_events: int = 0
    created: int = 0
    _client_count: int | None = None

    @property
    def created_ids(self) -> set[str]:
        """The ids of the clients the batch created."""
        return {cid for cid, working in self._shared.items() if working.new}

    @property
    def clients(self) -> dict[str, Client]:
        """The batch's clients as they stand, by email (primary and aliases)."""
        return {email: working.result() for email, working in self.by_email.items()}

    def run(self, events: Sequence[ClientEvent], *, collect: bool) -> None:
        """Apply ``events`` in order; ``collect`` builds domain events for subscribers."""
        ws = self.workspace.id
        self._check_currency(events)
        uow = self.uow
        known = uow.clients.find_by_emails(ws, {e.email for e in events})
        shared = self._shared
        for email, client in known.items():
            if client.id not in shared:
                shared[client.id] = _Working.of(client, new=False)
            self.by_email[email] = shared[client.id]
        booking_ids = {e.booking_id for e in events if type(e) is BookingEvent}
        self.bookings = uow.bookings.get_many(ws, booking_ids)
        self.stored = dict(self.bookings)
        if len(booking_ids) < len(events):
            order_ids = {e.order_id for e in events if type(e) is OrderEvent}
            self.orders = uow.orders.get_many(ws, order_ids) if order_ids else {}
            self.stored_orders = dict(self.orders)
            activity_ids = {e.event_id for e in events if type(e) is ActivityEvent}
            self.activities = uow.activities.get_many(ws, activity_ids) if activity_ids else {}
        if self._smart:
            self.detector.prepare(e for e in events if e.email not in known)
        for event in events:
            if type(event) is BookingEvent:
                self._apply(event, collect=collect)
            elif type(event) is OrderEvent:
                self._apply_order(event, collect=collect)
            else:
                assert isinstance(event, ActivityEvent)
                self._apply_activity(event, collect=collect)
        self._write(collect=collect)

    def _check_currency(self, events: Sequence[ClientEvent]) -> None:
        currency = self.workspace.currency
        for event in events:
            amount = getattr(event, "amount", None)
            if amount is not None and amount.currency != currency:
                raise ValidationError(
                    "amount", f"{amount.currency} does not match the workspace currency {currency}"
                )

    def _apply(self, event: BookingEvent, *, collect: bool) -> None:
        working = self.by_email.get(event.email) or self._create(event, collect=collect)
        client = working.client
        before = self.bookings.get(event.booking_id)
        if before is None and working.blocked:
            raise BlockedClientError(client.id)
        if before is not None and before.client_id != client.id:
            raise ValidationError(
                "email", f"booking {event.booking_id} belongs to another client, not {event.email}"
            )
        after = apply_event(before, event, self.workspace.id, client.id)
        since = min(working.since, event.occurred_at)
        unchanged = before is not None and after == before
        if unchanged and since == working.since:
            return
        self.changed_events += 1
        working.since = since
        working.moved = True
        self.bookings[after.id] = self.changed[after.id] = after
        if not unchanged and not working.recompute:
            working.recompute = not working.tally.move(before, after)
        if collect:
            self.events.append(
                BookingRecorded(
                    self.workspace.id, client.id, event.occurred_at, after.id, event.kind
                )
            )

    def _apply_order(self, event: OrderEvent, *, collect: bool) -> None:
        working = self.by_email.get(event.email) or self._create(event, collect=collect)
        client = working.client
        before = self.orders.get(event.order_id)
        if before is not None and before.client_id != client.id:
            raise ValidationError(
                "email", f"order {event.order_id} belongs to another client, not {event.email}"
            )
        after = apply_order_event(before, event, self.workspace.id, client.id)
        if before is not None and after == before and working.since <= event.occurred_at:
            return
        self.orders[after.id] = self.changed_orders[after.id] = after
        self._touch(working, event.occurred_at)

    def _apply_activity(self, event: ActivityEvent, *, collect: bool) -> None:
        working = self.by_email.get(event.email) or self._create(event, collect=collect)
        if event.event_id in self.activities:
            return  # recorded before: an activity never changes
        activity = Activity(
            event.event_id,
            self.workspace.id,
            working.client.id,
            event.kind,
            event.occurred_at,
            event.title,
            event.points,
        )
        self.activities[activity.id] = activity
        working.history((), activity_items(activity))
        self._touch(working, event.occurred_at)
        self.new_activities.append(activity)

    def _touch(self, working: _Working, at: datetime) -> None:
        """Something about the client happened at ``at``."""
        self.changed_events += 1
        working.since = min(working.since, at)
        working.moved = True
        tally = working.tally
        if tally.last_activity_at is None or at > tally.last_activity_at:
            tally.last_activity_at = at

    @property
    def _smart(self) -> bool:
        return self.workspace.policies.matching.mode is MatchMode.SMART

    def _create(self, event: ClientEvent, *, collect: bool) -> _Working:
        if not self._smart:
            return self._new_client(event, collect=collect)
        found = self.detector.detect(event)
        if found is not None and found.level is MatchLevel.EXACT:
            working = self._link(event, found)
        else:
            working = self._new_client(event, collect=collect)
            if found is not None:
                self._queue(event, working.client, found)
        if working.new:
            self.detector.add(working.client, event)
        return working

    def _link(self, event: ClientEvent, found: Detection) -> _Working:
        """An exact match: the booking's email joins the client as an alias (its phone is one
        of the client's already: the exact rule for an unknown email is the same name and
        phone)."""
        working = self._shared.get(found.client.id)
        if working is None:
            working = self._shared[found.client.id] = _Working.of(found.client, new=False)
        client = working.client
        working.client = attrs.evolve(client, aliases=client.aliases | {event.email})
        working.contact = True
        self.by_email[event.email] = working
        summary = f"{_what(event)} from {event.email} linked: {found.result.reasons[0].detail}"
        self._note(client.id, EntryKind.MATCH_LINKED, event, summary, found)
        return working

    def _queue(self, event: ClientEvent, provisional: Client, found: Detection) -> None:
        """A partial match: the new client holds the booking until someone decides."""
        match = PendingMatch(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            client_id=provisional.id,
            candidate_id=found.client.id,
            score=found.result.score,
            reasons=found.result.reasons,
            created_at=event.occurred_at,
        )
        self.pending.append(match)
        summary = f"may be {found.client.name} <{found.client.email}>: waiting for review"
        self._note(provisional.id, EntryKind.MATCH_PENDING, event, summary, found, match.id)

    def _note(
        self,
        client_id: str,
        kind: EntryKind,
        event: ClientEvent,
        summary: str,
        found: Detection,
        match_id: str | None = None,
    ) -> None:
        data = {"email": event.email, "score": found.result.score, "candidate_id": found.client.id}
        if match_id is not None:
            data["match_id"] = match_id
        self.entries.append(
            TimelineEntry(
                self.new_id(),
                self.workspace.id,
                client_id,
                kind,
                event.occurred_at,
                summary,
                data=data,
            )
        )

    def _new_client(self, event: ClientEvent, *, collect: bool) -> _Working:
        limit = self.workspace.client_limit
        if limit is not None:
            if self._client_count is None:
                self._client_count = self.uow.clients.count(self.workspace.id)
            if self._client_count + self.created >= limit:
                raise PlanLimitError(limit)
        client = Client(
            id=self.new_id(),
            workspace_id=self.workspace.id,
            name=event.name or event.email.partition("@")[0],
            email=event.email,
            phone=_phone(event.phone, self.workspace),
            language=event.language,
            source=_source(event),
            created_at=event.occurred_at,
            figures=ClientFigures(last_activity_at=event.occurred_at),
        )
        self.created += 1
        working = self.by_email[client.email] = _Working.of(client, new=True)
        self._shared[client.id] = working
        if collect:
            self.events.append(
                ClientCreated(self.workspace.id, client.id, event.occurred_at, client.email)
            )
        return working

    def _write(self, *, collect: bool) -> None:
        uow = self.uow
        everyone = list({id(w): w for w in self.by_email.values()}.values())
        self._gather_items()
        journeys = Journeys(uow, self.workspace, collect=collect)
        new = [w for w in everyone if w.new]
        if new:
            for working in new:
                working.journey = journeys.begin(working.client.id, working.since, working.items)
                working.client = working.result()  # result() is now the client itself
            uow.clients.add([w.client for w in new])
        added = [b for b in self.changed.values() if b.id not in self.stored]
        if added:
            uow.bookings.add_many(added)
        if len(added) < len(self.changed):
            uow.bookings.save_many([b for b in self.changed.values() if b.id in self.stored])
        if self.changed_orders:
            uow.orders.save_many(list(self.changed_orders.values()))
        if self.new_activities:
            uow.activities.save_many(self.new_activities)
        recompute = {w.client.id: w for w in everyone if w.recompute}
        if recompute:
            since = {client_id: w.since for client_id, w in recompute.items()}
            for client_id, figures in recompute_figures(uow, self.workspace.id, since).items():
                recompute[client_id].tally = FigureTally.of(figures)
        self._evaluate_journeys(journeys, [w for w in everyone if w.moved and not w.new])
        self._check_redemptions()
        journeys.flush()
        for working in everyone:
            if working.contact and not working.new:
                uow.clients.update(working.result())
        moved = [
            w.result()
            for w in everyone
            if ((w.moved and not w.new) or w.recompute) and not (w.contact and not w.new)
        ]
        if moved:
            uow.clients.update_figures(moved)
        self._write_matches(everyone)
        self.events += journeys.events

    def _check_redemptions(self) -> None:
        """Refuse the batch when its redemptions take a client's points below zero."""
        taken: dict[str, int] = {}
        for activity in self.new_activities:
            if activity.points:
                taken[activity.client_id] = taken.get(activity.client_id, 0) + activity.points
        for client_id, points in taken.items():
            journey = self._shared[client_id].journey
            assert journey is not None
            if journey.points < journey.redeemed:
                available = max(journey.points - journey.redeemed + points, 0)
                raise InsufficientBalanceError(client_id, "points", available, points)

    def _gather_items(self) -> None:
        """Give each client the history items its changed bookings and orders brought."""
        shared, stored, stored_orders = self._shared, self.stored, self.stored_orders
        for booking in self.changed.values():
            before = stored.get(booking.id)
            if before is None:
                shared[booking.client_id].items += booking_items(booking)
            else:
                shared[booking.client_id].history(booking_items(before), booking_items(booking))
        for order in self.changed_orders.values():
            was = stored_orders.get(order.id)
            shared[order.client_id].history(
                order_items(was) if was is not None else (), order_items(order)
            )

    @staticmethod
    def _evaluate_journeys(journeys: Journeys, moved: list[_Working]) -> None:
        carry, replay = [], []
        for working in moved:
            client = working.result()
            if working.replay or working.moved_in_time:
                replay.append((working, client))
            elif journeys.can_carry_on(client, working.items):
                carry.append((working, client))
            else:
                replay.append((working, client))
        done = journeys.carry_on([(client, w.items) for w, client in carry])
        done += journeys.replay([client for _, client in replay])
        for (working, _), client in zip([*carry, *replay], done, strict=True):
            working.journey = client.journey

    def _write_matches(self, everyone: Iterable[_Working]) -> None:
        if self.pending:
            for match in self.pending:
                self.uow.matches.add_pending(match)
        if self.entries:
            self.uow.timeline.add(self.entries)
        if self._smart:
            keys = {
                w.client.id: self.detector.client_keys(w.client)
                for w in everyone
                if w.new or w.contact
            }
            if keys:
                self.uow.matches.index(self.workspace.id, keys)


def _source(event: ClientEvent) -> Source:
    if isinstance(event, ActivityEvent):
        return Source.FORM if event.kind is ActivityKind.FORM else Source.ACTIVITY
    return Source.BOOKING if isinstance(event, BookingEvent) else Source.ORDER


def _what(event: ClientEvent) -> str:
    if isinstance(event, ActivityEvent):
        return event.kind.value.replace("_", " ")
    return "booking" if isinstance(event, BookingEvent) else "order"


def _phone(raw: str | None, workspace: Workspace) -> str | None:
    """A booking's phone is kept when it parses, and dropped (not refused) when it does not."""
    if raw is None:
        return None
    try:
        return normalise_phone(raw, workspace.phone_region)
    except ValidationError:
        return None
