"""The ``clientcrm`` command group and its error handling."""

from __future__ import annotations

import sys

import click

from clientcrm import __version__
from clientcrm.cli import (
    clients,
    coaching,
    credits,
    dedupe,
    demo,
    importing,
    insights,
    journey,
    messages,
    notes,
    privacy,
    tags,
    timeline,
)
from clientcrm.cli.context import DEFAULT_DB, App
from clientcrm.compiled import build
from clientcrm.errors import CRMError, StorageError

__all__ = ["cli", "run"]


@click.group(help="clientcrm: your clients, their bookings, spend and notes, in one file.")
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="CLIENTCRM_DB",
    help="A SQLite file path or a SQLAlchemy database URL.",
)
@click.option(
    "--workspace",
    default="studio",
    show_default=True,
    envvar="CLIENTCRM_WORKSPACE",
    help="The workspace (one CRM) inside the database.",
)
@click.version_option(
    __version__,
    prog_name="clientcrm",
    message=f"%(prog)s %(version)s ({build()})",
)
@click.pass_context
def cli(ctx: click.Context, db: str, workspace: str) -> None:
    ctx.obj = App(db, workspace)


for module in (
    demo, clients, notes, tags, timeline, dedupe, journey, credits, importing, privacy, insights,
    messages,
    coaching,
):  # fmt: skip
    for command in module.COMMANDS:
        cli.add_command(command)


def run(args: list[str] | None = None) -> None:
    """Run the command line: user mistakes print one line and exit 2, never a traceback."""
    try:
        cli.main(args=args, prog_name="clientcrm", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(2)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except StorageError as error:
        click.echo(f"Error: database problem: {error}", err=True)
        sys.exit(2)
    except CRMError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
