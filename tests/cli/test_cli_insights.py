"""``clientcrm insights``: the same figures as the library, as tables, JSON and a PNG."""

import json
from pathlib import Path

from commandline import invoke
from PIL import Image

from clientcrm import CRM, Actor
from clientcrm.stores.sql import SQLStore


def _library_insights(db: Path) -> dict[str, object]:
    crm = CRM(SQLStore(f"sqlite:///{db}"))
    found = crm.insights(Actor.owner("studio"))
    return {
        "clients": found.overview.clients,
        "completed": found.overview.completed,
        "recurring": found.overview.recurring_clients,
        "top": [t.email for t in found.top_clients],
    }


def test_json_is_what_the_library_answers(db: Path) -> None:
    code, out, err = invoke(["--db", str(db), "insights", "--json"])
    assert code == 0, err
    data = json.loads(out)
    overview = data["insights"]["overview"]
    expected = _library_insights(db)
    assert overview["clients"] == expected["clients"]
    assert overview["completed"] == expected["completed"]
    assert [t["email"] for t in data["insights"]["top_clients"]] == expected["top"]
    assert expected["recurring"] > 0  # the demo's regulars book a weekly class ahead
    assert set(data) == {
        "insights", "slipping", "cohorts", "monthly_bookings", "spend_distribution"
    }  # fmt: skip
    assert data["cohorts"]["timezone"] == "Europe/London"


def test_tables_and_a_png_of_every_plot(db: Path, tmp_path: Path) -> None:
    png = tmp_path / "insights.png"
    code, out, err = invoke(["--db", str(db), "insights", "--plot", str(png), "--slipping", "3"])
    assert code == 0, err
    for heading in ("Completion rate", "Top clients", "At-risk clients", "Journey"):
        assert heading in out
    assert f"Plots written to {png}" in out
    with Image.open(png) as image:
        assert image.size[0] > 1000


def test_an_unwritable_plot_path_is_one_line(db: Path, tmp_path: Path) -> None:
    code, _, err = invoke(
        ["--db", str(db), "insights", "--plot", str(tmp_path / "missing" / "x.png")]
    )
    assert code == 2
    assert "cannot write" in err
    assert "Traceback" not in err
