"""The clientcrm command: every command works, and user mistakes are one line, exit 2."""

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from commandline import invoke, invoke_process

from clientcrm.cli.app import cli, run
from pdfs import pdf_text


def clients(db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = invoke(["--db", str(db), "clients", "--json", *args])
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)["clients"]
    return rows


def test_demo_prints_the_table_the_summary_and_next_steps(tmp_path: Path) -> None:
    """demo, run as the console script in its own process, fills a fresh file and tells the
    user what to try next."""
    code, out, _ = invoke_process(["--db", str(tmp_path / "d.db"), "demo", "--clients", "40"])
    assert code == 0
    for expected in ("Most recent clients", "Completion rate", "Top clients", "Try next:"):
        assert expected in out


def test_demo_will_not_overwrite_without_force(db: Path) -> None:
    """An existing file is kept unless --force."""
    code, _, err = invoke(["--db", str(db), "demo"])
    assert code == 2
    assert "--force" in err


def test_clients_filters_sorts_and_pages(db: Path) -> None:
    """JSON output honours the status filter, the sort and the page size."""
    lapsed = clients(db, "--status", "lapsed", "--sort", "spend", "--limit", "5")
    assert 0 < len(lapsed) <= 5
    assert all(c["status"] == "lapsed" for c in lapsed)
    spends = [float(c["figures"]["spend"]) for c in lapsed]
    assert spends == sorted(spends, reverse=True)
    code, out, _ = invoke(["--db", str(db), "clients", "--limit", "3"])
    assert code == 0
    assert "More: --cursor" in out


def test_show_add_note_and_tag(db: Path) -> None:
    """A client can be added, tagged, noted and shown."""
    base = ["--db", str(db)]
    assert invoke([*base, "add", "--name", "Zoë Müller", "--email", "zoe@example.com"])[0] == 0
    assert invoke([*base, "tag", "add", "zoe@example.com", "Beginner", "Injury"])[0] == 0
    assert invoke([*base, "tag", "remove", "zoe@example.com", "Injury"])[0] == 0
    assert invoke([*base, "note", "add", "zoe@example.com", "Knee surgery in May", "--pin"])[0] == 0
    code, out, _ = invoke([*base, "note", "list", "zoe@example.com", "--json"])
    assert code == 0
    assert [n["text"] for n in json.loads(out)] == ["Knee surgery in May"]
    code, out, _ = invoke([*base, "show", "zoe@example.com", "--json"])
    assert code == 0
    detail = json.loads(out)
    assert detail["client"]["tags"] == ["Beginner"]
    assert detail["status"] == "new"
    assert [c["email"] for c in clients(db, "--tag", "Beginner", "--search", "zoe")] == [
        "zoe@example.com"
    ]
    code, out, _ = invoke([*base, "show", "zoe@example.com"])
    assert "Zoë Müller" in out


