"""``clientcrm timeline``: everything about a client, newest first; as CSV or PDF too."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import dumps
from clientcrm.io import TIMELINE_COLUMNS, timeline_rows, write_csv, write_timeline_pdf
from clientcrm.models.timeline import FeedKind, TimelineQuery
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]

_EVERYTHING = 1_000_000


@click.command("timeline")
@click.argument("email")
@click.option("--search", help="Only items whose text holds these words.")
@click.option(
    "--type",
    "kinds",
    multiple=True,
    type=click.Choice([k.value for k in FeedKind]),
    help="Only items of this type; repeatable.",
)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--after", "cursor", help="The cursor a previous page printed.")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write it as CSV."
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write it as a PDF to print: the client and their figures, then the history.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def timeline_command(
    app: App,
    email: str,
    search: str | None,
    kinds: tuple[str, ...],
    limit: int,
    cursor: str | None,
    csv_path: Path | None,
    pdf_path: Path | None,
    as_json: bool,
) -> None:
    """A client's timeline: bookings, orders, purchases, forms, notes, credits, stages,
    milestones and merges, newest first, by day in the studio's timezone. With --csv or
    --pdf, the whole of it (searched and filtered) is written to the file."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    client = app.client(email)
    wanted = frozenset(FeedKind(k) for k in kinds)
    if csv_path or pdf_path:
        everything = TimelineQuery(search, wanted, limit=_EVERYTHING)
        items = crm.timeline(client.id, app.actor, everything).items
        if csv_path:
            with csv_path.open("w", newline="", encoding="utf-8") as out:
                write_csv(TIMELINE_COLUMNS, timeline_rows(items, workspace), out)
            app.console.print(f"Wrote {len(items)} items to {csv_path}.")
        if pdf_path:
            write_timeline_pdf(pdf_path, client, items, workspace, crm.clock())
            app.console.print(f"Wrote {len(items)} items to {pdf_path}.")
        return
    page = crm.timeline(client.id, app.actor, TimelineQuery(search, wanted, limit, cursor))
    if as_json:
        click.echo(dumps(converter.unstructure(page)))
        return
    counts = ", ".join(f"{kind.value} {n}" for kind, n in page.counts.items())
    app.console.print(f"[bold]{client.name}[/]  <{client.email}>  {counts or 'nothing yet'}")
    tz = workspace.tz
    for day in page.days:
        table = Table(
            "Time", "Type", "What", "Amount", title=day.day.strftime("%A %d %B %Y"),
            title_justify="left", header_style="bold",
        )  # fmt: skip
        for item in day.items:
            what = f"{item.title}: {item.detail}" if item.detail else item.title
            amount = "" if item.amount is None else str(item.amount)
            table.add_row(item.at.astimezone(tz).strftime("%H:%M"), item.kind.value, what, amount)
        app.console.print(table)
    if page.next_cursor:
        app.console.print(f"More: --after {page.next_cursor}", soft_wrap=True)


COMMANDS = (timeline_command,)
