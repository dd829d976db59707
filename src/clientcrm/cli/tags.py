"""``clientcrm tag add|remove``."""

from __future__ import annotations

import click

from clientcrm.cli.context import App, pass_app
from clientcrm.models.client import Client

__all__ = ["COMMANDS"]


@click.group("tag")
def tag_group() -> None:
    """Tags on a client."""


@tag_group.command("add")
@click.argument("email")
@click.argument("tags", nargs=-1, required=True)
@pass_app
def add_tags(app: App, email: str, tags: tuple[str, ...]) -> None:
    """Add TAGS to the client with EMAIL."""
    _report(app, app.crm().tag(app.client(email).id, tags, app.actor))


@tag_group.command("remove")
@click.argument("email")
@click.argument("tags", nargs=-1, required=True)
@pass_app
def remove_tags(app: App, email: str, tags: tuple[str, ...]) -> None:
    """Remove TAGS from the client with EMAIL."""
    _report(app, app.crm().untag(app.client(email).id, tags, app.actor))


def _report(app: App, client: Client) -> None:
    app.console.print(f"Tags of {client.email}: {', '.join(sorted(client.tags)) or '(none)'}")


COMMANDS = (tag_group,)
