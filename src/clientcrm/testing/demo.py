"""The demo studio: two years of a yoga studio's life in a CRM, for demos, notebooks and
the reference dashboard (``clientcrm demo`` makes the same one).

Bookings come from `clientcrm.testing.generators`; on top of them the studio sells in its
shop, its clients fill in forms and write reviews, the owner tags and notes the busiest, and
some regulars buy class passes. The same seed always gives the same studio.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path

import attrs

from clientcrm.models.activity import REPORTED_KINDS
from clientcrm.models.actor import Actor, Role
from clientcrm.models.coaching import Block, Exercise, GoalKind, HealthMetric, Session, SetLog
from clientcrm.models.events import ActivityEvent, ClientEvent, OrderEvent
from clientcrm.models.money import Money
from clientcrm.models.note import NoteVisibility
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.models.workspace import Workspace
from clientcrm.service.coaching import Reading
from clientcrm.service.crm import CRM
from clientcrm.testing.generators import Studio, make_studio, studio_events

__all__ = ["TRAINER", "WORKSPACE", "DemoStudio", "fill_demo_studio", "open_demo_studio"]

WORKSPACE = "studio"
"""The demo studio's workspace id."""
TRAINER = "pt-sam"
"""The id of the demo studio's personal trainer, who has a small roster."""

SHOP = (("Cork yoga mat", "65.00"), ("10-class pass", "140.00"), ("Retreat deposit", "550.00"))
NOTES = (
    ("Injury", "Has a low-back issue, needs modifications in forward folds."),
    ("Pre/postnatal", "Due in March; cleared by her midwife for gentle practice."),
    ("Beginner", "First time on a mat. Nervous about backbends; go slowly."),
    ("Recurring weekly", "Always brings her own mat, prefers the corner spot."),
    ("Workshop only", "Comes for the weekend workshops; training for a half-marathon."),
)


@attrs.frozen
class DemoStudio:
    """What `fill_demo_studio` made.

    Attributes:
        workspace: the studio's workspace.
        studio: the generated people and span of history (the truth behind the data).
        events: how many booking events were recorded.
    """

    workspace: Workspace
    studio: Studio
    events: int


