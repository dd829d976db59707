"""``clientcrm message``: one client or a selection, through a real SMTP server on loopback."""

import json
from pathlib import Path

from commandline import invoke

from mailserver import smtp_server

REPLY = "owner@lotus.example"


def _smtp(port: int) -> list[str]:
    return [
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none",
        "--from-address", "hello@lotus.example", "--reply-to", REPLY,
    ]  # fmt: skip


def _body(tmp_path: Path) -> Path:
    body = tmp_path / "body.txt"
    body.write_text("Hi {first_name}, noticed you have not been in for a while.\n")
    return body


def test_one_client_then_the_contact_limit_is_one_line(own_db: Path, tmp_path: Path) -> None:
    code, out, err = invoke(["--db", str(own_db), "clients", "--json", "--limit", "1"])
    assert code == 0, err
    email = json.loads(out)["clients"][0]["email"]
    base = ["--db", str(own_db), "message", email, "--subject", "We miss you, {first_name}"]
    with smtp_server() as (inbox, port):
        for _ in range(3):
            code, out, err = invoke([*base, "--body-file", str(_body(tmp_path)), *_smtp(port)])
            assert code == 0, err
        code, _, err = invoke([*base, "--body-file", str(_body(tmp_path)), *_smtp(port)])
    assert code == 2
    assert "the next may be sent on" in err
    assert "Traceback" not in err
    assert len(inbox.received) == 3
    _, rcpt, message = inbox.received[0]
    assert rcpt == [email]
    assert message["Reply-To"] == REPLY
    assert "We miss you, " in message["Subject"]
    assert "{first_name}" not in message.get_content()


def test_a_selection_dry_run_sends_nothing_and_json_lists_it(own_db: Path, tmp_path: Path) -> None:
    args = ["--db", str(own_db), "message", "--status", "lapsed", "--subject", "Hello"]
    with smtp_server() as (inbox, port):
        code, out, err = invoke(
            [*args, "--body-file", str(_body(tmp_path)), "--dry-run", "--json", *_smtp(port)]
        )
    assert code == 0, err
    report = json.loads(out)
    assert report["dry_run"] is True
    assert report["sent"]
    assert all(m["email"]["reply_to"] == REPLY for m in report["sent"])
    assert inbox.received == []


def test_mistakes_are_one_line(own_db: Path, tmp_path: Path) -> None:
    body = str(_body(tmp_path))
    cases = [
        (["message", "--subject", "Hi", "--body-file", body, "--reply-to", REPLY], "EMAIL or"),
        (["message", "a@b.example", "--status", "lapsed", "--subject", "Hi", "--body-file", body,
          "--reply-to", REPLY], "EMAIL or"),
        (["message", "nobody@example.com", "--subject", "Hi", "--body-file", body,
          "--reply-to", REPLY], "smtp-host"),
    ]  # fmt: skip
    for args, expected in cases:
        code, _, err = invoke(["--db", str(own_db), *args])
        assert code == 2, args
        assert expected in err
        assert "Traceback" not in err
