"""``clientcrm erase`` and ``clientcrm export-client``: a client's right to be forgotten,
and to their data."""

from __future__ import annotations

from pathlib import Path

import click

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import dumps

__all__ = ["COMMANDS"]


@click.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase without asking (for scripts).")
@pass_app
def erase_command(app: App, email: str, yes: bool) -> None:
    """Erase a client's personal data everywhere, irreversibly: name, emails, phones, tags,
    custom fields, notes and free text. Their bookings, orders, purchases and credits stay,
    anonymous, so the studio's revenue does not change."""
    client = app.client(email)
    if not yes:
        click.confirm(
            f"Erase {client.name} <{client.email}> for good? This cannot be undone", abort=True
        )
    erased = app.crm().erase_client(client.id, app.actor)
    app.console.print(f"Erased: the record stays as {erased.name!r} ({erased.id}).")


@click.command("export-client")
@click.argument("email")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON to this file instead of printing it.",
)
@pass_app
def export_client_command(app: App, email: str, out: Path | None) -> None:
    """Everything held about a client, as one JSON document (their right to their data)."""
    data = app.crm().export_client_data(app.client(email).id, app.actor)
    if out is None:
        click.echo(dumps(data))
        return
    out.write_text(dumps(data) + "\n", encoding="utf-8")
    app.console.print(f"Wrote everything held about {email} to {out}.")


COMMANDS = (erase_command, export_client_command)
