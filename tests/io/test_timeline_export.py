"""A client's feed written out: CSV rows, and a PDF whose text a reader can extract."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from clientcrm import CRM, Actor, Workspace
from clientcrm.io import TIMELINE_COLUMNS, timeline_rows, write_csv, write_timeline_pdf
from clientcrm.models.timeline import TimelineQuery
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance import event
from pdfs import pdf_text, render_page

OWNER = Actor.owner("studio")
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
NAME = "Zoë Müller-López"


@pytest.fixture
def crm() -> CRM:
    crm = CRM(MemoryStore(), clock=FrozenClock(NOW))
    crm.save_workspace(Workspace("studio", "Estúdio Lua", timezone="Europe/Berlin"), OWNER)
    for n in range(40):  # enough history for a second page
        at = NOW - timedelta(days=60 - n, hours=3)
        mine = {"email": "zoe@example.com", "name": NAME, "starts_at": at}
        crm.record(event("booked", f"b{n}", at=at - timedelta(days=1), **mine), OWNER)
        crm.record(event("completed", f"b{n}", at=at, **mine), OWNER)
        crm.record(event("paid", f"b{n}", at=at, amount="18.50", **mine), OWNER)
    zoe = crm.find_client("zoe@example.com", OWNER)
    crm.add_note(zoe.id, "Ärger mit dem Knie, keine tiefen Ausfallschritte", OWNER)
    return crm


def test_the_feed_as_csv(crm: CRM) -> None:
    zoe = crm.find_client("zoe@example.com", OWNER)
    items = crm.timeline(zoe.id, OWNER, TimelineQuery(limit=10_000)).items
    out = io.StringIO(newline="")
    assert write_csv(TIMELINE_COLUMNS, timeline_rows(items, crm.workspace(OWNER)), out) == len(
        items
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    note = next(r for r in rows if r["Type"] == "note")
    assert note["Details"].startswith("Ärger mit dem Knie")
    booking = next(r for r in rows if r["Type"] == "booking")
    assert (booking["Time"], booking["Amount"], booking["Currency"]) == ("10:00", "18.50", "EUR")


def test_the_feed_as_a_pdf_a_person_can_read(crm: CRM, tmp_path: Path) -> None:
    zoe = crm.find_client("zoe@example.com", OWNER)
    items = crm.timeline(zoe.id, OWNER, TimelineQuery(limit=10_000)).items
    path = tmp_path / "zoe.pdf"
    write_timeline_pdf(path, zoe, items, crm.workspace(OWNER), NOW)
    text = pdf_text(path)
    assert NAME in text  # accents render
    assert "zoe@example.com" in text
    assert "Lifetime spend" in text
    assert "740.00 EUR" in text  # 40 bookings at 18.50
    assert "Ärger mit dem Knie" in text
    assert "Friday 20 March 2026" in text  # the note's day, in Berlin
    assert "page 2 of" in text  # the history runs over pages, numbered
    png = render_page(path, tmp_path / "zoe.png")
    with Image.open(png) as image:
        assert image.size[0] > 800
        low, high = image.convert("L").getextrema()
        assert (low, high) == (0, 255) or high - low > 100  # ink on paper, not a blank page