def test_journey_stages_conversion_history_and_the_daily_job(db: Path, tmp_path: Path) -> None:
    """journey shows the stage mix, a conversion table and one client's history; the stage
    filter agrees with it; milestones run catches up once and then finds nothing due."""
    code, out, _ = invoke(["--db", str(db), "journey", "--json"])
    assert code == 0
    mix = json.loads(out)
    assert list(mix) == [
        "discovery",
        "engagement",
        "activation",
        "retention",
        "advocacy",
        "churned",
    ]
    churned = clients(db, "--stage", "churned", "--limit", "500")
    assert len(churned) == mix["churned"] > 0
    assert all(c["journey"]["stage"] == "churned" for c in churned)
    email = churned[0]["email"]
    code, out, _ = invoke(["--db", str(db), "journey", "show", email, "--json"])
    view = json.loads(out)
    assert view["changes"][0]["stage"] == "discovery"
    assert view["changes"][-1]["stage"] == "churned"
    assert view["changes"][-1]["trigger"] == "inactive"
    code, out, _ = invoke(["--db", str(db), "journey", "show", email])
    assert "Stage history" in out
    assert "Milestones" in out
    assert f"{view['journey']['points']} points earned" in out
    code, out, _ = invoke(
        ["--db", str(db), "journey", "conversion", "--from", "2020-01-01", "--to", "2100-01-01"]
    )
    assert code == 0
    assert "Discovery" in out
    later = tmp_path / "later.db"
    later.write_bytes(db.read_bytes())
    run_later = ["--db", str(later), "milestones", "run", "--now", "2100-01-01", "--json"]
    code, out, _ = invoke(run_later)
    assert code == 0
    assert json.loads(out)["examined"] > 0
    code, out, _ = invoke(run_later)
    assert json.loads(out) == {
        "examined": 0,
        "stage_changes": 0,
        "milestones": 0,
        "credits_expired": 0,
    }
    code, out, _ = invoke(["--db", str(later), "journey", "--json"])
    assert json.loads(out)["churned"] == sum(json.loads(out).values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["journey", "conversion", "--from", "2026-02-01", "--to", "2026-01-01"], "end"),
        (["journey", "show", "nobody@example.com"], "client not found"),
        (["clients", "--stage", "sleepy"], "Invalid value"),
        (["show", "nobody@example.com"], "client not found"),
        (["clients", "--status", "sleepy"], "Invalid value"),
        (["clients", "--min-bookings", "5", "--max-bookings", "1"], "bookings_min"),
        (["clients", "--cursor", "garbage"], "cursor"),
        (["add", "--name", "X", "--email", "not-an-email"], "email"),
        (["note", "add", "nobody@example.com", "hi"], "client not found"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(db: Path, args: list[str], message: str) -> None:
    """Each mistake prints one clear line on stderr, no traceback, and exits 2."""
    code, _, err = invoke(["--db", str(db), *args])
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_unreadable_or_missing_databases_are_one_line(tmp_path: Path) -> None:
    """A missing file and a file that is not a database each get one line and exit 2."""
    code, _, err = invoke(["--db", str(tmp_path / "missing.db"), "clients"])
    assert (code, "no database" in err) == (2, True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 1000)
    code, _, err = invoke_process(["--db", str(junk), "clients"])  # a real process's output
    assert code == 2
    assert "database problem" in err
    assert "Traceback" not in err


def test_every_command_is_documented() -> None:
    """docs/cli.md has a section for every command and subcommand."""
    doc = (Path(__file__).parents[2] / "docs" / "cli.md").read_text()
    for name, command in cli.commands.items():
        assert f"clientcrm {name}" in doc, name
        for sub in getattr(command, "commands", {}):
            assert f"clientcrm {name} {sub}" in doc, f"{name} {sub}"


def test_run_exits_2_on_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """run() itself turns click's usage errors into exit status 2."""
    with pytest.raises(SystemExit) as done:
        run(["clients", "--no-such-option"])
    assert done.value.code == 2
    assert "No such option" in capsys.readouterr().err


def test_a_missing_extra_prints_the_install_line() -> None:
    """Without click installed, the command says which extra to install and exits 1."""
    probe = "import sys; sys.modules['click'] = None; from clientcrm.cli.main import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert 'pip install "clientcrm[cli]"' in done.stderr


def test_credits_add_adjust_pause_resume_extend_and_show(db: Path) -> None:
    """A package through its life on the command line; the list's credit tabs agree; a
    mistake is one line, not a traceback."""
    email = clients(db, "--limit", "1")[0]["email"]
    code, out, err = invoke(
        ["--db", str(db), "credits", "add", email, "10", "--name", "10-class pass",
         "--expires", "2031-06-30"]
    )  # fmt: skip
    assert code == 0, err
    package_id = out.split()[1].rstrip(":")
    steps = [
        ["adjust", package_id, "--reason", "Missed class", "--", "-2"],
        ["pause", package_id],
        ["resume", package_id],
        ["extend", package_id, "2031-12-31", "--reason", "Injury"],
    ]
    for step in steps:
        code, out, err = invoke(["--db", str(db), "credits", *step])
        assert code == 0, err
    assert "8 of 10 credits left, active, expires 2031-12-31" in out
    code, out, _ = invoke(["--db", str(db), "credits", "show", email, "--json"])
    shown = json.loads(out)
    kinds = [e["kind"] for e in shown["history"] if e["package_id"] == package_id]
    assert kinds == ["purchase", "adjust", "pause", "resume", "extend"]
    assert shown["credits"]["available"] >= 8
    code, out, _ = invoke(["--db", str(db), "credits", "show", email])
    assert "10-class pass" in out
    with_credits = {c["email"] for c in clients(db, "--with-credits", "--limit", "500")}
    without = {c["email"] for c in clients(db, "--no-credits", "--limit", "500")}
    assert email in with_credits
    assert email not in without
    code, _, err = invoke(["--db", str(db), "credits", "pause", "no-such-package"])
    assert code == 2
    assert err.strip() == "Error: credit package not found: no-such-package"


def test_import_clients_previews_imports_and_summarises(own_db: Path, tmp_path: Path) -> None:
    """A German cp1252, semicolon-separated export: the dry run changes nothing, the real
    run creates the new client, and the summary CSV neutralises formula-like cells."""
    export = tmp_path / "kunden.csv"
    export.write_bytes(
        "Vorname;Nachname;E-Mail\nJürgen;Groß;jg@example.de\nJ.;Groß;JG@example.de\n"
        "Eve;;=1+1@x\n".encode("cp1252")
    )
    code, out, err = invoke(["--db", str(own_db), "import", "clients", str(export), "--dry-run"])
    assert code == 0, err
    assert "Would create 1, would update 0, skipped 1, failed 1" in out
    code, out, _ = invoke(["--db", str(own_db), "import", "clients", str(export), "--atomic"])
    assert "--atomic: rows failed, so nothing was written" in out
    assert clients(own_db, "--search", "jürgen") == []
    summary = tmp_path / "summary.csv"
    args = ["--db", str(own_db), "import", "clients", str(export), "--summary", str(summary)]
    code, out, err = invoke([*args, "--json"])
    assert code == 0, err
    assert json.loads(out)["report"]["created"] == 1
    [found] = clients(own_db, "--search", "jürgen")
    assert (found["name"], found["source"]) == ("Jürgen Groß", "import")
    assert "'=1+1@x" in summary.read_text()
    code, _, err = invoke(["--db", str(own_db), "import", "clients", str(export), "--map", "oops"])
    assert code == 2
    assert "HEADER=FIELD" in err


def test_export_clients_writes_the_selection_as_csv(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "lapsed.csv"
    code, printed, err = invoke(
        ["--db", str(db), "export", "clients", str(out), "--status", "lapsed"]
    )
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as written:
        rows = list(csv.DictReader(written))
    lapsed = clients(db, "--status", "lapsed", "--limit", "500")
    assert f"Exported {len(rows)} clients" in printed
    assert {r["Email"] for r in rows} == {c["email"] for c in lapsed}
    assert {r["Status"] for r in rows} == {"lapsed"}


def test_import_and_export_purchases(own_db: Path, tmp_path: Path) -> None:
    """A Hotmart export becomes buyers and purchases; importing it again changes nothing;
    the export writes them back with each buyer's metrics."""
    sales = tmp_path / "vendas.csv"
    sales.write_text(
        "Transação;Produto;Nome;Email;Status;Data da Venda;Preço;Moeda\n"
        "HP1;Yoga em Casa;Ana Sousa;ana@example.com;Aprovado;25/10/2025;97,00;GBP\n"
        "HP2;Yoga em Casa;Ana Sousa;ana@example.com;Reembolsado;26/10/2025;47,00;GBP\n"
        "HP4;Yoga em Casa;Ana Sousa;ana@example.com;Aprovado;27/10/2025;120,00;BRL\n"
        "HP3;Yoga em Casa;Bo;bo@example.com;Perdido;26/10/2025;47,00;EUR\n",
        encoding="utf-8",
    )
    base = ["--db", str(own_db), "import", "purchases", str(sales)]
    code, out, err = invoke(base)
    assert code == 0, err
    assert "Created 3, updated 0, skipped 0, failed 1" in out
    assert "'Perdido' is not a status" in out
    assert "Created 0, updated 0, skipped 3, failed 1" in invoke(base)[1]
    exported, metrics = tmp_path / "purchases.csv", tmp_path / "buyers.csv"
    args = [
        "--db",
        str(own_db),
        "export",
        "purchases",
        str(exported),
        "--metrics",
        str(metrics),
    ]
    code, out, err = invoke(args)
    assert code == 0, err
    with exported.open(encoding="utf-8", newline="") as written:
        rows = list(csv.DictReader(written))
    assert [(r["Transaction ID"], r["Status"], r["Price"]) for r in rows] == [
        ("HP1", "completed", "97.00"),
        ("HP2", "refunded", "47.00"),
        ("HP4", "completed", "120.00"),
    ]
    with metrics.open(encoding="utf-8", newline="") as written:
        [ana] = list(csv.DictReader(written))
    assert (ana["Email"], ana["Active revenue"], ana["Lost revenue"]) == (
        "ana@example.com",
        "97.00",
        "47.00",
    )
    assert (ana["Lifetime value"], ana["Other currencies"]) == ("97.00", "120.00 BRL")


def test_timeline_pages_filters_and_writes_csv_and_pdf(db: Path, tmp_path: Path) -> None:
    """Paging with --after walks the whole feed; --csv and --pdf write all of it."""
    [client] = clients(db, "--sort", "bookings", "--limit", "1")
    base = ["--db", str(db), "timeline", client["email"]]
    seen: list[dict[str, Any]] = []
    cursor: list[str] = []
    while True:
        code, out, err = invoke([*base, "--json", "--limit", "7", *cursor])
        assert code == 0, err
        page = json.loads(out)
        seen += [item for day in page["days"] for item in day["items"]]
        if page["next_cursor"] is None:
            break
        cursor = ["--after", page["next_cursor"]]
    assert sum(page["counts"].values()) == len(seen)
    assert [i["at"] for i in seen] == sorted((i["at"] for i in seen), reverse=True)
    code, out, _ = invoke([*base, "--json", "--type", "booking", "--limit", "1000"])
    bookings = [i for day in json.loads(out)["days"] for i in day["items"]]
    assert {i["kind"] for i in bookings} == {"booking"}
    assert len(bookings) == page["counts"]["booking"]
    written, printable = tmp_path / "feed.csv", tmp_path / "feed.pdf"
    code, out, err = invoke([*base, "--csv", str(written), "--pdf", str(printable)])
    assert code == 0, err
    with written.open(encoding="utf-8", newline="") as rows:
        assert len(list(csv.DictReader(rows))) == len(seen)
    assert client["name"] in pdf_text(printable)
    code, _, err = invoke(["--db", str(db), "timeline", "nobody@example.com"])
    assert code == 2
    assert err.count("\n") == 1


def test_export_client_then_erase(own_db: Path, tmp_path: Path) -> None:
    """export-client writes everything held; erase asks first, then leaves no trace."""
    [client] = clients(own_db, "--sort", "bookings", "--limit", "1")
    email = client["email"]
    out = tmp_path / "client.json"
    code, _, err = invoke(["--db", str(own_db), "export-client", email, "--out", str(out)])
    assert code == 0, err
    held = json.loads(out.read_text(encoding="utf-8"))
    assert held["client"]["email"] == email
    assert len(held["bookings"]) >= client["figures"]["bookings"]
    code, _, _ = invoke(["--db", str(own_db), "erase", email])  # no terminal: the answer is no
    assert code == 1
    assert clients(own_db, "--search", email) != []
    code, out_text, err = invoke(["--db", str(own_db), "erase", email, "--yes"])
    assert code == 0, err
    assert "Erased client" in out_text
    assert clients(own_db, "--search", email) == []
    code, _, err = invoke(["--db", str(own_db), "export-client", email])
    assert code == 2
    assert err == f"Error: client not found: {email}\n"


def test_an_import_is_listed_and_undone(own_db: Path, tmp_path: Path) -> None:
    """The import prints how to undo it; the undo removes what it created."""
    export = tmp_path / "members.csv"
    export.write_text("Name,Email\nAna Lima,ana@example.com\nBo Chen,bo@example.com\n")
    code, out, err = invoke(["--db", str(own_db), "import", "clients", str(export)])
    assert code == 0, err
    code, listed, _ = invoke(["--db", str(own_db), "import", "runs", "--json"])
    [run] = json.loads(listed)
    assert (run["source"], run["state"], run["report"]["created"]) == ("members.csv", "done", 2)
    assert f"clientcrm import undo {run['id']}" in out
    code, out, err = invoke(["--db", str(own_db), "import", "undo", run["id"]])
    assert code == 0, err
    assert "Removed 2 clients, put back 0 records, kept 0." in out
    assert clients(own_db, "--search", "ana@example.com") == []
    assert clients(own_db, "--search", "bo@example.com") == []
    code, _, err = invoke(["--db", str(own_db), "import", "undo", "no-such-run"])
    assert code == 2
    assert err.count("\n") == 1


def test_import_bookings_carries_the_history_over(own_db: Path, tmp_path: Path) -> None:
    visits = tmp_path / "visits.csv"
    visits.write_text(
        "Start Time,First Name,Last Name,Email,Type,Calendar,Appointment Price\n"
        "2026-02-03 18:00,Ana,Lima,ana@example.com,Vinyasa Flow,Alex,18.50\n"
        "2026-02-10 18:00,Ana,Lima,ana@example.com,Vinyasa Flow,Alex,18.50\n"
    )
    base = ["--db", str(own_db), "import", "bookings", str(visits)]
    code, out, err = invoke([*base, "--dry-run"])
    assert code == 0, err
    assert "Would create 2, would update 0, skipped 0, failed 0" in out
    assert "'Start Time' as starts_at" in out
    assert invoke(base)[0] == 0
    [ana] = clients(own_db, "--search", "ana@example.com")
    assert (ana["name"], ana["figures"]["bookings"], ana["figures"]["spend"]) == (
        "Ana Lima",
        2,
        "37.00",
    )
