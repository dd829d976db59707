"""``clientcrm note add|list``."""

from __future__ import annotations

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import day, dumps
from clientcrm.models.note import NoteVisibility
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]


@click.group("note")
def note_group() -> None:
    """Notes about a client."""


@note_group.command("add")
@click.argument("email")
@click.argument("text")
@click.option("--team", is_flag=True, help="Visible to the whole team, not only to you.")
@click.option("--pin", is_flag=True, help="Pin it to the top.")
@pass_app
def add_note(app: App, email: str, text: str, team: bool, pin: bool) -> None:
    """Write a note about the client with EMAIL."""
    visibility = NoteVisibility.TEAM if team else None
    crm = app.crm()
    crm.add_note(app.client(email).id, text, app.actor, visibility=visibility, pinned=pin)
    app.console.print("Note saved.")


@note_group.command("list")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def list_notes(app: App, email: str, as_json: bool) -> None:
    """List the notes about the client with EMAIL: pinned first, then newest."""
    crm = app.crm()
    notes = crm.notes(app.client(email).id, app.actor)
    if as_json:
        click.echo(dumps(converter.unstructure(notes)))
        return
    workspace = crm.workspace(app.actor)
    table = Table("", "Date", "Visibility", "Note", header_style="bold")
    for note in notes:
        pin = "📌" if note.pinned else ""
        table.add_row(pin, day(note.created_at, workspace), note.visibility.value, note.text)
    app.console.print(table)


COMMANDS = (note_group,)
