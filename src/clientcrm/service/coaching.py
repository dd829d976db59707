"""The personal-trainer console (SPEC section 15, seed 003), as `CRM.coaching`.

Who may do what is seed 003's table: a personal trainer manages their own roster, authors
programmes and sees their own clients' training, health and progress; the gym's owner (and
admins) see every roster's data but manage none; a coach (staff) sees neither, unless
granted ``view_health``; a member sees only their own data, and logs their own workouts,
readings and check-ins. A roster never changes a client's membership or history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs

from clientcrm.errors import NotFoundError, PermissionDeniedError, ValidationError
from clientcrm.models._checks import (
    normalise_email,
    require_aware,
    require_text,
    require_timezone,
)
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.client import Client, Source
from clientcrm.models.coaching import (
    Assignment,
    Block,
    CheckIn,
    CoachingRecord,
    Goal,
    GoalKind,
    Habit,
    HealthMetric,
    HealthSample,
    Programme,
    RecordKind,
    RosterEntry,
    SetLog,
    Workout,
)
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.coaching import BestLift, Compliance, best_lifts, compliance, day_of
from clientcrm.rules.search import fold
from clientcrm.serialization import converter
from clientcrm.service import permissions as perm
from clientcrm.service.running import Runner

__all__ = ["ClientProgress", "Coaching", "HealthReport", "Reading", "RosterClient", "record_of"]

_T = TypeVar("_T")
_ROSTER, _PROGRAMME, _ASSIGNED = RecordKind.ROSTER, RecordKind.PROGRAMME, RecordKind.ASSIGNMENT


@attrs.frozen
class RosterClient:
    """A client on a roster: the record and the roster entry."""

    client: Client
    entry: RosterEntry


@attrs.frozen
class HealthReport:
    """What a batch of wearable readings did: new readings, and ones already held."""

    added: int
    repeated: int


@attrs.frozen
class ClientProgress:
    """A roster client's page in the console.

    Attributes:
        client: the client.
        workouts: their workouts in the period, newest first.
        completed: how many of those they completed.
        best_lifts: their heaviest set of each exercise, ever.
        latest_health: their latest reading of each metric.
        habits: each habit with its compliance over the period.
        goals: their goals with progress.
        programmes: the programmes assigned to them (latest versions).
    """

    client: Client
    workouts: tuple[Workout, ...]
    completed: int
    best_lifts: tuple[BestLift, ...]
    latest_health: tuple[HealthSample, ...]
    habits: tuple[tuple[Habit, Compliance], ...]
    goals: tuple[Goal, ...]
    programmes: tuple[Programme, ...]


@attrs.frozen
class Coaching:
    """The PT console over the store (see the module's text for who may do what)."""

    _run: Runner
    _open: Callable[[], UnitOfWork]
    _clock: Callable[[], datetime]
    _ids: Callable[[], str]

    # -- the roster ---------------------------------------------------------------------------

    def add_to_roster(
        self,
        actor: Actor,
        *,
        client_id: str | None = None,
        email: str | None = None,
        name: str | None = None,
        timezone: str | None = None,
    ) -> RosterClient:
        """Put a member on the trainer's roster (by ``client_id``), or invite a person by
        ``email`` (a client is created for a new address). ``timezone`` is the client's own,
        for their daily check-ins (default: the workspace's)."""
        perm.require_trainer(actor, "manage a roster")
        if (client_id is None) == (email is None):
            raise ValidationError("client_id", "give a client_id or an email, not both")
        now = self._clock()

        def work(uow: UnitOfWork) -> RosterClient:
            workspace = uow.workspaces.get(actor.workspace_id)
            if client_id is not None:
                client = uow.clients.get(workspace.id, client_id)
            else:
                client = _invited(uow, workspace, email or "", name, now, self._ids)
            zone = timezone or workspace.timezone
            require_timezone(zone)
            entry = RosterEntry(workspace.id, actor.id, client.id, now, zone)
            key = _roster_key(actor.id, client.id)
            uow.coaching.put([record_of(entry, _ROSTER, key, client.id, actor.id, now)])
            return RosterClient(client, entry)

        return self._run(work)

    def remove_from_roster(self, actor: Actor, client_id: str) -> None:
        """Take a client off the trainer's roster (their membership and history stay)."""
        perm.require_trainer(actor, "manage a roster")

        def work(uow: UnitOfWork) -> None:
            _roster_entry(uow, actor, client_id)
            uow.coaching.remove(actor.workspace_id, _ROSTER, _roster_key(actor.id, client_id))

        self._run(work)

    def roster(self, actor: Actor, trainer_id: str | None = None) -> list[RosterClient]:
        """The trainer's roster, by client name; the owner may ask for any trainer's (or,
        with no ``trainer_id``, every roster)."""
        _console(actor)
        if actor.role is Role.TRAINER:
            trainer_id = actor.id
        with self._open() as uow:
            records = uow.coaching.find(actor.workspace_id, _ROSTER, owner_id=trainer_id)
            entries = [converter.structure(r.body, RosterEntry) for r in records]
            clients = uow.clients.get_many(actor.workspace_id, [e.client_id for e in entries])
        found = [RosterClient(clients[e.client_id], e) for e in entries if e.client_id in clients]
        return sorted(found, key=lambda r: (fold(r.client.name), r.client.id, r.entry.trainer_id))

    # -- programmes ---------------------------------------------------------------------------

    def save_programme(
        self, actor: Actor, name: str, blocks: Sequence[Block], *, programme_id: str | None = None
    ) -> Programme:
        """Save a programme: a new one, or the next version of ``programme_id`` (earlier
        versions stay as they were; assignments carry over)."""
        perm.require_trainer(actor, "author programmes")
        title = require_text(name, "name", max_length=200)
        if not blocks:
            raise ValidationError("blocks", "a programme needs at least one block")
        now = self._clock()

        def work(uow: UnitOfWork) -> Programme:
            version, pid = 1, programme_id or self._ids()
            if programme_id is not None:
                version = _latest(uow, actor, programme_id).version + 1
            ws = actor.workspace_id
            programme = Programme(pid, ws, actor.id, title, version, tuple(blocks), now)
            key = f"{pid}@{version:06d}"
            uow.coaching.put([record_of(programme, _PROGRAMME, key, None, pid, now)])
            return attrs.evolve(programme, client_ids=_assigned(uow, actor.workspace_id, pid))

        return self._run(work)

    def assign(self, actor: Actor, programme_id: str, client_ids: Iterable[str]) -> Programme:
        """Assign the programme to clients of the trainer's roster."""
        perm.require_trainer(actor, "assign programmes")
        wanted = sorted(set(client_ids))
        now = self._clock()

        def work(uow: UnitOfWork) -> Programme:
            programme = _latest(uow, actor, programme_id)
            for client_id in wanted:
                _roster_entry(uow, actor, client_id)
            link = Assignment(actor.workspace_id, programme_id)
            uow.coaching.put(
                [
                    record_of(link, _ASSIGNED, f"{programme_id}:{c}", c, programme_id, now)
                    for c in wanted
                ]
            )
            return attrs.evolve(
                programme, client_ids=_assigned(uow, actor.workspace_id, programme_id)
            )

        return self._run(work)

    def programme(self, actor: Actor, programme_id: str, version: int | None = None) -> Programme:
        """One version of a programme (the latest by default), with its clients."""
        _console(actor)
        with self._open() as uow:
            versions = _versions(uow, actor.workspace_id, programme_id)
            if actor.role is Role.TRAINER and versions and versions[0].trainer_id != actor.id:
                versions = []
            chosen = [p for p in versions if version is None or p.version == version]
            if not chosen:
                raise NotFoundError("programme", programme_id)
            assigned = _assigned(uow, actor.workspace_id, programme_id)
            return attrs.evolve(chosen[-1], client_ids=assigned)

    # -- a client's data ----------------------------------------------------------------------

    def log_workout(
        self,
        actor: Actor,
        client_id: str,
        *,
        at: datetime,
        title: str,
        sets: Sequence[SetLog] = (),
        completed: bool = True,
        programme_id: str | None = None,
    ) -> Workout:
        """Log a workout of the client (their trainer, or the member themselves)."""
        workout = Workout(
            self._ids(), actor.workspace_id, client_id, at, title, completed, tuple(sets),
            programme_id,
        )  # fmt: skip

        def work(uow: UnitOfWork) -> Workout:
            _may_write(uow, actor, client_id)
            record = record_of(workout, RecordKind.WORKOUT, workout.id, client_id, None, workout.at)
            uow.coaching.put([record])
            return workout

        return self._run(work)

    def record_health(
        self, actor: Actor, client_id: str, readings: Iterable[Reading]
    ) -> HealthReport:
        """Take wearable readings ``(source, metric, at, value)``; the same source, metric
        and time is the same reading, taken once. An impossible value (a heart-rate
        variability of 900 ms) is refused with the reading's field and reason, and nothing
        of the batch is kept."""
        samples = [HealthSample(actor.workspace_id, client_id, *reading) for reading in readings]

        def work(uow: UnitOfWork) -> HealthReport:
            _may_write(uow, actor, client_id)
            ws, health = actor.workspace_id, RecordKind.HEALTH
            keyed = {_sample_key(s): s for s in samples}
            fresh = {k: s for k, s in keyed.items() if uow.coaching.get(ws, health, k) is None}
            uow.coaching.put(
                [record_of(s, health, k, client_id, None, s.at) for k, s in fresh.items()]
            )
            return HealthReport(len(fresh), len(samples) - len(fresh))

        return self._run(work)

    def health(
        self,
        actor: Actor,
        client_id: str,
        *,
        metric: HealthMetric | None = None,
        since: datetime | None = None,
    ) -> list[HealthSample]:
        """The client's readings, oldest first, of one metric and from ``since`` if given."""
        with self._open() as uow:
            _may_see(uow, actor, client_id)
            found = self._of(uow, actor, RecordKind.HEALTH, client_id, HealthSample)
        return [
            s
            for s in found
            if (metric is None or s.metric is metric) and (since is None or s.at >= since)
        ]

    def add_habit(
        self, actor: Actor, client_id: str, name: str, *, starts_on: date | None = None
    ) -> Habit:
        """Give a roster client a daily habit, counted from ``starts_on`` (default: today in
        the client's calendar)."""
        perm.require_trainer(actor, "assign habits")

        def work(uow: UnitOfWork) -> Habit:
            entry = _roster_entry(uow, actor, client_id)
            now = self._clock()
            text = require_text(name, "name", max_length=200)
            habit = Habit(
                self._ids(), actor.workspace_id, client_id, text, starts_on or day_of(now, entry.tz)
            )
            uow.coaching.put(
                [record_of(habit, RecordKind.HABIT, habit.id, client_id, actor.id, now)]
            )
            return habit

        return self._run(work)

    def check_in(self, actor: Actor, habit_id: str, *, at: datetime | None = None) -> CheckIn:
        """The client did the habit: a check-in on the day ``at`` falls on in their own
        timezone (checking in twice a day is one check-in)."""
        moment = require_aware(at, "at") if at is not None else self._clock()

        def work(uow: UnitOfWork) -> CheckIn:
            habit = _habit(uow, actor, habit_id)
            _may_write(uow, actor, habit.client_id)
            tz = _client_tz(uow, habit.workspace_id, habit.client_id)
            check = CheckIn(habit.workspace_id, habit.id, day_of(moment, tz))
            key = f"{habit.id}:{check.day.isoformat()}"
            uow.coaching.put(
                [record_of(check, RecordKind.CHECK_IN, key, habit.client_id, habit.id, moment)]
            )
            return check

        return self._run(work)

    def compliance(self, actor: Actor, habit_id: str, *, days: int = 30) -> Compliance:
        """The habit's adherence over the last ``days`` days and its streaks, in the
        client's calendar."""
        with self._open() as uow:
            habit = _habit(uow, actor, habit_id)
            _may_see(uow, actor, habit.client_id)
            return self._compliance(uow, habit, days)

    def set_goal(
        self,
        actor: Actor,
        client_id: str,
        title: str,
        *,
        start: Decimal | int | str,
        target: Decimal | int | str,
        unit: str = "",
        kind: GoalKind = GoalKind.CLIENT,
    ) -> Goal:
        """A goal of the client's own (the client or their trainer writes it) or a
        milestone their trainer sets."""
        if GoalKind(kind) is GoalKind.MILESTONE:
            perm.require_trainer(actor, "set milestones")
        begin, text = _number(start, "start"), require_text(title, "title", max_length=200)
        goal = Goal(
            self._ids(), actor.workspace_id, client_id, GoalKind(kind), text, begin,
            _number(target, "target"), begin, unit,
        )  # fmt: skip

        def work(uow: UnitOfWork) -> Goal:
            _may_write(uow, actor, client_id)
            record = record_of(goal, RecordKind.GOAL, goal.id, client_id, None, self._clock())
            uow.coaching.put([record])
            return goal

        return self._run(work)

    def update_goal(self, actor: Actor, goal_id: str, current: Decimal | int | str) -> Goal:
        """Where the client is now on the way to a goal."""

        def work(uow: UnitOfWork) -> Goal:
            record = uow.coaching.get(actor.workspace_id, RecordKind.GOAL, goal_id)
            if record is None:
                raise NotFoundError("goal", goal_id)
            goal = converter.structure(record.body, Goal)
            _may_write(uow, actor, goal.client_id)
            goal = attrs.evolve(goal, current=_number(current, "current"))
            uow.coaching.put([attrs.evolve(record, body=converter.unstructure(goal))])
            return goal

        return self._run(work)

    def progress(self, actor: Actor, client_id: str, *, days: int = 30) -> ClientProgress:
        """Everything about one client the console shows: workouts of the last ``days``
        days, best lifts, latest readings, habits with compliance, goals, programmes."""
        since = self._clock() - timedelta(days=days)
        with self._open() as uow:
            client = _may_see(uow, actor, client_id)
            workouts = self._of(uow, actor, RecordKind.WORKOUT, client_id, Workout)
            health = self._of(uow, actor, RecordKind.HEALTH, client_id, HealthSample)
            habits = self._of(uow, actor, RecordKind.HABIT, client_id, Habit)
            goals = self._of(uow, actor, RecordKind.GOAL, client_id, Goal)
            assigned = uow.coaching.find(actor.workspace_id, _ASSIGNED, client_id=client_id)
            programmes = [_versions(uow, actor.workspace_id, str(r.owner_id))[-1] for r in assigned]
            checked = [(h, self._compliance(uow, h, days)) for h in habits]
        recent = sorted((w for w in workouts if w.at >= since), key=lambda w: w.at, reverse=True)
        latest = {s.metric: s for s in health}  # oldest first: the last one wins
        return ClientProgress(
            client=client,
            workouts=tuple(recent),
            completed=sum(1 for w in recent if w.completed),
            best_lifts=tuple(sorted(best_lifts(workouts).values(), key=lambda b: b.exercise)),
            latest_health=tuple(latest[m] for m in HealthMetric if m in latest),
            habits=tuple(checked),
            goals=tuple(goals),
            programmes=tuple(programmes),
        )

    # -- helpers ------------------------------------------------------------------------------

    def _of(
        self, uow: UnitOfWork, actor: Actor, kind: RecordKind, client_id: str, model: type[_T]
    ) -> list[_T]:
        found = uow.coaching.find(actor.workspace_id, kind, client_id=client_id)
        return [converter.structure(r.body, model) for r in found]

    def _compliance(self, uow: UnitOfWork, habit: Habit, days: int) -> Compliance:
        tz = _client_tz(uow, habit.workspace_id, habit.client_id)
        today = day_of(self._clock(), tz)
        found = uow.coaching.find(habit.workspace_id, RecordKind.CHECK_IN, owner_id=habit.id)
        days_done = (converter.structure(r.body, CheckIn).day for r in found)
        first = today - timedelta(days=days - 1)
        return compliance(days_done, habit.starts_on, first, today, today)


Reading = tuple[str, HealthMetric | str, datetime, Decimal | int | float | str]
"""A wearable's reading: source, metric, when, value (in the metric's unit)."""


# -- who may do what (seed 003) ------------------------------------------------------------


def _console(actor: Actor) -> None:
    if actor.role is not Role.TRAINER and not actor.is_admin:
        raise PermissionDeniedError("use the PT console", "it is for trainers and the owner")


def _may_see(uow: UnitOfWork, actor: Actor, client_id: str) -> Client:
    """The client, if the actor may see their training, health and progress data: the
    owner and admins, staff granted ``view_health``, the client's trainers, the member."""
    client = uow.clients.get(actor.workspace_id, client_id)
    if actor.is_admin or actor.can(Permission.VIEW_HEALTH):
        return client
    if actor.role is Role.TRAINER:
        _roster_entry(uow, actor, client_id)
        return client
    if actor.role is Role.MEMBER and _is_member(actor, client):
        return client
    raise PermissionDeniedError("see health and progress data", "not one of the actor's clients")


def _may_write(uow: UnitOfWork, actor: Actor, client_id: str) -> Client:
    """The client, if the actor may log their training: their trainer, or the member."""
    client = uow.clients.get(actor.workspace_id, client_id)
    if actor.role is Role.TRAINER:
        _roster_entry(uow, actor, client_id)
        return client
    if actor.role is Role.MEMBER and _is_member(actor, client):
        return client
    raise PermissionDeniedError(
        "log training and health data", "the client's trainer or the member"
    )


def _is_member(actor: Actor, client: Client) -> bool:
    return actor.client_id == client.id or (
        actor.email is not None and actor.email.strip().lower() in client.emails
    )


# -- records ---------------------------------------------------------------------------------


def record_of(
    value: Any,
    kind: RecordKind,
    key: str,
    client_id: str | None,
    owner_id: str | None,
    at: datetime,
) -> CoachingRecord:
    """How a console record (it carries its ``workspace_id``) is kept by the store."""
    return CoachingRecord(
        value.workspace_id, kind, key, client_id, owner_id, at, converter.unstructure(value)
    )


def _roster_key(trainer_id: str, client_id: str) -> str:
    return f"{trainer_id}:{client_id}"


def _roster_entry(uow: UnitOfWork, actor: Actor, client_id: str) -> RosterEntry:
    record = uow.coaching.get(actor.workspace_id, _ROSTER, _roster_key(actor.id, client_id))
    if record is None:
        raise NotFoundError("client on the roster", client_id)
    return converter.structure(record.body, RosterEntry)


def _client_tz(uow: UnitOfWork, workspace_id: str, client_id: str) -> ZoneInfo:
    """The client's timezone as their (first) trainer recorded it, else the workspace's."""
    entries = uow.coaching.find(workspace_id, _ROSTER, client_id=client_id)
    if entries:
        return converter.structure(entries[0].body, RosterEntry).tz
    return uow.workspaces.get(workspace_id).tz


def _invited(
    uow: UnitOfWork,
    workspace: Workspace,
    email: str,
    name: str | None,
    now: datetime,
    ids: Callable[[], str],
) -> Client:
    address = normalise_email(email)
    found = uow.clients.find_by_emails(workspace.id, [address]).get(address)
    if found is not None:
        return found
    shown = require_text(name or address.split("@")[0], "name", max_length=200)
    client = Client(ids(), workspace.id, shown, address, now, Source.MANUAL)
    uow.clients.add([client])
    return client


def _versions(uow: UnitOfWork, workspace_id: str, programme_id: str) -> list[Programme]:
    """Every version of a programme, oldest first (its records are owned by its id)."""
    found = uow.coaching.find(workspace_id, _PROGRAMME, owner_id=programme_id)
    return sorted((converter.structure(r.body, Programme) for r in found), key=lambda p: p.version)


def _latest(uow: UnitOfWork, actor: Actor, programme_id: str) -> Programme:
    versions = _versions(uow, actor.workspace_id, programme_id)
    if not versions or versions[-1].trainer_id != actor.id:
        raise NotFoundError("programme", programme_id)
    return versions[-1]


def _assigned(uow: UnitOfWork, workspace_id: str, programme_id: str) -> frozenset[str]:
    links = uow.coaching.find(workspace_id, _ASSIGNED, owner_id=programme_id)
    return frozenset(r.client_id for r in links if r.client_id is not None)


def _habit(uow: UnitOfWork, actor: Actor, habit_id: str) -> Habit:
    record = uow.coaching.get(actor.workspace_id, RecordKind.HABIT, habit_id)
    if record is None:
        raise NotFoundError("habit", habit_id)
    return converter.structure(record.body, Habit)


def _number(value: Decimal | int | str, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(field, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValidationError(field, f"{value!r} is not a number")
    return number


def _sample_key(sample: HealthSample) -> str:
    return f"{sample.source}|{sample.metric.value}|{sample.at.timestamp():.6f}"
