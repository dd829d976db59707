"""The reference dashboard in a real browser: the list, a tag filter, a client, a pinned
note, the CSV export and the insights page, with screenshots checked for what they show."""

import csv
import io
from pathlib import Path
from typing import Any

from PIL import Image
from starlette.testclient import TestClient

from clientcrm.io import CLIENT_COLUMNS

PINNED_YELLOW = (0xFE, 0xF9, 0xC3)
PILL_COLOURS = {
    "new": (0x3B, 0x82, 0xF6),
    "active": (0x10, 0xB9, 0x81),
    "regular": (0x8B, 0x5C, 0xF6),
    "lapsed": (0x9C, 0xA3, 0xAF),
}


def _colours(png: Path) -> set[tuple[int, int, int]]:
    with Image.open(png) as image:
        return {colour for _, colour in image.convert("RGB").getcolors(maxcolors=10_000_000)}


def test_list_tag_filter_client_pinned_note_and_export(
    server: str, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(server + "/")
    rows = page.locator("table.clients tbody tr")
    assert rows.count() == 25
    assert page.locator(".avatar").first.inner_text().isalpha()
    page.screenshot(path=tmp_path / "list.png", full_page=True)
    shown = _colours(tmp_path / "list.png")
    assert any(colour in shown for colour in PILL_COLOURS.values())  # the status pills

    page.fill("input[name=tag]", "Beginner")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**tag=Beginner**")
    tagged = page.locator("table.clients tbody tr")
    assert 0 < tagged.count() < 25
    for n in range(tagged.count()):
        assert "Beginner" in tagged.nth(n).inner_text()

    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "clients.csv"
    download.value.save_as(exported)
    with exported.open(newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == list(CLIENT_COLUMNS)
    assert len(table) - 1 == tagged.count()
    tags = table[0].index("Tags")
    assert all("Beginner" in row[tags] for row in table[1:])

    first = tagged.first.locator("a").first
    name = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text().startswith(name)
    page.fill("textarea[name=text]", "Prefers the corner spot by the window")
    page.check("input[name=pinned]")
    page.click("button:has-text('Add note')")
    pinned = page.locator(".note.pinned").first
    assert "Prefers the corner spot by the window" in pinned.inner_text()
    assert "Pinned" in pinned.inner_text()
    pinned.screenshot(path=tmp_path / "note.png")
    assert PINNED_YELLOW in _colours(tmp_path / "note.png")  # it is shown pinned
    page.close()


def test_insights_page_shows_cards_lists_and_every_plot(
    server: str, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/insights")
    cards = page.locator(".cards").first.inner_text()
    for label in ("Total clients", "Total bookings", "Completion rate", "Recurring clients"):
        assert label in cards
    assert page.locator("ol.top li").count() == 5
    images = page.locator(".plots img")
    assert images.count() == 5
    for n in range(images.count()):
        images.nth(n).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=images.nth(n).element_handle()
        )
    page.screenshot(path=tmp_path / "insights.png", full_page=True)
    with Image.open(tmp_path / "insights.png") as shot:
        assert shot.size[1] > 1500  # the plots are laid out below the lists
    assert len(_colours(tmp_path / "insights.png")) > 500  # drawn plots, not blank boxes
    page.close()


def test_bad_input_gets_a_page_not_a_crash(dashboard_app: Any) -> None:
    client = TestClient(dashboard_app)
    assert client.get("/?sort=nonsense").status_code == 400
    assert client.get("/clients/nobody").status_code == 404
    assert client.get("/plots/nothing.png").status_code == 404
    first = client.get("/")
    assert first.status_code == 200
    href = first.text.split('href="/clients/', 1)[1].split('"', 1)[0]
    empty = client.post(f"/clients/{href}/notes", data={"text": "   "})
    assert empty.status_code == 400
    assert "text" in empty.text
    csv_text = client.get("/clients.csv?status=regular").text
    rows = list(csv.reader(io.StringIO(csv_text)))
    status = rows[0].index("Status")
    assert rows[1:]
    assert {row[status] for row in rows[1:]} == {"regular"}
