"""``clientcrm clients``, ``show`` and ``add``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import client_json, clients_table, day, dumps, money
from clientcrm.models.client import Flag, StatusPill
from clientcrm.models.journey import Stage
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]


def _choice(enum: type[StatusPill | Flag | SortKey | Stage]) -> click.Choice[str]:
    return click.Choice([member.value for member in enum], case_sensitive=False)


@click.command("clients")
@click.option("--search", "-s", help="Words that start a name, an email or phone digits.")
@click.option("--status", "statuses", multiple=True, type=_choice(StatusPill), help="Pill(s).")
@click.option("--growing", is_flag=True, help="Only clients with 3-5 bookings, not lapsed.")
@click.option("--stage", "stages", multiple=True, type=_choice(Stage), help="Journey stage(s).")
@click.option("--flag", "flags", multiple=True, type=_choice(Flag), help="Manual flag(s).")
@click.option("--tag", "tags_any", multiple=True, help="Any of these tags (repeatable).")
@click.option("--all-tags", "tags_all", multiple=True, help="All of these tags (repeatable).")
@click.option("--min-bookings", type=click.IntRange(min=0))
@click.option("--max-bookings", type=click.IntRange(min=0))
@click.option("--min-spend", type=Decimal)
@click.option("--max-spend", type=Decimal)
@click.option(
    "--with-credits/--no-credits",
    "has_credits",
    default=None,
    help="Clients with credits available (or without).",
)
@click.option("--paused-credits", is_flag=True, help="Clients holding paused credits.")
@click.option("--min-credits", type=click.IntRange(min=0))
@click.option("--max-credits", type=click.IntRange(min=0))
@click.option("--inactive-days", type=click.IntRange(min=0), help="At least N days since activity.")
@click.option("--active-within", type=click.IntRange(min=0), help="At most N days since activity.")
@click.option("--registered-from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--registered-to", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--include-inactive", is_flag=True, help="Also list archived (INACTIVE) clients.")
@click.option("--sort", type=_choice(SortKey), default="recency", show_default=True)
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--cursor", help="The next-page cursor a previous run printed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def clients_command(
    app: App,
    search: str | None,
    statuses: tuple[str, ...],
    growing: bool,
    stages: tuple[str, ...],
    flags: tuple[str, ...],
    tags_any: tuple[str, ...],
    tags_all: tuple[str, ...],
    min_bookings: int | None,
    max_bookings: int | None,
    min_spend: Decimal | None,
    max_spend: Decimal | None,
    has_credits: bool | None,
    paused_credits: bool,
    min_credits: int | None,
    max_credits: int | None,
    inactive_days: int | None,
    active_within: int | None,
    registered_from: datetime | None,
    registered_to: datetime | None,
    include_inactive: bool,
    sort: str,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """List clients: search, filter, sort and page."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    query = ClientQuery(
        search=search,
        statuses=frozenset(StatusPill(s) for s in statuses),
        growing=growing,
        stages=frozenset(Stage(s) for s in stages),
        flags=frozenset(Flag(f) for f in flags),
        tags_any=frozenset(tags_any),
        tags_all=frozenset(tags_all),
        bookings_min=min_bookings,
        bookings_max=max_bookings,
        spend_min=min_spend,
        spend_max=max_spend,
        has_credits=has_credits,
        paused_credits=paused_credits or None,
        credits_min=min_credits,
        credits_max=max_credits,
        inactive_days_min=inactive_days,
        inactive_days_max=active_within,
        registered_from=registered_from.date() if registered_from else None,
        registered_to=registered_to.date() if registered_to else None,
        include_inactive=include_inactive,
        sort=SortKey(sort),
        limit=limit,
        cursor=cursor,
    )
    page = crm.list_clients(query, app.actor)
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
