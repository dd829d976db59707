"""``clientcrm credits``: a client's packages and their history, and changing them."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import WHEN, day, dumps, moment
from clientcrm.models.credits import CreditPackage
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]


@click.group("credits")
def credits_group() -> None:
    """Credit packages: show a client's, buy one, adjust, pause, resume, extend."""


@credits_group.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def show_command(app: App, email: str, as_json: bool) -> None:
    """A client's packages and the history of every change to them."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    client = app.client(email)
    packages = crm.credits.packages(client.id, app.actor)
    ledger = crm.credits.ledger(client.id, app.actor)
    if as_json:
        data = {"credits": client.credits, "packages": packages, "history": ledger}
        click.echo(dumps(converter.unstructure(data)))
        return
    summary = client.credits
    app.console.print(
        f"[bold]{client.name}[/]  <{client.email}>  {summary.available} credits available, "
        f"{summary.paused} paused, {summary.purchased} bought"
    )
    table = Table("Package", "Name", "State", "Left", "Bought", "Expires", header_style="bold")
    for p in packages:
        expires = day(p.expires_at, workspace) if p.expires_at else "never"
        table.add_row(p.id, p.name, p.state.value, str(p.balance), str(p.credits), expires)
    app.console.print(table)
    history = Table("When", "Package", "Change", "Credits", "Balance", "Why", header_style="bold")
    for e in ledger:
        why = e.reason or (f"booking {e.booking_id}" if e.booking_id else "")
        history.add_row(
            day(e.at, workspace), e.package_id, e.kind.value, f"{e.credits:+d}", str(e.balance), why
        )
    app.console.print(history)


@credits_group.command("add")
@click.argument("email")
@click.argument("credits", type=click.IntRange(min=1))
@click.option("--name", default="Credits", show_default=True, help="What was bought.")
@click.option("--expires", type=WHEN, help="When the credits lapse (default: never).")
@pass_app
def add_command(app: App, email: str, credits: int, name: str, expires: datetime | None) -> None:
    """Give a client a new package of CREDITS."""
    crm = app.crm()
    expiry = moment(expires, crm.workspace(app.actor))
    package = crm.credits.purchase(
        app.client(email).id, credits, app.actor, name=name, expires_at=expiry
    )
    _done(app, "Added", package)


@credits_group.command("adjust")
@click.argument("package_id")
@click.argument("credits", type=int)
@click.option("--reason", required=True, help="Why (kept in the history).")
@pass_app
def adjust_command(app: App, package_id: str, credits: int, reason: str) -> None:
    """Add CREDITS to a package, or take them away (a negative number: -- -2)."""
    _done(app, "Adjusted", app.crm().credits.adjust(package_id, credits, reason, app.actor))


@credits_group.command("pause")
@click.argument("package_id")
@pass_app
def pause_command(app: App, package_id: str) -> None:
    """Pause a package: its credits cannot be used and its expiry clock stops."""
    _done(app, "Paused", app.crm().credits.pause(package_id, app.actor))


@credits_group.command("resume")
@click.argument("package_id")
@pass_app
def resume_command(app: App, package_id: str) -> None:
    """Resume a paused package; its expiry moves out by the pause."""
    _done(app, "Resumed", app.crm().credits.resume(package_id, app.actor))


@credits_group.command("extend")
@click.argument("package_id")
@click.argument("expires", type=WHEN)
@click.option("--reason", help="Why (kept in the history).")
@pass_app
def extend_command(app: App, package_id: str, expires: datetime, reason: str | None) -> None:
    """Move a package's expiry to EXPIRES (a date, in the workspace's timezone)."""
    crm = app.crm()
    expiry = moment(expires, crm.workspace(app.actor))
    _done(app, "Extended", crm.credits.extend(package_id, expiry, app.actor, reason=reason))


def _done(app: App, what: str, package: CreditPackage) -> None:
    workspace = app.crm().workspace(app.actor)
    expires = day(package.expires_at, workspace) if package.expires_at else "never"
    app.console.print(
        f"{what} {package.id}: {package.balance} of {package.credits} credits left, "
        f"{package.state.value}, expires {expires}."
    )


COMMANDS = (credits_group,)
