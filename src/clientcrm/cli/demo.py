"""``clientcrm demo``: a realistic studio in a fresh file, to explore with the other commands."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from itertools import islice

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app, sqlite_path
from clientcrm.cli.journey import STAGE_STYLE
from clientcrm.cli.render import PILL_STYLE, clients_table, money, progress_bar
from clientcrm.models.activity import REPORTED_KINDS
from clientcrm.models.client import Client
from clientcrm.models.events import ActivityEvent, ClientEvent, OrderEvent
from clientcrm.models.money import Money
from clientcrm.models.note import NoteVisibility
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.models.workspace import Workspace
from clientcrm.rules.status import status_pill
from clientcrm.service.crm import CRM
from clientcrm.testing.generators import Studio, make_studio, studio_events

__all__ = ["COMMANDS"]

SHOP = (("Cork yoga mat", "65.00"), ("10-class pass", "140.00"), ("Retreat deposit", "550.00"))
NOTES = (
    ("Injury", "Has a low-back issue, needs modifications in forward folds."),
    ("Pre/postnatal", "Due in March; cleared by her midwife for gentle practice."),
    ("Beginner", "First time on a mat. Nervous about backbends; go slowly."),
    ("Recurring weekly", "Always brings her own mat, prefers the corner spot."),
    ("Workshop only", "Comes for the weekend workshops; training for a half-marathon."),
)


@click.command("demo")
@click.option(
    "--clients", "count", type=click.IntRange(10, 200_000), default=3000, show_default=True
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same studio.")
@click.option("--force", is_flag=True, help="Replace the database file if it exists.")
@pass_app
def demo_command(app: App, count: int, seed: int, force: bool) -> None:
    """Create a realistic yoga studio (two years of bookings) in a fresh database."""
    _fresh_file(app, force=force)
    crm = app.crm(create=True)
    workspace = Workspace(
        app.workspace_id,
        "Lotus Yoga Studio",
        timezone="Europe/London",
        currency="GBP",
        phone_region="GB",
    )
    crm.save_workspace(workspace, app.actor)
    studio = make_studio(seed, clients=count, end=crm.clock(), currency=workspace.currency)
    events = list(studio_events(studio, seed))
    with progress_bar(app.console, "[bold]Recording bookings") as progress:
        task = progress.add_task("events", total=len(events))
        iterator = iter(events)
        while chunk := list(islice(iterator, 5000)):
            crm.record_many(chunk, app.actor)
            progress.advance(task, len(chunk))
    crm.record_many(_extras(studio, seed, workspace.currency), app.actor)
    crm.run_scheduled(crm.clock(), app.actor)
    _notes_and_tags(crm, app, seed)
    _credit_packages(crm, app, seed)
    _summary(crm, app, workspace, len(studio.duplicates))


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


def _fresh_file(app: App, *, force: bool) -> None:
    path = sqlite_path(app.db)
    if path is None:
        return
    if path.exists() and not force:
        msg = f"{path} already exists: pass --force to replace it, or --db for another file"
        raise click.UsageError(msg)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _notes_and_tags(crm: CRM, app: App, seed: int) -> None:
    rng = random.Random(seed)
    busiest = ClientQuery(sort=SortKey.BOOKINGS, limit=60)
    clients = list(crm.list_clients(busiest, app.actor).clients)
    for client in rng.sample(clients, min(25, len(clients))):
        tag, text = rng.choice(NOTES)
        crm.tag(client.id, [tag], app.actor)
        crm.add_note(
            client.id, text, app.actor, visibility=NoteVisibility.TEAM, pinned=rng.random() < 0.3
        )


def _credit_packages(crm: CRM, app: App, seed: int) -> None:
    """Class passes for some regulars: a few classes used, a few passes paused."""
    rng = random.Random(seed)
    now = crm.clock()
    regulars = crm.list_clients(ClientQuery(sort=SortKey.BOOKINGS, limit=60), app.actor).clients
    for n, client in enumerate(rng.sample(list(regulars), min(20, len(regulars)))):
        bought = now - timedelta(days=rng.randrange(5, 40))
        package = crm.credits.purchase(
            client.id, 10, app.actor, name="10-class pass", at=bought,
            expires_at=bought + timedelta(days=90),
        )  # fmt: skip
        for used in range(rng.randrange(0, 6)):
            at = bought + timedelta(days=used + 1)
            crm.credits.consume(client.id, f"pass-{n}-{used}", app.actor, at=at)
        if n % 7 == 6:
            crm.credits.pause(package.id, app.actor, at=now - timedelta(days=1))


def _summary(crm: CRM, app: App, workspace: Workspace, duplicates: int) -> None:
    now = crm.clock()
    pills: Counter[str] = Counter()
    bookings, spend, clients = 0, Decimal(0), []
    for client in crm.iter_clients(ClientQuery(limit=500, include_inactive=True), app.actor):
        pills[status_pill(client.figures, now, workspace.tz, workspace.policies.status)] += 1
        bookings += client.figures.bookings
        spend += client.figures.spend
        clients.append(client)
    app.console.print(clients_table(clients[:15], workspace, now, title="Most recent clients"))
    summary = Table.grid(padding=(0, 2))
    summary.add_row("Clients", f"{len(clients):,}")
    summary.add_row("Counted bookings", f"{bookings:,}")
    summary.add_row("Lifetime spend", money(spend, workspace))
    summary.add_row(
        "Status",
        "  ".join(f"[{PILL_STYLE[p]}]{p.upper()}[/] {pills[p]:,}" for p in PILL_STYLE),
    )
    stages = crm.stage_distribution(app.actor)
    summary.add_row(
        "Journey",
        "  ".join(f"[{STAGE_STYLE[s.value]}]{s.value.title()}[/] {n:,}" for s, n in stages.items()),
    )
    if clients:
        reached = crm.journey(clients[0].id, app.actor).milestones
        names = ", ".join(m.kind.value.replace("_", " ") for m in reached) or "none yet"
        summary.add_row(f"Milestones of {clients[0].name}", names)
    totals = crm.totals(app.actor)
    paused = sum(1 for c in clients if c.credits.paused)
    summary.add_row(
        "Credits", f"{totals.with_credits} clients with credits, {paused} with a paused pass"
    )
    linked = sum(1 for c in clients if c.aliases)
    waiting = len(crm.pending_matches(app.actor))
    summary.add_row(
        "People with two emails",
        f"{duplicates} planted: {linked} linked by smart detection, "
        f"{waiting} waiting for review (clientcrm dedupe)",
    )
    app.console.print(summary)
    _next_steps(app, clients)


def _next_steps(app: App, clients: list[Client]) -> None:
    example = clients[0].email if clients else "someone@example.com"
    db = "" if app.db == "clientcrm.db" else f" --db {app.db}"
    app.console.print("\n[bold]Try next:[/]")
    for line in (
        f"clientcrm{db} clients --status lapsed --sort spend",
        f"clientcrm{db} clients --growing",
        f"clientcrm{db} clients --search smith",
        f"clientcrm{db} show {example}",
        f"clientcrm{db} journey",
        f"clientcrm{db} journey show {example}",
        f"clientcrm{db} clients --stage churned --sort spend",
        f"clientcrm{db} clients --with-credits --sort credits",
        f'clientcrm{db} note add {example} "Prefers the 6 pm class" --pin',
        f"clientcrm{db} tag add {example} Beginner",
        f"clientcrm{db} clients --tag Beginner --json",
    ):
        app.console.print(f"  {line}")


COMMANDS = (demo_command,)
