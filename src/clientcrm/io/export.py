"""The client list as CSV (SPEC section 12, seed 000): what owners take to Mailchimp, Google
Sheets or their accountant; and the external purchases (seed 002). Text cells are
neutralised against formula injection; numbers stay numbers."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO, TypeVar
from zoneinfo import ZoneInfo

from clientcrm.io.cells import safe_cell
from clientcrm.io.workbook import write_workbook
from clientcrm.models.client import Client, ClientSummary, StatusPill
from clientcrm.models.purchases import ExternalPurchase, PurchaseMetrics
from clientcrm.models.workspace import Workspace
from clientcrm.rules.status import days_ago_cutoff, pill

__all__ = [
    "CLIENT_COLUMNS",
    "PURCHASE_COLUMNS",
    "PURCHASE_METRIC_COLUMNS",
    "ExportRow",
    "client_rows",
    "purchase_metric_rows",
    "purchase_rows",
    "write_clients",
    "write_clients_xlsx",
    "write_csv",
]

CLIENT_COLUMNS = (
    "Name",
    "Email",
    "Phone",
    "Total bookings",
    "Lifetime spend",
    "First booking date",
    "Last booking date",
    "Status",
    "Tags",
)
"""The export's header row: the columns of seed 000's "Export CSV"."""


ExportRow = tuple[str, str, str, int, Decimal, str, str, str, str]
"""A client's cells under `CLIENT_COLUMNS`."""

_M = TypeVar("_M")


def client_rows(
    clients: Iterable[Client | ClientSummary], workspace: Workspace, now: datetime
) -> Iterator[ExportRow]:
    """Each client (a record, or the summary `CRM.client_summaries` streams) as a row of
    `CLIENT_COLUMNS`: text as text, figures as numbers, the status pill as of ``now`` and
    dates in the workspace's timezone."""
    return _cells(clients, workspace, now, text=_same, money=_same)


def write_clients(
    clients: Iterable[Client | ClientSummary], out: TextIO, workspace: Workspace, now: datetime
) -> int:
    """Write ``clients`` to ``out`` (opened with ``newline=""``) as CSV (`client_rows`), text
    cells neutralised; return how many were written."""
    rows = _cells(clients, workspace, now, text=safe_cell, money=_plain)
    return _write(columns=CLIENT_COLUMNS, rows=rows, out=out)


def _cells(
    clients: Iterable[Client | ClientSummary],
    workspace: Workspace,
    now: datetime,
    *,
    text: Callable[[str], str],
    money: Callable[[Decimal], _M],
) -> Iterator[tuple[str, str, str, int, _M, str, str, str, str]]:
    """`client_rows`, with ``text`` applied to the cells a person wrote (dates and pills
    are ours) and ``money`` to the spend."""
    policy = workspace.policies.status
    lapsed_before = days_ago_cutoff(now, workspace.tz, policy.lapsed_after_days)
    regular_min = policy.regular_min_bookings
    tz = workspace.tz
    for client in clients:
        c = client if isinstance(client, ClientSummary) else ClientSummary.of(client)
        _, name, email, phone, tags, bookings, spend, first, last = c
        yield (
            text(name),
            text(email),
            text(phone) if phone else "",
            bookings,
            money(spend),
            _day(first, tz) if first else "",
            _day(last, tz) if last else "",
            _PILL_TEXT[pill(c, lapsed_before, regular_min)],
            text(", ".join(sorted(tags))) if tags else "",
        )


_PILL_TEXT = {status: status.value for status in StatusPill}


def _same(value: _M) -> _M:
    return value


def _plain(amount: Decimal) -> str:
    return f"{amount:f}"  # never an exponent


def write_csv(
    columns: Sequence[str], rows: Iterable[Sequence[str | int | Decimal]], out: TextIO
) -> int:
    """Write the header and ``rows`` to ``out`` (opened with ``newline=""``) as CSV, text
    cells neutralised, numbers as plain numbers; return how many rows were written."""
    cells = (
        [safe_cell(value) if type(value) is str
         else _plain(value) if type(value) is Decimal else value
         for value in row]
        for row in rows
    )  # fmt: skip
    return _write(columns=columns, rows=cells, out=out)


def _write(*, columns: Sequence[str], rows: Iterable[Sequence[object]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    written = 0
    for row in rows:
        writer.writerow(row)
        written += 1
    return written


PURCHASE_COLUMNS = (
    "Name",
    "Email",
    "Platform",
    "Product",
    "Transaction ID",
    "Status",
    "Price",
    "Currency",
    "Purchase date",
)
"""The header row of the external purchases export (seed 002's fields)."""

PURCHASE_METRIC_COLUMNS = (
    "Name",
    "Email",
    "Purchases",
    "Active revenue",
    "Lost revenue",
    "Lifetime value",
    "Currency",
    "Other currencies",
)
"""The header row of the per-client purchase metrics export."""


def purchase_rows(
    purchases: Iterable[tuple[ExternalPurchase, Client]], workspace: Workspace
) -> Iterator[list[str | int | Decimal]]:
    """Each purchase, with its client, as a row of `PURCHASE_COLUMNS`; the date in the
    workspace's timezone."""
    for purchase, client in purchases:
        yield [
            client.name,
            client.email,
            purchase.platform,
            purchase.product,
            purchase.transaction_id,
            purchase.status.value,
            purchase.price.amount,
            purchase.price.currency,
            _day(purchase.purchased_at, workspace.tz),
        ]


def purchase_metric_rows(
    metrics: Iterable[tuple[Client, PurchaseMetrics]],
) -> Iterator[list[str | int | Decimal]]:
    """Each client's purchase metrics as a row of `PURCHASE_METRIC_COLUMNS`; the completed
    purchases in other currencies are listed apart ("120.00 BRL; 15.00 USD")."""
    for client, m in metrics:
        yield [
            client.name,
            client.email,
            m.count,
            m.active_revenue.amount,
            m.lost_revenue.amount,
            m.lifetime_value.amount,
            m.lifetime_value.currency,
            "; ".join(str(money) for money in m.other_currencies.values()),
        ]


def write_clients_xlsx(
    clients: Iterable[Client | ClientSummary], path: Path, workspace: Workspace, now: datetime
) -> int:
    """Write ``clients`` to an Excel workbook at ``path`` (the ``xlsx`` extra): every text
    cell is text, never a formula, so no quote is needed; return how many were written."""
    counted = _Counted(client_rows(clients, workspace, now))
    write_workbook(path, CLIENT_COLUMNS, counted)
    return counted.count


class _Counted(Iterator[ExportRow]):
    """Rows passed through, counted."""

    def __init__(self, rows: Iterator[ExportRow]) -> None:
        self._rows, self.count = rows, 0

    def __next__(self) -> ExportRow:
        row = next(self._rows)
        self.count += 1
        return row


def _day(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).date().isoformat() if moment else ""
