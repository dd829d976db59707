"""``clientcrm import clients|bookings|purchases|runs|undo`` and ``export clients|purchases``:
client lists, booking histories and other platforms' sales in; client lists and purchases
out; imports listed and undone."""

from __future__ import annotations

import csv
import enum
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Protocol, Self, TypeVar

import attrs
import click
from rich.console import Console
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.filters import filter_options, query_of
from clientcrm.cli.render import day, dumps, progress_bar
from clientcrm.io import (
    PURCHASE_COLUMNS,
    PURCHASE_METRIC_COLUMNS,
    purchase_metric_rows,
    purchase_rows,
    read_bookings,
    read_clients,
    read_sales,
    write_clients,
    write_clients_xlsx,
    write_csv,
)
from clientcrm.io.cells import safe_cell
from clientcrm.io.text import Table as TextTable
from clientcrm.models.importing import ImportMode, ImportReport, RowOutcome, RowResult
from clientcrm.models.purchases import PurchaseStatus
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
    """Import clients, or another platform's sales, from a tool's export."""


def _import_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every ``clientcrm import`` command takes."""
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option(
            "--map",
            "mapping",
            multiple=True,
            callback=_mapping,
            help="HEADER=FIELD, for a column the automatic mapping misses; repeatable.",
        ),
        click.option("--encoding", help="The file's encoding (detected when not given)."),
        click.option("--delimiter", help="The file's delimiter (detected when not given)."),
        click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing."),
        click.option("--atomic", is_flag=True, help="Import nothing unless every row can be."),
        click.option(
            "--summary",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write every row's outcome and reason to this CSV file.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@attrs.frozen
class _Import:
    """One ``clientcrm import`` run: the options every import shares."""

    app: App
    file: Path
    mapping: dict[str, str]
    encoding: str | None
    delimiter: str | None
    dry_run: bool
    atomic: bool
    summary: Path | None
    as_json: bool

    @property
    def choices(self) -> dict[str, Any]:
        """What the options ask of the import itself."""
        return {"source": self.file.name, "dry_run": self.dry_run, "atomic": self.atomic}

    def run(
        self,
        read: Callable[..., _F],
        import_rows: Callable[[_F, Callable[[RowResult], None]], ImportReport],
    ) -> None:
        """Open the file with ``read`` (`read_clients`, `read_sales`), import its rows with
        a progress bar, and report."""
        problems: list[RowResult] = []
        with (
            self.file.open("rb") as raw,
            read(
                raw, mapping=self.mapping, encoding=self.encoding, delimiter=self.delimiter
            ) as opened,
            _summary_writer(self.summary) as write,
            _progress(self.app, raw, self.file.stat().st_size) as advance,
        ):

            def each(result: RowResult) -> None:
                write(result)
                advance()
                if result.outcome not in _DONE or result.reason:
                    problems.append(result)

            report = import_rows(opened, each)
        self._report(opened, report, problems)

    def _report(self, opened: _Opened, report: ImportReport, problems: list[RowResult]) -> None:
        app = self.app
        if self.as_json:
            data = {"report": converter.unstructure(report), "problems": problems}
            click.echo(dumps(converter.unstructure(data)))
            return
        table = opened.table
        columns = ", ".join(
            f"{table.headers[i]!r} as {f.value}" for i, f in opened.fields().items()
        )
        how = (
            "Excel workbook" if table.format == "xlsx" else f"{table.encoding}, {table.delimiter!r}"
        )
        app.console.print(f"Read {self.file.name} ({how}): {columns}")
        if problems:
            shown = Table("Line", "Email", "Outcome", "Why", header_style="bold")
            for p in problems[:_SHOWN]:
                shown.add_row(str(p.line), p.email or "", p.outcome.value, p.reason or "")
            app.console.print(shown)
            if len(problems) > _SHOWN:
                app.console.print(f"... and {len(problems) - _SHOWN} more (see --summary)")
        unwritten = self.dry_run or report.refused
        verbs = ("Would create", "would update") if unwritten else ("Created", "updated")
        why = " (dry run: nothing was written)." if self.dry_run else "."
        if report.refused and not self.dry_run:
            why = " (--atomic: rows failed, so nothing was written)."
        app.console.print(
            f"{verbs[0]} {report.created}, {verbs[1]} {report.updated}, "
            f"skipped {report.skipped}, failed {report.failed}{why}"
        )
        if report.run_id is not None:
            app.console.print(f"To undo it: clientcrm import undo {report.run_id}", soft_wrap=True)


class _Opened(Protocol):
    """An opened import file: its table and which column holds which field."""

    @property
    def table(self) -> TextTable: ...

    def fields(self) -> Mapping[int, enum.StrEnum]: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *_: object) -> None: ...


_F = TypeVar("_F", bound=_Opened)


@contextmanager
def _progress(app: App, raw: BinaryIO, size: int) -> Iterator[Callable[[], None]]:
    """A progress bar of the bytes read from ``raw``, on a terminal's standard error."""
    console = Console(stderr=True)
    bar = progress_bar(
        console, "Importing (bytes)", transient=True, disable=not console.is_terminal
    )
    with bar as progress:
        task = progress.add_task("import", total=size)

        def advance() -> None:
            if not raw.closed:
                progress.update(task, completed=raw.tell())

        yield advance


