"""``clientcrm clients``, ``show`` and ``add``."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.filters import filter_options, query_of
from clientcrm.cli.render import client_json, clients_table, day, dumps, money
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]


@click.command("clients")
@filter_options
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--cursor", help="The next-page cursor a previous run printed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def clients_command(
    app: App, /, limit: int, cursor: str | None, as_json: bool, **filters: Any
) -> None:
    """List clients: search, filter, sort and page."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    page = crm.list_clients(query_of(filters, limit=limit, cursor=cursor), app.actor)
    now = crm.clock()
    if as_json:
        rows = [client_json(c, workspace, now) for c in page.clients]
        click.echo(dumps({"clients": rows, "next_cursor": page.next_cursor}))
        return
    app.console.print(clients_table(page.clients, workspace, now))
    if page.next_cursor:
        app.console.print(f"More: --cursor {page.next_cursor}", style="dim")


@click.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def show_command(app: App, email: str, as_json: bool) -> None:
    """Show one client: header quick stats and booking history, oldest first."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    detail = crm.client_detail(app.client(email).id, app.actor)
    if as_json:
        click.echo(dumps(converter.unstructure(detail)))
        return
    client, stats = detail.client, detail.stats
    app.console.print(f"[bold]{client.name}[/]  <{client.email}>  {client.phone or ''}")
    app.console.print(
        f"Status: {detail.status.value.upper()}"
        + (" (growing)" if detail.growing else "")
        + (f"  Flags: {', '.join(sorted(f.value for f in client.flags))}" if client.flags else "")
        + (f"  Tags: {', '.join(sorted(client.tags))}" if client.tags else "")
        + f"  Client since {day(client.created_at, workspace)}"
    )
    average = money(stats.average_per_booking, workspace) if stats.average_per_booking else "-"
    app.console.print(
        f"Bookings {stats.total_bookings}  Spend {money(stats.total_spend, workspace)}  "
        f"Average {average}  Upcoming {stats.pending_bookings}  "
        f"Most booked {stats.most_booked_service or '-'}"
    )
    table = Table("Date", "Class", "Status", "Payment", "Paid", "Location", header_style="bold")
    for booking in detail.bookings:
        table.add_row(
            day(booking.starts_at, workspace),
            booking.service,
            booking.status.value,
            booking.payment_status.value,
            money(booking.net_paid, workspace),
            booking.location or "",
        )
    app.console.print(table)


@click.command("add")
@click.option("--name", required=True, help="The client's full name.")
@click.option("--email", required=True, help="Their email (unique in the workspace).")
@click.option("--phone", help="Their phone number.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the new client as JSON.")
@pass_app
def add_command(
    app: App, name: str, email: str, phone: str | None, tags: tuple[str, ...], as_json: bool
) -> None:
    """Add a client by hand."""
    crm = app.crm()
    client = crm.add_client(app.actor, name=name, email=email, phone=phone, tags=tags)
    if as_json:
        click.echo(dumps(client_json(client, crm.workspace(app.actor), crm.clock())))
    else:
        app.console.print(f"Added {client.name} <{client.email}>")


COMMANDS = (clients_command, show_command, add_command)
