"""The client list as CSV (SPEC section 12, seed 000): what owners take to Mailchimp, Google
Sheets or their accountant. Text cells are neutralised against formula injection; numbers
stay numbers."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from clientcrm.io.cells import safe_cell
from clientcrm.models.client import Client
from clientcrm.models.workspace import Workspace
from clientcrm.rules.status import status_pill

__all__ = ["CLIENT_COLUMNS", "write_clients"]

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


def write_clients(
    clients: Iterable[Client], out: TextIO, workspace: Workspace, now: datetime
) -> int:
    """Write ``clients`` to ``out`` (opened with ``newline=""``) as CSV, the status pill as
    of ``now`` and dates in the workspace's timezone; return how many were written."""
    writer = csv.writer(out)
    writer.writerow(CLIENT_COLUMNS)
    tz, policy = workspace.tz, workspace.policies.status
    written = 0
    for client in clients:
        f = client.figures
        writer.writerow(
            [
                safe_cell(client.name),
                safe_cell(client.email),
                safe_cell(client.phone or ""),
                f.bookings,
                f"{f.spend:f}",
                _date(f.first_booking_at, workspace),
                _date(f.last_booking_at, workspace),
                status_pill(f, now, tz, policy).value,
                safe_cell(", ".join(sorted(client.tags))),
            ]
        )
        written += 1
    return written


def _date(moment: datetime | None, workspace: Workspace) -> str:
    return moment.astimezone(workspace.tz).date().isoformat() if moment else ""
