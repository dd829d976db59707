"""The PT console's figures (seed 003): best lifts, habit compliance and streaks, in the
client's own calendar. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs

from clientcrm.models.coaching import Workout

__all__ = ["BestLift", "Compliance", "best_lifts", "compliance", "day_of"]


@attrs.frozen
class BestLift:
    """The heaviest completed set of an exercise: load, reps and when."""

    exercise: str
    weight_kg: Decimal
    reps: int
    at: datetime


def best_lifts(workouts: Iterable[Workout]) -> dict[str, BestLift]:
    """For each exercise, the heaviest set of a completed workout (more reps, then the
    earlier one, break ties); body-weight sets have no load and are left out."""
    best: dict[str, BestLift] = {}
    for workout in workouts:
        if not workout.completed:
            continue
        for s in workout.sets:
            if s.weight_kg is None:
                continue
            key = s.exercise.strip().casefold()
            held = best.get(key)
            mine = BestLift(s.exercise, s.weight_kg, s.reps, workout.at)
            if held is None or (s.weight_kg, s.reps, -workout.at.timestamp()) > (
                held.weight_kg,
                held.reps,
                -held.at.timestamp(),
            ):
                best[key] = mine
    return {lift.exercise: lift for lift in best.values()}


def day_of(moment: datetime, tz: ZoneInfo) -> date:
    """The day ``moment`` falls on in the client's calendar."""
    return moment.astimezone(tz).date()


@attrs.frozen
class Compliance:
    """How well a client keeps a daily habit.

    Attributes:
        days: the days of the period the habit counted.
        checked: the days of those with a check-in.
        adherence: ``checked / days`` as a percentage to one place (``None`` for no days).
        current_streak: check-in days in a row up to today (or up to yesterday while today
            is not checked yet).
        longest_streak: the most check-in days in a row ever.
    """

    days: int
    checked: int
    adherence: Decimal | None
    current_streak: int
    longest_streak: int


def compliance(
    check_ins: Iterable[date], starts_on: date, first: date, last: date, today: date
) -> Compliance:
    """The habit's compliance over ``[first, last]`` (clipped to ``starts_on``..``today``),
    and its streaks as of ``today``; every date is the client's."""
    done = {d for d in check_ins if starts_on <= d <= today}
    first, last = max(first, starts_on), min(last, today)
    days = max((last - first).days + 1, 0)
    checked = sum(1 for d in done if first <= d <= last)
    adherence = (Decimal(checked * 100) / days).quantize(Decimal("0.1")) if days else None
    return Compliance(days, checked, adherence, _current(done, today), _longest(done))


def _current(done: set[date], today: date) -> int:
    day = today if today in done else today - timedelta(days=1)
    streak = 0
    while day in done:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _longest(done: set[date]) -> int:
    longest = 0
    for day in done:
        if day - timedelta(days=1) in done:
            continue  # not the start of a run
        run = 1
        while day + timedelta(days=run) in done:
            run += 1
        longest = max(longest, run)
    return longest
