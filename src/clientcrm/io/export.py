"""The client list as CSV (SPEC section 12, seed 000): what owners take to Mailchimp, Google
Sheets or their accountant; and the external purchases (seed 002). Text cells are
neutralised against formula injection; numbers stay numbers."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from clientcrm.io.cells import safe_cell
from clientcrm.io.workbook import write_workbook
from clientcrm.models.client import Client
from clientcrm.models.purchases import ExternalPurchase, PurchaseMetrics
from clientcrm.models.workspace import Workspace
from clientcrm.rules.status import status_pill

__all__ = [
    "CLIENT_COLUMNS",
    "PURCHASE_COLUMNS",
    "PURCHASE_METRIC_COLUMNS",
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


def client_rows(
    clients: Iterable[Client], workspace: Workspace, now: datetime
) -> Iterator[list[str | int | Decimal]]:
    """Each client as a row of `CLIENT_COLUMNS`: text as text, figures as numbers, the status
    pill as of ``now`` and dates in the workspace's timezone."""
    tz, policy = workspace.tz, workspace.policies.status
    for client in clients:
        f = client.figures
        yield [
            client.name,
            client.email,
            client.phone or "",
            f.bookings,
            f.spend,
            _date(f.first_booking_at, workspace),
            _date(f.last_booking_at, workspace),
            status_pill(f, now, tz, policy).value,
            ", ".join(sorted(client.tags)),
        ]


def write_clients(
    clients: Iterable[Client], out: TextIO, workspace: Workspace, now: datetime
) -> int:
    """Write ``clients`` to ``out`` (opened with ``newline=""``) as CSV (`client_rows`), text
    cells neutralised; return how many were written."""
    return write_csv(CLIENT_COLUMNS, client_rows(clients, workspace, now), out)


def write_csv(
    columns: Sequence[str], rows: Iterable[Sequence[str | int | Decimal]], out: TextIO
) -> int:
    """Write the header and ``rows`` to ``out`` (opened with ``newline=""``) as CSV, text
    cells neutralised, numbers as plain numbers; return how many rows were written."""
    writer = csv.writer(out)
    writer.writerow(columns)
    written = 0
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
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
            _date(purchase.purchased_at, workspace),
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
    clients: Iterable[Client], path: Path, workspace: Workspace, now: datetime
) -> int:
    """Write ``clients`` to an Excel workbook at ``path`` (the ``xlsx`` extra): every text
    cell is text, never a formula, so no quote is needed; return how many were written."""
    counted = _Counted(client_rows(clients, workspace, now))
    write_workbook(path, CLIENT_COLUMNS, counted)
    return counted.count


def _csv_cell(value: str | int | Decimal) -> str | int:
    if isinstance(value, str):
        return safe_cell(value)
    return f"{value:f}" if isinstance(value, Decimal) else value


class _Counted(Iterator[list[str | int | Decimal]]):
    """Rows passed through, counted."""

    def __init__(self, rows: Iterator[list[str | int | Decimal]]) -> None:
        self._rows, self.count = rows, 0

    def __next__(self) -> list[str | int | Decimal]:
        row = next(self._rows)
        self.count += 1
        return row


def _date(moment: datetime | None, workspace: Workspace) -> str:
    return moment.astimezone(workspace.tz).date().isoformat() if moment else ""
