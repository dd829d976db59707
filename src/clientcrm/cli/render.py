"""Showing clients on the terminal (rich tables) or as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from clientcrm.models.client import Client
from clientcrm.models.money import minor_units
from clientcrm.models.workspace import Workspace
from clientcrm.rules.status import status_pill
from clientcrm.serialization import converter

__all__ = [
    "PILL_STYLE",
    "WHEN",
    "client_json",
    "clients_table",
    "day",
    "dumps",
    "moment",
    "money",
    "progress_bar",
]

PILL_STYLE = {"regular": "green", "active": "cyan", "new": "magenta", "lapsed": "yellow"}

WHEN = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
"""A date or a moment on the command line."""


def moment(value: datetime | None, workspace: Workspace) -> datetime | None:
    """A date or datetime from the command line, read in the workspace's timezone."""
    if value is None:
        return None
    return value.replace(tzinfo=workspace.tz) if value.tzinfo is None else value


def money(amount: Decimal, workspace: Workspace) -> str:
    """An amount with the currency's decimal places and code."""
    return f"{amount:,.{minor_units(workspace.currency)}f} {workspace.currency}"


def day(moment: datetime | None, workspace: Workspace) -> str:
    """A moment as a date in the workspace's timezone ("-" when there is none)."""
    return moment.astimezone(workspace.tz).date().isoformat() if moment else "-"


def clients_table(
    clients: Iterable[Client], workspace: Workspace, now: datetime, title: str | None = None
) -> Table:
    """The clients list: name, email, pill, stage, credits, bookings, spend, last attended,
    tags."""
    table = Table(title=title, header_style="bold")
    columns = (
        "Name", "Email", "Status", "Stage", "Credits", "Bookings", "Spend", "Last attended",
        "Tags",
    )  # fmt: skip
    for name in columns:
        numeric = name in ("Credits", "Bookings", "Spend")
        table.add_column(name, justify="right" if numeric else "left")
    policy, tz = workspace.policies.status, workspace.tz
    for client in clients:
        pill = status_pill(client.figures, now, tz, policy).value
        flags = " ".join(sorted(f.value.upper() for f in client.flags))
        table.add_row(
            client.name,
            client.email,
            f"[{PILL_STYLE[pill]}]{pill.upper()}[/] {flags}".rstrip(),
            client.journey.stage.value.title() if client.journey else "-",
            str(client.credits.available),
            str(client.figures.bookings),
            money(client.figures.spend, workspace),
            day(client.figures.last_attended_at, workspace),
            ", ".join(sorted(client.tags)),
        )
    return table


def client_json(client: Client, workspace: Workspace, now: datetime) -> dict[str, Any]:
    """A client as JSON-able data, with its pill at ``now``."""
    data: dict[str, Any] = converter.unstructure(client)
    data["status"] = status_pill(client.figures, now, workspace.tz, workspace.policies.status).value
    return data


def dumps(data: object) -> str:
    """Indented JSON with non-ASCII characters kept."""
    return json.dumps(data, indent=2, ensure_ascii=False)


def progress_bar(
    console: Console, label: str, *, transient: bool = False, disable: bool = False
) -> Progress:
    """A progress bar: the label (``{task.description}`` for each task's own), the bar,
    done of total, and the time so far; ``disable`` shows nothing (short runs)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=disable,
    )
