"""``clientcrm import clients`` and ``export clients``: client lists in and out as CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.filters import filter_options, query_of
from clientcrm.cli.render import dumps
from clientcrm.io import read_clients, write_clients, write_clients_xlsx
from clientcrm.io.cells import safe_cell
from clientcrm.models.importing import ImportMode, RowOutcome, RowResult
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]

_DONE = frozenset({RowOutcome.CREATED, RowOutcome.UPDATED})
_SHOWN = 20
"""Problem rows listed on the terminal; ``--summary`` writes every row."""


def _mapping(_: click.Context, __: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        header, sep, field = value.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise click.BadParameter(f"{value!r}: write it as HEADER=FIELD, e.g. 'Mail=email'")
        pairs[header.strip()] = field.strip()
    return pairs


@click.group("import")
def import_group() -> None:
    """Import clients from another tool's export."""


@import_group.command("clients")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "mapping",
    multiple=True,
    callback=_mapping,
    help="HEADER=FIELD (name, first_name, last_name, email, phone, notes, tags); repeatable.",
)
@click.option("--encoding", help="The file's encoding (detected when not given).")
@click.option("--delimiter", help="The file's delimiter (detected when not given).")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default="skip",
    show_default=True,
    help="For emails already in the studio: skip them, fill their empty fields and add tags "
    "and notes (update), or overwrite their name and phone too.",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option("--atomic", is_flag=True, help="Import nothing unless every row can be.")
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every row's outcome and reason to this CSV file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def clients_command(
    app: App,
    file: Path,
    mapping: dict[str, str],
    encoding: str | None,
    delimiter: str | None,
    mode: str,
    dry_run: bool,
    atomic: bool,
    summary: Path | None,
    as_json: bool,
) -> None:
    """Import the clients of FILE (CSV, semicolon, tab or pipe separated; any usual
    encoding). Emails already in the studio, and repeats in the file, are skipped."""
    crm = app.crm()
    opened = read_clients(file, mapping=mapping, encoding=encoding, delimiter=delimiter)
    problems: list[RowResult] = []
    with opened, _summary_writer(summary) as write:

        def each(result: RowResult) -> None:
            write(result)
            if result.outcome not in _DONE or result.reason:
                problems.append(result)

        report = crm.import_clients(
            opened.rows(),
            app.actor,
            mode=ImportMode(mode),
            dry_run=dry_run,
            atomic=atomic,
            each=each,
        )
    if as_json:
        data = {"report": converter.unstructure(report), "problems": problems}
        click.echo(dumps(converter.unstructure(data)))
        return
    table = opened.table
    columns = ", ".join(f"{table.headers[i]!r} as {f.value}" for i, f in opened.columns.items())
    how = "Excel workbook" if table.format == "xlsx" else f"{table.encoding}, {table.delimiter!r}"
    app.console.print(f"Read {file.name} ({how}): {columns}")
    if problems:
        shown = Table("Line", "Email", "Outcome", "Why", header_style="bold")
        for p in problems[:_SHOWN]:
            shown.add_row(str(p.line), p.email or "", p.outcome.value, p.reason or "")
        app.console.print(shown)
        if len(problems) > _SHOWN:
            app.console.print(f"... and {len(problems) - _SHOWN} more (see --summary)")
    unwritten = dry_run or report.refused
    verbs = ("Would create", "would update") if unwritten else ("Created", "updated")
    why = " (dry run: nothing was written)." if dry_run else "."
    if report.refused and not dry_run:
        why = " (--atomic: rows failed, so nothing was written)."
    app.console.print(
        f"{verbs[0]} {report.created}, {verbs[1]} {report.updated}, skipped {report.skipped}, "
        f"failed {report.failed}{why}"
    )


@contextmanager
def _summary_writer(path: Path | None) -> Iterator[Callable[[RowResult], object]]:
    """Something that writes each row's outcome to a CSV file at ``path`` (or nowhere)."""
    if path is None:
        yield lambda _: None
        return
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "outcome", "email", "reason", "client_id"])
        yield lambda r: writer.writerow(
            [r.line, r.outcome.value, safe_cell(r.email or ""), safe_cell(r.reason or ""),
             r.client_id or ""]
        )  # fmt: skip


@click.group("export")
def export_group() -> None:
    """Export clients as CSV."""


@export_group.command("clients")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@filter_options
@pass_app
def export_clients_command(app: App, /, file: Path, **filters: Any) -> None:
    """Write the clients the filters select (all but archived ones, by default) to FILE as
    CSV (or, for a FILE ending .xlsx, an Excel workbook): name, email, phone, bookings,
    spend, first and last booking, status, tags."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    clients = crm.iter_clients(query_of(filters, limit=500), app.actor)
    if file.suffix.lower() == ".xlsx":
        count = write_clients_xlsx(clients, file, workspace, crm.clock())
    else:
        with file.open("w", newline="", encoding="utf-8") as out:
            count = write_clients(clients, out, workspace, crm.clock())
    app.console.print(f"Exported {count} clients to {file}.")


COMMANDS = (import_group, export_group)
