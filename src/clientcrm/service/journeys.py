"""Evaluating journeys inside a unit of work: carrying stored ones on with new items, or
replaying a client's whole history when an item lands before what was already evaluated."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from clientcrm.models.client import Client, ClientFigures
from clientcrm.models.events import DomainEvent, MilestoneReached, StageChanged
from clientcrm.models.journey import Journey, JourneyHistory, Milestone, StageChange
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.figures import compute_figures
from clientcrm.rules.journey import (
    Item,
    JourneyRules,
    Progress,
    activity_items,
    booking_items,
    order_items,
    replay,
)

__all__ = ["Journeys", "history_items", "recompute_figures"]


def history_items(
    uow: UnitOfWork, workspace_id: str, client_ids: Collection[str]
) -> dict[str, list[Item]]:
    """Every history item of these clients, as stored."""
    items: dict[str, list[Item]] = {c: [] for c in client_ids}
    for client_id, bookings in uow.bookings.for_clients(workspace_id, client_ids).items():
        items[client_id].extend(i for b in bookings for i in booking_items(b))
    for client_id, orders in uow.orders.for_clients(workspace_id, client_ids).items():
        items[client_id].extend(i for o in orders for i in order_items(o))
    for client_id, activities in uow.activities.for_clients(workspace_id, client_ids).items():
        items[client_id].extend(i for a in activities for i in activity_items(a))
    return items


def recompute_figures(
    uow: UnitOfWork, workspace_id: str, since: Mapping[str, datetime]
) -> dict[str, ClientFigures]:
    """The figures of each client (id to "client since") from everything stored about them:
    bookings, and the latest moment of their orders and activities."""
    ids = list(since)
    bookings = uow.bookings.for_clients(workspace_id, ids)
    latest: dict[str, datetime] = {}
    for client_id, orders in uow.orders.for_clients(workspace_id, ids).items():
        latest[client_id] = max(
            max(o.placed_at, o.details_version.occurred_at, o.status_version.occurred_at)
            for o in orders
        )
    for client_id, activities in uow.activities.for_clients(workspace_id, ids).items():
        last = max(a.at for a in activities)
        latest[client_id] = max(latest.get(client_id, last), last)
    return {
        client_id: compute_figures(
            bookings.get(client_id, []), since[client_id], latest.get(client_id)
        )
        for client_id in ids
    }


def refigured(journeys: Journeys, clients: Sequence[Client]) -> list[Client]:
    """The clients with their figures recomputed from what they hold, and their journeys
    replayed (stage histories and milestones stored by the replay)."""
    ws = journeys.workspace.id
    figures = recompute_figures(journeys.uow, ws, {c.id: c.created_at for c in clients})
    return journeys.replay([attrs.evolve(c, figures=figures[c.id]) for c in clients])


@attrs.define
class Journeys:
    """The journeys one unit of work evaluates, and the domain events they make.

    `carry_on` and `advance` work from the stored journey alone; `replay` reads the clients'
    histories. Each returns the clients with their new journeys, which the caller stores with
    `ClientRepository.update_figures` (or adds, for new clients); the stage changes and
    milestones are written here: at once by `replay`, by `flush` for the others.
    """

    uow: UnitOfWork
    workspace: Workspace
    collect: bool = False
    events: list[DomainEvent] = attrs.Factory(list)
    added_changes: int = 0
    """Stage changes recorded (replays count those that were not stored before)."""
    added_milestones: int = 0
    """Milestones awarded (likewise)."""
    replaced: list[str] = attrs.Factory(list)
    """Clients whose stored stage history or milestones a replay found wrong and replaced."""
    rules: JourneyRules = attrs.field(init=False)
    _changes: list[StageChange] = attrs.field(init=False, factory=list)
    _milestones: list[Milestone] = attrs.field(init=False, factory=list)
    _fresh: dict[datetime, tuple[Journey, list[StageChange], list[Milestone]]] = attrs.field(
        init=False, factory=dict
    )
    """The journey of a client created with no history, by when it was created."""

    def __attrs_post_init__(self) -> None:
        self.rules = JourneyRules.of(self.workspace)

    def can_carry_on(self, client: Client, new: Iterable[Item]) -> bool:
        """Whether ``new`` items can be applied to the client's stored journey: it has one,
        and every item is later than what it was evaluated through."""
        journey = client.journey
        return journey is not None and all(item.at > journey.until for item in new)

    def carry_on(self, clients: Sequence[tuple[Client, Iterable[Item]]]) -> list[Client]:
        """Apply each client's new items (see `can_carry_on`) to their stored journey."""
        return self._resumed(
            (client, functools.partial(Progress.apply_all, items=new)) for client, new in clients
        )

    def advance(self, clients: Sequence[Client], now: datetime) -> list[Client]:
        """The scheduled job: let time pass up to ``now`` for clients with a stored journey."""
        return self._resumed((client, lambda p: p.schedule(now)) for client in clients)

    def _resumed(self, steps: Iterable[tuple[Client, Callable[[Progress], None]]]) -> list[Client]:
        """Each client's stored journey, carried on by its step."""
        done, changes, milestones = [], [], []
        for client, step in steps:
            progress = self._resume(client)
            step(progress)
            done.append(attrs.evolve(client, journey=progress.journey()))
            changes += progress.new_changes
            milestones += progress.new_milestones
        self._add(changes, milestones)
        return done

    def replay(self, clients: Sequence[Client], now: datetime | None = None) -> list[Client]:
        """Evaluate each client's journey from their whole stored history, through the
        scheduled job's latest run (``now``, for the job itself), and store what differs."""
        if not clients:
            return []
        ws = self.workspace.id
        ids = [c.id for c in clients]
        items = history_items(self.uow, ws, ids)
        stored = self.uow.journeys.for_clients(ws, ids)
        done: list[Client] = []
        replaced: list[str] = []
        changes: list[StageChange] = []
        milestones: list[Milestone] = []
        for client in clients:
            ran = client.journey.scheduled if client.journey is not None else None
            if now is not None and (ran is None or now > ran):
                ran = now
            progress = replay(ws, client.id, client.created_at, items[client.id], self.rules, ran)
            done.append(attrs.evolve(client, journey=progress.journey()))
            before = stored.get(client.id, JourneyHistory())
            after = JourneyHistory(tuple(progress.new_changes), tuple(progress.new_milestones))
            if _key(before) != _key(after):
                replaced.append(client.id)
                changes += after.changes
                milestones += after.milestones
                self._announce(
                    [c for c in after.changes if c not in set(before.changes)],
                    [
                        m
                        for m in after.milestones
                        if m.kind not in {o.kind for o in before.milestones}
                    ],
                )
        if replaced:
            self.uow.journeys.replace(ws, replaced, changes, milestones)
            self.replaced += replaced
        return done

    def start(self, client: Client, items: Iterable[Item]) -> Client:
        """The client, created in this unit of work (nothing stored yet), with its journey."""
        journey = self.begin(client.id, client.created_at, items)
        return client if client.journey is journey else attrs.evolve(client, journey=journey)

    def begin(self, client_id: str, created_at: datetime, items: Iterable[Item]) -> Journey:
        """The journey of a client created in this unit of work at ``created_at``."""
        if isinstance(items, Sequence) and not items:  # an import's: all alike but the id
            journey, changes, milestones = self._fresh_start(created_at)
            self._add(
                [_change_for(c, client_id) for c in changes],
                [_milestone_for(m, client_id) for m in milestones],
            )
            return journey
        progress = replay(self.workspace.id, client_id, created_at, items, self.rules)
        self._add(progress.new_changes, progress.new_milestones)
        return progress.journey()

    def fresh(self, created_at: datetime) -> Journey:
        """The journey `start` gives a client created at ``created_at`` with no history (an
        imported client may be made with it, and `start` then has nothing to change)."""
        return self._fresh_start(created_at)[0]

    def _fresh_start(
        self, created_at: datetime
    ) -> tuple[Journey, list[StageChange], list[Milestone]]:
        fresh = self._fresh.get(created_at)
        if fresh is None:
            progress = replay(self.workspace.id, "", created_at, (), self.rules)
            fresh = self._fresh[created_at] = (
                progress.journey(), progress.new_changes, progress.new_milestones,
            )  # fmt: skip
        return fresh

    def _resume(self, client: Client) -> Progress:
        assert client.journey is not None, "only a stored journey can be carried on"
        return Progress.resume(
            self.workspace.id, client.id, client.created_at, client.journey, self.rules
        )

    def _add(self, changes: list[StageChange], milestones: list[Milestone]) -> None:
        self._changes += changes
        self._milestones += milestones
        self._announce(changes, milestones)

    def flush(self) -> None:
        """Write the stage changes and milestones that `start`, `carry_on` and `advance`
        added, all in one go (replays write theirs at once)."""
        if self._changes or self._milestones:
            self.uow.journeys.add(self._changes, self._milestones)
            self._changes, self._milestones = [], []

    def _announce(self, changes: Sequence[StageChange], milestones: Sequence[Milestone]) -> None:
        self.added_changes += len(changes)
        self.added_milestones += len(milestones)
        if not self.collect:
            return
        ws = self.workspace.id
        self.events.extend(
            StageChanged(ws, c.client_id, c.at, c.previous, c.stage, c.trigger) for c in changes
        )
        self.events.extend(
            MilestoneReached(ws, m.client_id, m.at, m.kind, m.trigger) for m in milestones
        )


def _change_for(change: StageChange, client_id: str) -> StageChange:
    """A fresh start's stage change, for ``client_id`` (made directly: an import makes one
    per client, and ``attrs.evolve`` costs several times more)."""
    c = change
    return StageChange(c.workspace_id, client_id, c.seq, c.previous, c.stage, c.at, c.trigger)


def _milestone_for(milestone: Milestone, client_id: str) -> Milestone:
    """A fresh start's milestone, for ``client_id``."""
    m = milestone
    return Milestone(m.workspace_id, client_id, m.kind, m.at, m.trigger)


def _key(history: JourneyHistory) -> tuple[object, ...]:
    return (history.changes, tuple(sorted(history.milestones, key=lambda m: m.kind)))