@import_group.command("clients")
@_import_options
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default="skip",
    show_default=True,
    help="For emails already in the studio: skip them, fill their empty fields and add tags "
    "and notes (update), or overwrite their name and phone too.",
)
@pass_app
def clients_command(app: App, /, mode: str, **options: Any) -> None:
    """Import the clients of FILE (CSV, semicolon, tab or pipe separated; any usual
    encoding; or an Excel workbook). Emails already in the studio, and repeats in the file,
    are skipped. Fields: name, first_name, last_name, email, phone, notes, tags."""
    run, crm = _Import(app, **options), app.crm()
    run.run(
        read_clients,
        lambda opened, each: crm.import_clients(
            opened.rows(), app.actor, mode=ImportMode(mode), each=each, **run.choices
        ),
    )


@import_group.command("purchases")
@_import_options
@click.option(
    "--platform",
    default="Hotmart",
    show_default=True,
    help="The platform the sales were made on (unless the file has a platform column).",
)
@click.option("--month-first", is_flag=True, help="Read dates like 01/02/2025 as January 2nd.")
@pass_app
def purchases_command(app: App, /, platform: str, month_first: bool, **options: Any) -> None:
    """Import the sales of FILE (a Hotmart sales export, or any file with a sale per row)
    as external purchases, creating the buyers who are not clients yet. A sale already
    imported is updated when its status changed, else skipped. Fields: transaction_id,
    product, price, currency, status, purchased_at, platform, and the buyer's name,
    first_name, last_name, email and phone."""
    run, crm = _Import(app, **options), app.crm()
    run.run(
        read_sales,
        lambda opened, each: crm.import_sales(
            opened.rows(),
            app.actor,
            platform=platform,
            dayfirst=not month_first,
            each=each,
            **run.choices,
        ),
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


@import_group.command("bookings")
@_import_options
@click.option("--month-first", is_flag=True, help="Read dates like 01/02/2025 as January 2nd.")
@pass_app
def bookings_command(app: App, /, month_first: bool, **options: Any) -> None:
    """Import the booking history of FILE (a Mindbody visit history, an Acuity, Square,
    Fresha or Vagaro appointments export, or any file with a booking per row), creating the
    clients it names, so their figures, statuses and stages carry over. Fields: booking_id,
    service, starts_at (or date and time), status, paid, refunded, location, staff, and the
    client's name, first_name, last_name, email and phone."""
    run, crm = _Import(app, **options), app.crm()
    run.run(
        read_bookings,
        lambda opened, each: crm.import_bookings(
            opened.rows(), app.actor, dayfirst=not month_first, each=each, **run.choices
        ),
    )


@import_group.command("runs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def runs_command(app: App, as_json: bool) -> None:
    """The imports made, newest first, with what each did."""
    crm = app.crm()
    runs = crm.import_runs(app.actor)
    if as_json:
        click.echo(dumps(converter.unstructure(runs)))
        return
    workspace = crm.workspace(app.actor)
    table = Table("Run", "Day", "What", "File", "State", "Created", "Updated", "Failed")
    for r in runs:
        done = r.report
        counts = [str(n) for n in (done.created, done.updated, done.failed)] if done else []
        day_ = day(r.started_at, workspace)
        table.add_row(r.id, day_, r.kind.value, r.source or "", r.state.value, *counts)
    app.console.print(table)


@import_group.command("undo")
@click.argument("run_id")
@pass_app
def undo_command(app: App, run_id: str) -> None:
    """Undo an import: what it created goes, what it changed comes back, except where
    something touched it since (listed, with why)."""
    undone = app.crm().undo_import(run_id, app.actor)
    for record_id, why in undone.kept[:_SHOWN]:
        app.console.print(f"Kept {record_id}: {why}")
    if len(undone.kept) > _SHOWN:
        app.console.print(f"... and {len(undone.kept) - _SHOWN} more kept")
    app.console.print(
        f"Removed {undone.removed} clients, put back {undone.reverted} records, "
        f"kept {len(undone.kept)}."
    )


@click.group("export")
def export_group() -> None:
    """Export clients or external purchases as CSV."""


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
    clients = crm.client_summaries(query_of(filters), app.actor)
    if file.suffix.lower() == ".xlsx":
        count = write_clients_xlsx(clients, file, workspace, crm.clock())
    else:
        with file.open("w", newline="", encoding="utf-8") as out:
            count = write_clients(clients, out, workspace, crm.clock())
    app.console.print(f"Exported {count} clients to {file}.")


@export_group.command("purchases")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--platform", help="Only the purchases of this platform.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in PurchaseStatus]),
    help="Only the purchases with this status.",
)
@click.option(
    "--metrics",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write each buyer's purchase count, active and lost revenue and lifetime "
    "value to this CSV file.",
)
@pass_app
def export_purchases_command(
    app: App, file: Path, platform: str | None, status: str | None, metrics: Path | None
) -> None:
    """Write the external purchases to FILE as CSV: buyer, platform, product, transaction,
    status, price, currency and date."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    wanted = None if status is None else PurchaseStatus(status)
    found = crm.purchases.in_workspace(app.actor, platform=platform, status=wanted)
    with file.open("w", newline="", encoding="utf-8") as out:
        count = write_csv(PURCHASE_COLUMNS, purchase_rows(found, workspace), out)
    app.console.print(f"Exported {count} purchases to {file}.")
    if metrics is not None:
        with metrics.open("w", newline="", encoding="utf-8") as out:
            rows = purchase_metric_rows(crm.purchases.metrics_by_client(app.actor))
            buyers = write_csv(PURCHASE_METRIC_COLUMNS, rows, out)
        app.console.print(f"Exported the metrics of {buyers} buyers to {metrics}.")


COMMANDS = (import_group, export_group)
