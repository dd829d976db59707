"""A client's feed written out: as CSV, and as a PDF a person would be happy to print (the
``pdf`` extra, fpdf2, with the DejaVu Sans font so every name renders, accents and all)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

from clientcrm.errors import ValidationError
from clientcrm.models.client import Client
from clientcrm.models.timeline import FeedItem
from clientcrm.models.workspace import Workspace
from clientcrm.rules.status import status_pill

__all__ = ["TIMELINE_COLUMNS", "timeline_rows", "write_timeline_pdf"]

TIMELINE_COLUMNS = ("Date", "Time", "Type", "Title", "Details", "Amount", "Currency")
"""The header row of a client's feed as CSV."""

_FONTS = Path(__file__).parent / "fonts"
_MARGIN = 15.0
_KEEP_WITH_HEADING = 22.0
"""The height (mm) a day's heading needs below it for its first item."""


def timeline_rows(
    items: Iterable[FeedItem], workspace: Workspace
) -> Iterator[list[str | int | Decimal]]:
    """Each item as a row of `TIMELINE_COLUMNS`, in the workspace's timezone."""
    for item in items:
        local = item.at.astimezone(workspace.tz)
        yield [
            local.date().isoformat(),
            local.strftime("%H:%M"),
            item.kind.value,
            item.title,
            item.detail,
            "" if item.amount is None else item.amount.amount,
            "" if item.amount is None else item.amount.currency,
        ]


def write_timeline_pdf(
    path: Path,
    client: Client,
    items: Sequence[FeedItem],
    workspace: Workspace,
    now: datetime,
) -> None:
    """Write the client's feed to a PDF at ``path``: a header with the client and their
    figures, then the history by day (newest first) in the workspace's timezone, with page
    numbers.

    Raises:
        ValidationError: the ``pdf`` extra (fpdf2) is not installed.
    """
    try:
        from fpdf import FPDF  # noqa: PLC0415 - an optional extra, loaded when a PDF is asked for
    except ImportError:
        raise ValidationError("pdf", "install clientcrm[pdf] to write PDF files") from None

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(120)
            footer = f"{client.name} · {workspace.name} · page {self.page_no()} of {{nb}}"
            self.cell(0, 6, footer, align="C")

    pdf = _Document(format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("DejaVu", "", _FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", _FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(f"{client.name}: timeline")
    pdf.set_creator("clientcrm")
    pdf.add_page()
    _header(pdf, client, workspace, now)
    _history(pdf, items, workspace)
    pdf.output(str(path))


def _header(pdf: Any, client: Client, workspace: Workspace, now: datetime) -> None:
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 10, client.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(90)
    contact = " · ".join(p for p in (client.email, client.phone or "") if p)
    pdf.cell(0, 6, contact, new_x="LMARGIN", new_y="NEXT")
    f, tz = client.figures, workspace.tz
    pill = status_pill(f, now, tz, workspace.policies.status)
    figures = [
        ("Status", pill.value.replace("_", " ").capitalize()),
        ("Bookings", str(f.bookings)),
        ("Lifetime spend", f"{f.spend:.2f} {workspace.currency}"),
        ("First booking", _day(f.first_booking_at, workspace)),
        ("Last booking", _day(f.last_booking_at, workspace)),
        ("Client since", _day(client.created_at, workspace)),
    ]
    if client.tags:
        figures.append(("Tags", ", ".join(sorted(client.tags))))
    pdf.ln(2)
    pdf.set_text_color(0)
    for label, value in figures:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(35, 5.5, label)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_draw_color(200)
    pdf.line(_MARGIN, pdf.get_y(), pdf.w - _MARGIN, pdf.get_y())
    pdf.ln(4)


def _history(pdf: Any, items: Sequence[FeedItem], workspace: Workspace) -> None:
    tz = workspace.tz
    if not items:
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, "Nothing has happened yet.", new_x="LMARGIN", new_y="NEXT")
        return
    for day, group in groupby(items, key=lambda i: i.at.astimezone(tz).date()):
        if pdf.will_page_break(_KEEP_WITH_HEADING):
            pdf.add_page()  # never a day's heading alone at the foot of a page
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_text_color(0)
        pdf.cell(0, 8, day.strftime("%A %d %B %Y"), new_x="LMARGIN", new_y="NEXT")
        for item in group:
            pdf.set_font("DejaVu", "", 9)
            pdf.set_text_color(110)
            pdf.cell(14, 5, item.at.astimezone(tz).strftime("%H:%M"))
            pdf.cell(24, 5, item.kind.value.replace("_", " "))
            pdf.set_text_color(0)
            amount = "" if item.amount is None else f"   {item.amount}"
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(0, 5, item.title + amount, new_x="LMARGIN", new_y="NEXT")
            if item.detail:
                pdf.set_font("DejaVu", "", 9)
                pdf.set_x(_MARGIN + 38)
                pdf.multi_cell(0, 5, item.detail, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(2)


def _day(moment: datetime | None, workspace: Workspace) -> str:
    return moment.astimezone(workspace.tz).strftime("%d %b %Y") if moment else "-"
