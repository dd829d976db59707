"""The personal-trainer console (SPEC section 15, seed 003): rosters, bespoke programmes,
training logs, health metrics, habits and goals."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models._checks import require_aware, require_text, require_timezone

__all__ = [
    "Assignment",
    "Block",
    "CheckIn",
    "CoachingRecord",
    "Exercise",
    "Goal",
    "GoalKind",
    "Habit",
    "HealthMetric",
    "HealthSample",
    "Programme",
    "RecordKind",
    "RosterEntry",
    "Session",
    "SetLog",
    "Workout",
]


@attrs.frozen
class RosterEntry:
    """A client on a personal trainer's roster (it never changes the client's membership).

    Attributes:
        workspace_id: the gym's workspace.
        trainer_id: the PT (an `Actor` id).
        client_id: the client.
        added_at: when they were added.
        timezone: the client's IANA timezone, for their daily check-ins.
    """

    workspace_id: str
    trainer_id: str
    client_id: str
    added_at: datetime
    timezone: str = attrs.field()

    @timezone.validator
    def _zone(self, _: attrs.Attribute[str], value: str) -> None:
        require_timezone(value)

    @property
    def tz(self) -> ZoneInfo:
        """The client's timezone."""
        return ZoneInfo(self.timezone)


def _exercise(value: str) -> str:
    return require_text(value, "exercise", max_length=200)


def _prescription(value: str) -> str:
    return require_text(value, "prescription", max_length=500, allow_empty=True)


def _session(value: str) -> str:
    return require_text(value, "session", max_length=200)


def _block(value: str) -> str:
    return require_text(value, "block", max_length=200)


def _title(value: str) -> str:
    return require_text(value, "title", max_length=200)


def _moment(value: datetime) -> datetime:
    return require_aware(value, "at")


def _source(value: str) -> str:
    return require_text(value, "source", max_length=64).lower()


def _exercises(value: Iterable[Exercise]) -> tuple[Exercise, ...]:
    return tuple(value)


def _sessions(value: Iterable[Session]) -> tuple[Session, ...]:
    return tuple(value)


def _sets(value: Iterable[SetLog]) -> tuple[SetLog, ...]:
    return tuple(value)


@attrs.frozen
class Exercise:
    """One exercise of a session, with a free-form prescription ("5x5 @ 80%", "20 min Z2")."""

    name: str = attrs.field(converter=_exercise)
    prescription: str = attrs.field(default="", converter=_prescription)


@attrs.frozen
class Session:
    """A named session of exercises."""

    name: str = attrs.field(converter=_session)
    exercises: tuple[Exercise, ...] = attrs.field(converter=_exercises)


@attrs.frozen
class Block:
    """A named block of sessions: a week, a phase, anything the PT likes."""

    name: str = attrs.field(converter=_block)
    sessions: tuple[Session, ...] = attrs.field(converter=_sessions)


@attrs.frozen
class Programme:
    """One version of a bespoke programme: blocks of sessions of exercises, no predefined
    phases. Saving a change makes the next version; earlier ones stay as they were.

    Attributes:
        id: the programme (the same for all its versions).
        workspace_id: the workspace.
        trainer_id: its author.
        name: its name.
        version: 1, 2, ...
        blocks: its structure.
        saved_at: when this version was saved.
        client_ids: the roster clients it is assigned to.
    """

    id: str
    workspace_id: str
    trainer_id: str
    name: str
    version: int
    blocks: tuple[Block, ...]
    saved_at: datetime
    client_ids: frozenset[str] = frozenset()


@attrs.frozen
class SetLog:
    """One logged set: the exercise, the reps, and the load in kilograms (``None``: body
    weight)."""

    exercise: str
    reps: int
    weight_kg: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        if not 0 < self.reps <= 1000:
            raise ValidationError("reps", f"{self.reps} is not a possible number of reps")
        if self.weight_kg is not None and not Decimal(0) <= self.weight_kg <= Decimal(1000):
            raise ValidationError("weight_kg", f"{self.weight_kg} kg is not a possible load")


@attrs.frozen
class Workout:
    """A training session the client did (or skipped), with its sets.

    Attributes:
        id: the log's id.
        workspace_id: the workspace.
        client_id: the client.
        at: when it started.
        title: the session's name.
        completed: whether the client finished it.
        sets: what they lifted.
        programme_id: the programme it came from, if any.
    """

    id: str
    workspace_id: str
    client_id: str
    at: datetime = attrs.field(converter=_moment)
    title: str = attrs.field(converter=_title)
    completed: bool = True
    sets: tuple[SetLog, ...] = attrs.field(default=(), converter=_sets)
    programme_id: str | None = None


