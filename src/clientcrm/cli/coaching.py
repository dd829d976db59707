"""``clientcrm pt``: the personal-trainer console (roster, programmes, a client's progress)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from cattrs.errors import BaseValidationError
from rich.table import Table

from clientcrm.cli.context import App
from clientcrm.cli.render import day, dumps
from clientcrm.errors import ValidationError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.coaching import Block, Programme
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]


def _actor(ctx: click.Context) -> tuple[App, Actor]:
    """The app, and who acts: the trainer given to ``pt``, else the owner (who sees but
    manages no roster)."""
    app = ctx.find_object(App)
    assert app is not None
    trainer = ctx.find_root().meta.get("trainer")
    actor = Actor(trainer, app.workspace_id, Role.TRAINER) if trainer else app.actor
    return app, actor


@click.group("pt")
@click.option("--trainer", help="Act as this personal trainer (their id); the owner otherwise.")
@click.pass_context
def pt_group(ctx: click.Context, trainer: str | None) -> None:
    """The personal-trainer console: rosters, bespoke programmes, clients' progress."""
    ctx.find_root().meta["trainer"] = trainer


@pt_group.group("roster", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def roster_group(ctx: click.Context, as_json: bool) -> None:
    """The trainer's roster (with no subcommand): who, since when, their timezone."""
    if ctx.invoked_subcommand is not None:
        return
    app, actor = _actor(ctx)
    crm = app.crm()
    roster = crm.coaching.roster(actor)
    if as_json:
        click.echo(dumps(converter.unstructure([r.entry for r in roster])))
        return
    workspace = crm.workspace(actor)
    table = Table(
        "Client", "Email", "Trainer", "Since", "Timezone", header_style="bold", title="Roster"
    )
    for r in roster:
        table.add_row(
            r.client.name,
            r.client.email,
            r.entry.trainer_id,
            day(r.entry.added_at, workspace),
            r.entry.timezone,
        )
    app.console.print(table)


@roster_group.command("add")
@click.argument("email")
@click.option("--name", help="The name of a person invited who is not a client yet.")
@click.option("--timezone", help="The client's IANA timezone (default: the workspace's).")
@click.pass_context
def roster_add(ctx: click.Context, email: str, name: str | None, timezone: str | None) -> None:
    """Put the member EMAIL on the roster, or invite a new person (a client is created)."""
    app, actor = _actor(ctx)
    added = app.crm().coaching.add_to_roster(actor, email=email, name=name, timezone=timezone)
    app.console.print(f"{added.client.name} <{added.client.email}> is on the roster.")


@roster_group.command("remove")
@click.argument("email")
@click.pass_context
def roster_remove(ctx: click.Context, email: str) -> None:
    """Take EMAIL off the roster (their membership and history stay)."""
    app, actor = _actor(ctx)
    app.crm().coaching.remove_from_roster(actor, app.client(email).id)
    app.console.print(f"{email} is off the roster.")


@pt_group.group("programme")
def programme_group() -> None:
    """Bespoke programmes: save a version, show one, assign it."""


@programme_group.command("save")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The programme's name.")
@click.option("--id", "programme_id", help="Save the next version of this programme.")
@click.pass_context
def programme_save(ctx: click.Context, file: Path, name: str, programme_id: str | None) -> None:
    """Save the programme whose blocks FILE holds as JSON: a list of blocks, each
    ``{"name", "sessions": [{"name", "exercises": [{"name", "prescription"}]}]}``."""
    app, actor = _actor(ctx)
    try:
        blocks = converter.structure(json.loads(file.read_text(encoding="utf-8")), list[Block])
    except (ValueError, TypeError, KeyError, BaseValidationError) as error:
        raise ValidationError("file", f"{file} is not a list of blocks ({error})") from None
    saved = app.crm().coaching.save_programme(actor, name, blocks, programme_id=programme_id)
    app.console.print(f"Saved {saved.name} v{saved.version} (id {saved.id}).")


@programme_group.command("show")
@click.argument("programme_id")
@click.option("--version", type=click.IntRange(min=1), help="An earlier version.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
def programme_show(
    ctx: click.Context, programme_id: str, version: int | None, as_json: bool
) -> None:
    """A programme's blocks, sessions and exercises, and who it is assigned to."""
    app, actor = _actor(ctx)
    programme = app.crm().coaching.programme(actor, programme_id, version)
    if as_json:
        click.echo(dumps(converter.unstructure(programme)))
        return
    _print_programme(app, programme)


@programme_group.command("assign")
@click.argument("programme_id")
@click.argument("emails", nargs=-1, required=True)
@click.pass_context
def programme_assign(ctx: click.Context, programme_id: str, emails: tuple[str, ...]) -> None:
    """Assign the programme to clients of the roster."""
    app, actor = _actor(ctx)
    ids = [app.client(email).id for email in emails]
    programme = app.crm().coaching.assign(actor, programme_id, ids)
    app.console.print(f"{programme.name} is assigned to {len(programme.client_ids)} clients.")


@pt_group.command("progress")
@click.argument("email")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_context
def progress_command(ctx: click.Context, email: str, days: int, as_json: bool) -> None:
    """A client's training, health, habits and goals."""
    app, actor = _actor(ctx)
    crm = app.crm()
    page = crm.coaching.progress(actor, app.client(email).id, days=days)
    if as_json:
        click.echo(dumps(converter.unstructure(page)))
        return
    workspace = crm.workspace(actor)
    done = f"{page.completed} of {len(page.workouts)} workouts completed in {days} days"
    app.console.print(f"[bold]{page.client.name}[/]: {done}")
    lifts = Table("Exercise", "Best", "Reps", "On", title="Best lifts", header_style="bold")
    for lift in page.best_lifts:
        lifts.add_row(
            lift.exercise, f"{lift.weight_kg} kg", str(lift.reps), day(lift.at, workspace)
        )
    health = Table("Metric", "Latest", "Source", "At", title="Health", header_style="bold")
    for s in page.latest_health:
        health.add_row(s.metric.value, f"{s.value} {s.unit}", s.source, day(s.at, workspace))
    habits = Table("Habit", "Adherence", "Streak", "Longest", title="Habits", header_style="bold")
    for habit, kept in page.habits:
        shown = "-" if kept.adherence is None else f"{kept.adherence}%"
        habits.add_row(habit.name, shown, str(kept.current_streak), str(kept.longest_streak))
    goals = Table("Goal", "Kind", "Progress", title="Goals", header_style="bold")
    for goal in page.goals:
        goals.add_row(
            goal.title,
            goal.kind.value,
            f"{goal.percent}% ({goal.current}/{goal.target} {goal.unit})".strip(),
        )
    for table in (lifts, health, habits, goals):
        app.console.print(table)


def _print_programme(app: App, programme: Programme) -> None:
    app.console.print(
        f"[bold]{programme.name}[/] v{programme.version} ({len(programme.client_ids)} clients)"
    )
    for block in programme.blocks:
        app.console.print(f"  {block.name}")
        for session in block.sessions:
            app.console.print(f"    {session.name}")
            for exercise in session.exercises:
                app.console.print(f"      {exercise.name}: {exercise.prescription}".rstrip(": "))


COMMANDS = (pt_group,)