def fill_demo_studio(
    crm: CRM,
    actor: Actor,
    *,
    clients: int = 3000,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> DemoStudio:
    """Fill ``actor``'s (empty) workspace with the demo studio, its history ending now by
    ``crm``'s clock; ``progress(done, total)`` hears about the booking events recorded."""
    workspace = Workspace(
        actor.workspace_id,
        "Lotus Yoga Studio",
        timezone="Europe/London",
        currency="GBP",
        phone_region="GB",
    )
    crm.save_workspace(workspace, actor)
    studio = make_studio(seed, clients=clients, end=crm.clock(), currency=workspace.currency)
    events = list(studio_events(studio, seed))
    iterator, done = iter(events), 0
    while chunk := list(islice(iterator, 5000)):
        crm.record_many(chunk, actor)
        done += len(chunk)
        if progress is not None:
            progress(done, len(events))
    crm.record_many(_extras(studio, seed, workspace.currency), actor)
    crm.run_scheduled(crm.clock(), actor)
    _notes_and_tags(crm, actor, seed)
    _credit_packages(crm, actor, seed)
    _personal_training(crm, actor, seed)
    return DemoStudio(workspace, studio, len(events))


def open_demo_studio(path: Path | str, *, clients: int = 600, seed: int = 7) -> CRM:
    """A `CRM` over the demo studio in the SQLite file at ``path``, made there first if the
    file does not exist yet (needs the ``sql`` extra)."""
    from clientcrm.stores.sql import SQLStore  # noqa: PLC0415 - the SQL extra is optional

    path = Path(path)
    fresh = not path.exists()
    crm = CRM(SQLStore(f"sqlite:///{path}"))
    if fresh:
        fill_demo_studio(crm, Actor.owner(WORKSPACE), clients=clients, seed=seed)
    return crm


def _extras(studio: Studio, seed: int, currency: str) -> list[ClientEvent]:
    """Shop orders, intake forms, reviews and referrals of some of the studio's people."""
    rng = random.Random(seed)
    span = int((studio.end - studio.start).total_seconds())
    events: list[ClientEvent] = []
    for n, person in enumerate(rng.sample(studio.people, len(studio.people) // 5)):
        at = studio.start + timedelta(seconds=rng.randrange(span))
        what, price = rng.choice(SHOP)
        events.append(
            OrderEvent(
                "paid", f"order-{n}", f"ord-{n}", at, person.email, what, Money(price, currency)
            )
        )
        kind = rng.choice(REPORTED_KINDS)
        later = at + timedelta(days=rng.randrange(1, 30))
        if later < studio.end:
            events.append(ActivityEvent(kind, f"activity-{n}", later, person.email, title=what))
    return events


def _notes_and_tags(crm: CRM, actor: Actor, seed: int) -> None:
    rng = random.Random(seed)
    busiest = ClientQuery(sort=SortKey.BOOKINGS, limit=60)
    clients = list(crm.list_clients(busiest, actor).clients)
    for client in rng.sample(clients, min(25, len(clients))):
        tag, text = rng.choice(NOTES)
        crm.tag(client.id, [tag], actor)
        crm.add_note(
            client.id, text, actor, visibility=NoteVisibility.TEAM, pinned=rng.random() < 0.3
        )


def _credit_packages(crm: CRM, actor: Actor, seed: int) -> None:
    """Class passes for some regulars: a few classes used, a few passes paused."""
    rng = random.Random(seed)
    now = crm.clock()
    regulars = crm.list_clients(ClientQuery(sort=SortKey.BOOKINGS, limit=60), actor).clients
    for n, client in enumerate(rng.sample(list(regulars), min(20, len(regulars)))):
        bought = now - timedelta(days=rng.randrange(5, 40))
        package = crm.credits.purchase(
            client.id, 10, actor, name="10-class pass", at=bought,
            expires_at=bought + timedelta(days=90),
        )  # fmt: skip
        for used in range(rng.randrange(0, 6)):
            at = bought + timedelta(days=used + 1)
            crm.credits.consume(client.id, f"pass-{n}-{used}", actor, at=at)
        if n % 7 == 6:
            crm.credits.pause(package.id, actor, at=now - timedelta(days=1))


def _personal_training(crm: CRM, owner: Actor, seed: int) -> None:
    """Sam, a personal trainer, with five regulars: a programme, workouts, wearable
    readings, a daily habit and goals."""
    rng = random.Random(seed)
    sam = Actor(TRAINER, owner.workspace_id, Role.TRAINER)
    regulars = crm.list_clients(ClientQuery(sort=SortKey.BOOKINGS, limit=5), owner).clients
    lower = Session(
        "Lower", [Exercise("Back squat", "5x5 @ 70%"), Exercise("Romanian deadlift", "3x8")]
    )
    upper = Session("Upper", [Exercise("Bench press", "5x5 @ 70%"), Exercise("Pull-up", "3x max")])
    blocks = [
        Block("Weeks 1-4: base", [lower, upper]),
        Block("Week 5: deload", [Session("Mobility", [Exercise("Hip flow", "20 min")])]),
    ]
    programme = crm.coaching.save_programme(sam, "Strength base", blocks)
    for client in regulars:
        crm.coaching.add_to_roster(sam, client_id=client.id)
    crm.coaching.assign(sam, programme.id, [c.id for c in regulars])
    for client in regulars:
        _train(crm, sam, client.id, programme.id, rng)


def _train(crm: CRM, sam: Actor, client_id: str, programme_id: str, rng: random.Random) -> None:
    now = crm.clock()
    squat = Decimal(rng.randrange(40, 80))
    for week in range(6):
        load = squat + 5 * week
        crm.coaching.log_workout(
            sam, client_id, at=now - timedelta(days=7 * (6 - week) - 1), title="Lower",
            completed=rng.random() < 0.9, programme_id=programme_id,
            sets=[SetLog("Back squat", 5, load), SetLog("Romanian deadlift", 8, load - 10)],
        )  # fmt: skip
    readings: list[Reading] = []
    for days in range(14):
        at = now - timedelta(days=days)
        readings += [
            ("whoop", HealthMetric.HRV, at, rng.randrange(45, 90)),
            ("whoop", HealthMetric.SLEEP, at, Decimal(rng.randrange(55, 90)) / 10),
            ("whoop", HealthMetric.RECOVERY, at, rng.randrange(30, 98)),
        ]
    crm.coaching.record_health(sam, client_id, readings)
    habit = crm.coaching.add_habit(
        sam, client_id, "8,000 steps", starts_on=(now - timedelta(days=20)).date()
    )
    for days in range(20):
        if rng.random() < 0.75:
            crm.coaching.check_in(sam, habit.id, at=now - timedelta(days=days))
    goal = crm.coaching.set_goal(
        sam, client_id, "Back squat 100 kg", start=squat, target=100, unit="kg",
        kind=GoalKind.MILESTONE,
    )  # fmt: skip
    crm.coaching.update_goal(sam, goal.id, squat + 25)