class HealthMetric(enum.StrEnum):
    """A wearable's measure, with its unit and the values that are possible."""

    HRV = "hrv"
    SLEEP = "sleep"
    RECOVERY = "recovery"
    RESTING_HEART_RATE = "resting_heart_rate"

    @property
    def unit(self) -> str:
        """The unit its values are in."""
        return _UNITS[self][0]

    def check(self, value: Decimal) -> None:
        """Raise `ValidationError` for a value no body can have."""
        unit, low, high = _UNITS[self]
        if not (value.is_finite() and low <= value <= high):
            raise ValidationError(
                "value", f"{value} {unit} is not a possible {self.value} (from {low} to {high})"
            )


_UNITS: dict[HealthMetric, tuple[str, Decimal, Decimal]] = {
    HealthMetric.HRV: ("ms", Decimal(1), Decimal(300)),
    HealthMetric.SLEEP: ("h", Decimal(0), Decimal(24)),
    HealthMetric.RECOVERY: ("%", Decimal(0), Decimal(100)),
    HealthMetric.RESTING_HEART_RATE: ("bpm", Decimal(20), Decimal(250)),
}


def _metric(value: HealthMetric | str) -> HealthMetric:
    try:
        return HealthMetric(value)
    except ValueError:
        names = ", ".join(m.value for m in HealthMetric)
        raise ValidationError("metric", f"{value!r} is not one of: {names}") from None


def _value(value: Decimal | int | float | str) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValidationError("value", f"{value!r} is not a number") from None


@attrs.frozen
class HealthSample:
    """One reading from a wearable; the same (source, metric, at) is the same reading.

    Attributes:
        workspace_id: the workspace.
        client_id: the client.
        source: where it came from ("whoop", "oura", "garmin").
        metric: what it measures.
        at: when it was measured.
        value: the reading, in the metric's unit.
    """

    workspace_id: str
    client_id: str
    source: str = attrs.field(converter=_source)
    metric: HealthMetric = attrs.field(converter=_metric)
    at: datetime = attrs.field(converter=_moment)
    value: Decimal = attrs.field(converter=_value)

    def __attrs_post_init__(self) -> None:
        self.metric.check(self.value)

    @property
    def unit(self) -> str:
        """The unit of ``value``."""
        return self.metric.unit


@attrs.frozen
class Habit:
    """A daily habit a PT assigned ("10k steps", "log meals").

    Attributes:
        id: the habit.
        workspace_id: the workspace.
        client_id: the client.
        name: what to do every day.
        starts_on: the first day it counts (client's calendar).
    """

    id: str
    workspace_id: str
    client_id: str
    name: str
    starts_on: date


@attrs.frozen
class CheckIn:
    """The client did the habit on this day (their own calendar)."""

    workspace_id: str
    habit_id: str
    day: date


@attrs.frozen
class Assignment:
    """A programme assigned to a client (the record's client and owner say which)."""

    workspace_id: str
    programme_id: str


class GoalKind(enum.StrEnum):
    """Who set the goal."""

    CLIENT = "client"  # the client's own goal
    MILESTONE = "milestone"  # a milestone the PT set


@attrs.frozen
class Goal:
    """A goal with a measurable target ("squat 100 kg", "run 5 km in 25 min").

    Attributes:
        id: the goal.
        workspace_id: the workspace.
        client_id: the client.
        kind: the client's goal or a PT-set milestone.
        title: what it is.
        start: where the client started.
        target: where they aim (above or below the start).
        current: where they are now.
        unit: the unit of the three.
    """

    id: str
    workspace_id: str
    client_id: str
    kind: GoalKind
    title: str
    start: Decimal
    target: Decimal
    current: Decimal
    unit: str = ""

    def __attrs_post_init__(self) -> None:
        if self.target == self.start:
            raise ValidationError("target", "must differ from the start")

    @property
    def percent(self) -> Decimal:
        """How far from start to target the client is, 0 to 100 (rounded to a unit)."""
        done = (self.current - self.start) / (self.target - self.start) * 100
        if done <= 0:
            return Decimal(0)  # not -0 when the client has not moved yet
        return min(done, Decimal(100)).quantize(Decimal(1))


class RecordKind(enum.StrEnum):
    """What a `CoachingRecord` holds."""

    ROSTER = "roster"
    PROGRAMME = "programme"
    ASSIGNMENT = "assignment"
    WORKOUT = "workout"
    HEALTH = "health"
    HABIT = "habit"
    CHECK_IN = "check_in"
    GOAL = "goal"
    BILLING = "billing_account"
    INVOICE = "invoice"


@attrs.frozen
class CoachingRecord:
    """How a store keeps the console's records: one kind of record, keyed within the
    workspace, found by client, by trainer or by time; the record itself is JSON.

    Attributes:
        workspace_id: the workspace.
        kind: what it holds.
        key: its key within the kind (a health reading's is its source, metric and time, so
            the same reading twice is one record).
        client_id: the client it is about, if one.
        owner_id: the trainer it belongs to, if one.
        at: when it happened (lists are in this order).
        body: the record, as `clientcrm.serialization.converter` unstructures it.
    """

    workspace_id: str
    kind: RecordKind
    key: str
    client_id: str | None
    owner_id: str | None
    at: datetime
    body: dict[str, Any] = attrs.field(hash=False)
