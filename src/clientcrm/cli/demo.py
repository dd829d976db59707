"""``clientcrm demo``: a realistic studio in a fresh file, to explore with the other commands."""

from __future__ import annotations

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app, sqlite_path
from clientcrm.cli.insights import insights_summary
from clientcrm.cli.render import clients_table, progress_bar
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import Client
from clientcrm.models.query import ClientQuery
from clientcrm.models.workspace import Workspace
from clientcrm.service.crm import CRM
from clientcrm.testing.demo import TRAINER, fill_demo_studio

__all__ = ["COMMANDS"]


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
    with progress_bar(app.console, "[bold]Recording bookings") as bar:
        task = bar.add_task("events", total=None)
        made = fill_demo_studio(
            crm, app.actor, clients=count, seed=seed,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    _summary(crm, app, made.workspace, len(made.studio.duplicates))


def _fresh_file(app: App, *, force: bool) -> None:
    path = sqlite_path(app.db)
    if path is None:
        return
    if path.exists() and not force:
        msg = f"{path} already exists: pass --force to replace it, or --db for another file"
        raise click.UsageError(msg)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _summary(crm: CRM, app: App, workspace: Workspace, duplicates: int) -> None:
    now = crm.clock()
    clients = list(crm.iter_clients(ClientQuery(limit=500, include_inactive=True), app.actor))
    app.console.print(clients_table(clients[:15], workspace, now, title="Most recent clients"))
    app.console.print(
        insights_summary(crm.insights(app.actor), workspace, crm.slipping(app.actor, limit=5))
    )
    extra = Table.grid(padding=(0, 2))
    if clients:
        reached = crm.journey(clients[0].id, app.actor).milestones
        names = ", ".join(m.kind.value.replace("_", " ") for m in reached) or "none yet"
        extra.add_row(f"Milestones of {clients[0].name}", names)
    paused = sum(1 for c in clients if c.credits.paused)
    extra.add_row("Paused passes", f"{paused} clients paused their pass")
    linked = sum(1 for c in clients if c.aliases)
    waiting = len(crm.pending_matches(app.actor))
    extra.add_row(
        "People with two emails",
        f"{duplicates} planted: {linked} linked by smart detection, "
        f"{waiting} waiting for review (clientcrm dedupe)",
    )
    sam = Actor(TRAINER, app.workspace_id, Role.TRAINER)
    extra.add_row("Personal training", f"{TRAINER} coaches {len(crm.coaching.roster(sam))} clients")
    app.console.print(extra)
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
        f"clientcrm{db} insights --plot insights.png",
        f"clientcrm{db} pt --trainer {TRAINER} roster",
    ):
        app.console.print(f"  {line}")


COMMANDS = (demo_command,)
