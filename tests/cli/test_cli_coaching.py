"""``clientcrm pt``: the demo's trainer, their roster, a programme and a client's progress."""

import json
from pathlib import Path

from commandline import invoke

from clientcrm.testing.demo import TRAINER

PT = ["pt", "--trainer", TRAINER]


def _roster(db: Path) -> list[dict[str, str]]:
    code, out, err = invoke(["--db", str(db), *PT, "roster", "--json"])
    assert code == 0, err
    found: list[dict[str, str]] = json.loads(out)
    return found


def test_the_demo_trainer_has_a_roster_with_progress(db: Path) -> None:
    roster = _roster(db)
    assert len(roster) == 5
    assert {r["trainer_id"] for r in roster} == {TRAINER}
    code, out, err = invoke(["--db", str(db), "clients", "--json", "--limit", "500"])
    emails = {c["id"]: c["email"] for c in json.loads(out)["clients"]}
    email = emails[roster[0]["client_id"]]
    code, out, err = invoke(["--db", str(db), *PT, "progress", email, "--json"])
    assert code == 0, err
    page = json.loads(out)
    assert page["best_lifts"]
    assert {s["metric"] for s in page["latest_health"]} == {"hrv", "sleep", "recovery"}
    assert page["habits"]
    assert page["programmes"][0]["name"] == "Strength base"
    code, out, _ = invoke(["--db", str(db), *PT, "progress", email])
    assert "Best lifts" in out
    assert "Back squat" in out


def test_roster_add_remove_and_a_programme(own_db: Path, tmp_path: Path) -> None:
    base = ["--db", str(own_db), *PT]
    code, out, err = invoke([*base, "roster", "add", "nia@example.com", "--name", "Nia Jones",
                             "--timezone", "America/New_York"])  # fmt: skip
    assert code == 0, err
    assert "Nia Jones" in out
    assert len(_roster(own_db)) == 6
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([
        {"name": "Week 1", "sessions": [
            {"name": "Full body", "exercises": [{"name": "Goblet squat", "prescription": "3x10"}]}
        ]}
    ]))  # fmt: skip
    code, out, err = invoke([*base, "programme", "save", str(plan), "--name", "Starter"])
    assert code == 0, err
    programme_id = out.split("(id ")[1].rstrip(").\n")
    assert invoke([*base, "programme", "assign", programme_id, "nia@example.com"])[0] == 0
    code, out, _ = invoke([*base, "programme", "show", programme_id, "--json"])
    shown = json.loads(out)
    assert shown["version"] == 1
    assert len(shown["client_ids"]) == 1
    assert invoke([*base, "roster", "remove", "nia@example.com"])[0] == 0
    assert len(_roster(own_db)) == 5


def test_mistakes_are_one_line(own_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a list"}')
    cases = [
        ([*PT, "programme", "save", str(bad), "--name", "X"], "not a list of blocks"),
        (["pt", "roster", "add", "x@example.com"], "personal trainer"),  # the owner manages none
        (["pt", "--trainer", "pt-other", "progress", "nobody@example.com"], "not found"),
        ([*PT, "roster", "add", "x@example.com", "--timezone", "Mars/Olympus"], "timezone"),
    ]
    for args, expected in cases:
        code, _, err = invoke(["--db", str(own_db), *args])
        assert code == 2, args
        assert expected in err, err
        assert "Traceback" not in err
