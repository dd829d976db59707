"""Contract: the personal-trainer console (seed 003) on every store, and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clientcrm.errors import NotFoundError, PermissionDeniedError, ValidationError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import Client, Source
from clientcrm.models.coaching import Block, Exercise, GoalKind, HealthMetric, Session, SetLog
from clientcrm.models.query import ClientQuery
from clientcrm.service.coaching import Reading
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["CoachingContract"]

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
PT = Actor("pt-1", "ws-a", Role.TRAINER)
OTHER_PT = Actor("pt-2", "ws-a", Role.TRAINER)
COACH = Actor("coach", "ws-a", Role.STAFF)
OWNER = Actor.owner("ws-a")
KATE = Actor("kate", "ws-a", Role.MEMBER, email="kate@example.com")
LEE = Actor("lee", "ws-a", Role.MEMBER, email="lee@example.com")
ROLES = {"owner": OWNER, "coach": COACH, "pt": PT, "other pt": OTHER_PT, "member": KATE,
         "other member": LEE}  # fmt: skip
STRENGTH = [
    Block("Weeks 1-4", [Session("Lower", [Exercise("Back squat", "5x5 @ 75%"),
                                          Exercise("Walking lunge", "3x12")])]),
]  # fmt: skip


class CoachingContract(StoreFixtures):
    """`CRM.coaching` over the store."""

    @pytest.fixture
    def gym(self, crm: CRM, owner: Actor, clock: FrozenClock) -> Client:
        """Kate, a member with one booking, on PT's roster (her timezone: New York)."""
        clock.set(NOW)
        crm.record(event("completed", "k1", email="kate@example.com", at=NOW), owner)
        kate = crm.find_client("kate@example.com", owner)
        crm.add_client(owner, name="Lee Park", email="lee@example.com")
        crm.coaching.add_to_roster(PT, client_id=kate.id, timezone="America/New_York")
        return kate

    def test_the_roster_never_touches_membership_or_history(
        self, crm: CRM, gym: Client, owner: Actor
    ) -> None:
        before = crm.client_detail(gym.id, owner)
        invited = crm.coaching.add_to_roster(PT, email="Nia@Example.com", name="Nia Jones")
        assert invited.client.source is Source.MANUAL
        assert invited.client.email == "nia@example.com"
        assert [r.client.email for r in crm.coaching.roster(PT)] == [
            "kate@example.com", "nia@example.com"
        ]  # fmt: skip
        crm.coaching.remove_from_roster(PT, gym.id)
        assert [r.client.id for r in crm.coaching.roster(PT)] == [invited.client.id]
        after = crm.client_detail(gym.id, owner)
        assert (after.client, after.bookings) == (before.client, before.bookings)
        listed = {c.email for c in crm.iter_clients(ClientQuery(), owner)}
        assert {"kate@example.com", "nia@example.com"} <= listed
        with pytest.raises(NotFoundError):
            crm.coaching.remove_from_roster(PT, gym.id)
        assert crm.coaching.roster(OTHER_PT) == []
        assert len(crm.coaching.roster(OWNER)) == 1  # the owner sees every roster

    def test_programmes_are_free_structures_saved_as_versions(self, crm: CRM, gym: Client) -> None:
        first = crm.coaching.save_programme(PT, "Strength base", STRENGTH)
        crm.coaching.assign(PT, first.id, [gym.id])
        more = [*STRENGTH, Block("Deload", [Session("Mobility", [Exercise("Hip flow", "20 min")])])]
        second = crm.coaching.save_programme(PT, "Strength base", more, programme_id=first.id)
        assert (first.version, second.version) == (1, 2)
        assert second.client_ids == frozenset({gym.id})  # assignments carry over
        assert crm.coaching.programme(PT, first.id, version=1).blocks == tuple(STRENGTH)
        assert crm.coaching.programme(PT, first.id).blocks[1].name == "Deload"
        stranger = crm.add_client(OWNER, name="Not Mine", email="nm@example.com")
        with pytest.raises(NotFoundError):
            crm.coaching.assign(PT, first.id, [stranger.id])  # not on the roster
        with pytest.raises(NotFoundError):
            crm.coaching.save_programme(OTHER_PT, "Mine now", STRENGTH, programme_id=first.id)

    def test_health_readings_are_taken_once_and_impossible_ones_refused(
        self, crm: CRM, gym: Client
    ) -> None:
        readings: list[Reading] = [
            ("whoop", "hrv", NOW - timedelta(days=1), "62"),
            ("whoop", HealthMetric.RECOVERY, NOW - timedelta(days=1), 71),
            ("oura", "sleep", NOW - timedelta(hours=6), "7.5"),
        ]
        assert crm.coaching.record_health(PT, gym.id, readings).added == 3
        again = crm.coaching.record_health(KATE, gym.id, readings)  # the member's own app
        assert (again.added, again.repeated) == (0, 3)
        with pytest.raises(ValidationError) as refused:
            crm.coaching.record_health(PT, gym.id, [
                ("whoop", "hrv", NOW, "61"), ("whoop", "hrv", NOW, "900")
            ])  # fmt: skip
        assert refused.value.field == "value"
        assert "900 ms" in str(refused.value)
        hrv = crm.coaching.health(PT, gym.id, metric=HealthMetric.HRV)
        assert [(s.value, s.unit) for s in hrv] == [(Decimal(62), "ms")]  # nothing of the batch

    def test_check_ins_count_in_the_clients_own_calendar(
        self, crm: CRM, gym: Client, clock: FrozenClock
    ) -> None:
        """23:30 in New York is the next day in UTC, and still that day for Kate."""
        ny = ZoneInfo("America/New_York")
        habit = crm.coaching.add_habit(PT, gym.id, "10k steps", starts_on=date(2026, 3, 1))
        for day in (1, 2, 3, 5, 6, 7, 8):
            crm.coaching.check_in(KATE, habit.id, at=datetime(2026, 3, day, 23, 30, tzinfo=ny))
        crm.coaching.check_in(KATE, habit.id, at=datetime(2026, 3, 8, 7, 0, tzinfo=ny))  # twice
        clock.set(datetime(2026, 3, 9, 15, 0, tzinfo=ny))  # the 9th, not checked yet
        found = crm.coaching.compliance(PT, habit.id, days=9)
        assert (found.days, found.checked) == (9, 7)
        assert found.adherence == Decimal("77.8")
        assert (found.current_streak, found.longest_streak) == (4, 4)

    def test_goals_and_the_progress_page(self, crm: CRM, gym: Client) -> None:
        squat = crm.coaching.set_goal(KATE, gym.id, "Squat 100 kg", start=60, target=100, unit="kg")
        crm.coaching.set_goal(PT, gym.id, "Run 5 km under 25 min", start=31, target=25,
                              unit="min", kind=GoalKind.MILESTONE)  # fmt: skip
        crm.coaching.update_goal(PT, squat.id, 90)
        for days, load, done in ((9, "80", True), (5, "90", True), (2, "95", False)):
            crm.coaching.log_workout(
                PT, gym.id, at=NOW - timedelta(days=days), title="Lower", completed=done,
                sets=[SetLog("Back squat", 5, Decimal(load)), SetLog("Pull-up", 8)],
            )  # fmt: skip
        crm.coaching.record_health(PT, gym.id, [("whoop", "hrv", NOW, 58)])
        page = crm.coaching.progress(PT, gym.id, days=7)
        assert [w.completed for w in page.workouts] == [False, True]
        assert page.completed == 1
        assert [(b.exercise, b.weight_kg) for b in page.best_lifts] == [("Back squat", Decimal(90))]
        progress = {g.title: g.percent for g in page.goals}
        assert progress == {"Squat 100 kg": Decimal(75), "Run 5 km under 25 min": Decimal(0)}
        assert str(progress["Run 5 km under 25 min"]) == "0"
        assert [s.value for s in page.latest_health] == [Decimal(58)]

    @pytest.mark.parametrize(
        ("action", "allowed"),
        [
            ("add to roster", {"pt", "other pt"}),
            ("remove from roster", {"pt"}),
            ("see the roster", {"owner", "pt", "other pt"}),
            ("author a programme", {"pt", "other pt"}),
            ("assign a programme", {"pt"}),
            ("see a programme", {"owner", "pt"}),
            ("log a workout", {"pt", "member"}),
            ("record health", {"pt", "member"}),
            ("see health", {"owner", "pt", "member"}),
            ("add a habit", {"pt"}),
            ("check in", {"pt", "member"}),
            ("see compliance", {"owner", "pt", "member"}),
            ("set a goal", {"pt", "member"}),
            ("set a milestone", {"pt"}),
            ("update a goal", {"pt", "member"}),
            ("see progress", {"owner", "pt", "member"}),
        ],
    )
    def test_who_may_do_what(self, crm: CRM, gym: Client, action: str, allowed: set[str]) -> None:
        """Seed 003's table, for every method and every role: the owner sees every roster's
        data and manages none; a coach sees nothing; a PT only their own clients; a member
        only their own data."""
        programme = crm.coaching.save_programme(PT, "Base", STRENGTH)
        habit = crm.coaching.add_habit(PT, gym.id, "Sleep by 11")
        goal = crm.coaching.set_goal(PT, gym.id, "Squat 100", start=60, target=100)
        calls: dict[str, Callable[[Actor], Any]] = {
            "add to roster": lambda a: crm.coaching.add_to_roster(a, client_id=gym.id),
            "remove from roster": lambda a: crm.coaching.remove_from_roster(a, gym.id),
            "see the roster": crm.coaching.roster,
            "author a programme": lambda a: crm.coaching.save_programme(a, "Mine", STRENGTH),
            "assign a programme": lambda a: crm.coaching.assign(a, programme.id, [gym.id]),
            "see a programme": lambda a: crm.coaching.programme(a, programme.id),
            "log a workout": lambda a: crm.coaching.log_workout(a, gym.id, at=NOW, title="Run"),
            "record health": lambda a: crm.coaching.record_health(
                a, gym.id, [("oura", "sleep", NOW, 8)]
            ),
            "see health": lambda a: crm.coaching.health(a, gym.id),
            "add a habit": lambda a: crm.coaching.add_habit(a, gym.id, "Stretch"),
            "check in": lambda a: crm.coaching.check_in(a, habit.id),
            "see compliance": lambda a: crm.coaching.compliance(a, habit.id),
            "set a goal": lambda a: crm.coaching.set_goal(a, gym.id, "5 km", start=0, target=5),
            "set a milestone": lambda a: crm.coaching.set_goal(
                a, gym.id, "Plank 2 min", start=0, target=120, kind=GoalKind.MILESTONE
            ),
            "update a goal": lambda a: crm.coaching.update_goal(a, goal.id, 70),
            "see progress": lambda a: crm.coaching.progress(a, gym.id),
        }
        for role, actor in ROLES.items():
            if role in allowed:
                calls[action](actor)
            else:
                with pytest.raises((PermissionDeniedError, NotFoundError)):
                    calls[action](actor)
