"""``clientcrm journey`` (stages, conversion, one client's history) and ``milestones run``."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import WHEN, day, dumps, moment
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]

STAGE_STYLE = {
    "discovery": "magenta",
    "engagement": "blue",
    "activation": "cyan",
    "retention": "green",
    "advocacy": "bold green",
    "churned": "yellow",
}


@click.group("journey", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def journey_group(ctx: click.Context, as_json: bool) -> None:
    """Journey stages: how many clients are in each (with no subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(App)
    assert app is not None
    counts = app.crm().stage_distribution(app.actor)
    if as_json:
        click.echo(dumps({stage.value: count for stage, count in counts.items()}))
        return
    total = sum(counts.values()) or 1
    table = Table("Stage", "Clients", "Share", header_style="bold", title="Journey stages")
    for stage, count in counts.items():
        style = STAGE_STYLE[stage.value]
        table.add_row(f"[{style}]{stage.value.title()}[/]", str(count), f"{count / total:.0%}")
    app.console.print(table)


@journey_group.command("conversion")
@click.option("--from", "start", type=WHEN, required=True, help="Start date (inclusive).")
@click.option("--to", "end", type=WHEN, required=True, help="End date (exclusive).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def conversion_command(app: App, start: datetime, end: datetime, as_json: bool) -> None:
    """How many clients entered each stage between two dates, and how many moved on."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    rows = crm.stage_conversion(
        moment(start, workspace) or start, moment(end, workspace) or end, app.actor
    )
    if as_json:
        click.echo(dumps(converter.unstructure(rows)))
        return
    table = Table("Stage", "Entered", "Moved on", "Rate", header_style="bold")
    for row in rows:
        rate = f"{row.rate:.0%}" if row.rate is not None else "-"
        table.add_row(row.stage.value.title(), str(row.entered), str(row.moved_on), rate)
    app.console.print(table)


@journey_group.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def show_command(app: App, email: str, as_json: bool) -> None:
    """One client's stage, stage history, milestones and loyalty."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    view = crm.journey(app.client(email).id, app.actor)
    if as_json:
        click.echo(dumps(converter.unstructure(view)))
        return
    journey = view.journey
    stage = journey.stage.value if journey else "not evaluated yet"
    app.console.print(f"[bold]{view.client.name}[/]  <{view.client.email}>  stage: {stage}")
    if journey is not None:
        app.console.print(
            f"Loyalty: {journey.tier.value}, {journey.points} points earned, "
            f"{journey.redeemed} redeemed, {journey.available} available"
        )
    changes = Table("When", "From", "To", "Because", header_style="bold", title="Stage history")
    for change in view.changes:
        previous = change.previous.value if change.previous else "-"
        changes.add_row(day(change.at, workspace), previous, change.stage.value, change.trigger)
    app.console.print(changes)
    reached = Table("When", "Milestone", "Earned by", header_style="bold", title="Milestones")
    for milestone in view.milestones:
        name = milestone.kind.value.replace("_", " ")
        reached.add_row(day(milestone.at, workspace), name, milestone.trigger)
    app.console.print(reached)
    if journey is not None and journey.tiers:
        tiers = Table("When", "From", "To", "Because", header_style="bold", title="Tier history")
        for move in journey.tiers:
            tiers.add_row(
                day(move.at, workspace), move.previous.value, move.tier.value, move.trigger
            )
        app.console.print(tiers)


@click.group("milestones")
def milestones_group() -> None:
    """The daily job of journeys and milestones."""


@milestones_group.command("run")
@click.option("--now", type=WHEN, help="Run as of this moment (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a line.")
@pass_app
def run_command(app: App, now: datetime | None, as_json: bool) -> None:
    """Let time move journeys: churn and anniversaries up to now, each dated when it came.

    Safe to run any number of times; after missed days it catches up.
    """
    crm = app.crm()
    when = moment(now, crm.workspace(app.actor)) or datetime.now(UTC)
    report = crm.run_scheduled(when, app.actor)
    if as_json:
        click.echo(dumps(converter.unstructure(report)))
        return
    app.console.print(
        f"Examined {report.examined} clients due: {report.stage_changes} stage changes, "
        f"{report.milestones} milestones; {report.credits_expired} credit packages expired."
    )


COMMANDS = (journey_group, milestones_group)
