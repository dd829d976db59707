"""The PT console's figures: streaks and adherence at their edges, best lifts, goals."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.errors import ValidationError
from clientcrm.models.coaching import Goal, GoalKind, HealthSample, SetLog, Workout
from clientcrm.rules.coaching import best_lifts, compliance

D = date(2026, 3, 1)


def _days(*offsets: int) -> list[date]:
    return [D + timedelta(days=n) for n in offsets]


@pytest.mark.parametrize(
    ("checked", "today", "current", "longest", "adherence"),
    [
        ([], 6, 0, 0, Decimal("0.0")),
        ([0, 1, 2, 3, 4, 5, 6], 6, 7, 7, Decimal("100.0")),
        ([0, 1, 2, 3, 4, 5], 6, 6, 6, Decimal("85.7")),  # today not yet: the streak holds
        ([0, 1, 2, 3, 4], 6, 0, 5, Decimal("71.4")),  # yesterday missed: broken
        ([0, 2, 4, 6], 6, 1, 1, Decimal("57.1")),
        ([5, 6, 7], 6, 2, 2, Decimal("28.6")),  # a check-in after today does not count
    ],
)
def test_streaks_and_adherence(
    checked: list[int], today: int, current: int, longest: int, adherence: Decimal
) -> None:
    found = compliance(_days(*checked), D, D, D + timedelta(days=6), D + timedelta(days=today))
    assert (found.current_streak, found.longest_streak) == (current, longest)
    assert found.adherence == adherence
    assert found.days == 7


def test_a_habit_counts_from_its_first_day() -> None:
    found = compliance(
        _days(3, 4), D + timedelta(days=3), D, D + timedelta(days=6), D + timedelta(days=6)
    )
    assert (found.days, found.checked, found.adherence) == (4, 2, Decimal("50.0"))
    empty = compliance([], D + timedelta(days=9), D, D + timedelta(days=6), D + timedelta(days=6))
    assert (empty.days, empty.adherence) == (0, None)


@given(st.sets(st.integers(0, 60)), st.integers(0, 60))
def test_streaks_are_bounded_and_consistent(checked: set[int], today: int) -> None:
    days = _days(*checked)
    found = compliance(days, D, D, D + timedelta(days=today), D + timedelta(days=today))
    counted = [n for n in checked if n <= today]
    assert found.current_streak <= found.longest_streak <= len(counted)
    assert found.checked == len(counted)
    if today in checked:
        assert found.current_streak >= 1


def _workout(days: int, *sets: SetLog, done: bool = True) -> Workout:
    at = datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(days=days)
    return Workout(f"w{days}", "w", "c", at, "Lower", done, sets)


def test_best_lifts_heaviest_then_most_reps_then_earliest() -> None:
    found = best_lifts([
        _workout(0, SetLog("Squat", 5, Decimal(100)), SetLog("Pull-up", 10)),
        _workout(1, SetLog("squat", 8, Decimal(100))),
        _workout(2, SetLog("Squat", 8, Decimal(100))),
        _workout(3, SetLog("Squat", 1, Decimal(140)), done=False),  # skipped: does not count
    ])  # fmt: skip
    assert list(found) == ["squat"]
    lift = found["squat"]
    assert (lift.weight_kg, lift.reps, lift.at.day) == (Decimal(100), 8, 2)


@pytest.mark.parametrize(
    ("metric", "value", "ok"),
    [("hrv", "1", True), ("hrv", "300", True), ("hrv", "0", False), ("hrv", "301", False),
     ("sleep", "24", True), ("sleep", "24.1", False), ("recovery", "-1", False),
     ("resting_heart_rate", "19", False), ("sleep", "NaN", False)],
)  # fmt: skip
def test_impossible_readings_are_refused(metric: str, value: str, ok: bool) -> None:
    def make() -> HealthSample:
        return HealthSample("w", "c", "Whoop", metric, datetime(2026, 3, 1, tzinfo=UTC), value)

    if ok:
        assert make().source == "whoop"
    else:
        with pytest.raises(ValidationError, match="value"):
            make()


@pytest.mark.parametrize(
    ("start", "target", "current", "percent"),
    [(60, 100, 90, 75), (60, 100, 50, 0), (60, 100, 120, 100), (31, 25, 28, 50), (31, 25, 31, 0)],
)
def test_goal_progress_either_way(start: int, target: int, current: int, percent: int) -> None:
    goal = Goal(
        "g", "w", "c", GoalKind.CLIENT, "x", Decimal(start), Decimal(target), Decimal(current)
    )
    assert goal.percent == Decimal(percent)
    assert not goal.percent.is_signed()  # never "-0"
