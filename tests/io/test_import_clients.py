"""Importing client lists: real export headers, any encoding and delimiter, messy rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm import CRM, Actor, ClientQuery, NotFoundError, ValidationError, Workspace
from clientcrm.io import ClientField, read_clients
from clientcrm.io.headers import map_headers
from clientcrm.models.client import Source
from clientcrm.models.importing import ImportMode, ImportReport, RowOutcome, RowResult
from clientcrm.stores.memory import MemoryStore

F = ClientField
OWNER = Actor.owner("studio")


@pytest.fixture
def crm() -> CRM:
    crm = CRM(MemoryStore())
    crm.save_workspace(Workspace("studio", "Studio", phone_region="GB"), OWNER)
    return crm


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Email Address", "First Name", "Last Name", "Phone Number", "TAGS"],
         [F.EMAIL, F.FIRST_NAME, F.LAST_NAME, F.PHONE, F.TAGS]),  # Mailchimp
        (["Name", "Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value",
          "Phone 1 - Value", "Group Membership"],
         [F.NAME, F.FIRST_NAME, F.LAST_NAME, None, F.EMAIL, F.PHONE, F.TAGS]),  # Google
        (["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Notes"],
         [F.FIRST_NAME, F.LAST_NAME, F.EMAIL, F.PHONE, F.NOTES]),  # Outlook
        (["First Name", "Last Name", "Email Address", "Phone Number", "Memo"],
         [F.FIRST_NAME, F.LAST_NAME, F.EMAIL, F.PHONE, F.NOTES]),  # Square
        (["First Name", "Last Name", "Email", "Cell Phone"],
         [F.FIRST_NAME, F.LAST_NAME, F.EMAIL, F.PHONE]),  # Vagaro
        (["First Name", "Last Name", "Email", "Mobile Number"],
         [F.FIRST_NAME, F.LAST_NAME, F.EMAIL, F.PHONE]),  # Fresha
        (["Vorname", "Nachname", "E-Mail", "Telefon"],
         [F.FIRST_NAME, F.LAST_NAME, F.EMAIL, F.PHONE]),
        (["Nombre", "Apellidos", "Correo electrónico", "Teléfono"],
         [F.FIRST_NAME, F.LAST_NAME, F.EMAIL, F.PHONE]),
        (["Nombre", "Correo Electronico"], [F.NAME, F.EMAIL]),
        (["Nome", "E-mail", "Telefone"], [F.NAME, F.EMAIL, F.PHONE]),
        (["Nome", "Sobrenome", "Email"], [F.FIRST_NAME, F.LAST_NAME, F.EMAIL]),
        (["Prénom", "Nom", "Courriel"], [F.FIRST_NAME, F.LAST_NAME, F.EMAIL]),
        (["  NAME ", "E_MAIL", "Favourite colour"], [F.NAME, F.EMAIL, None]),
    ],
)  # fmt: skip
def test_headers_of_real_exports_map_to_fields(
    headers: list[str], expected: list[ClientField | None]
) -> None:
    found = map_headers(headers)
    assert [found.get(i) for i in range(len(headers))] == expected


def test_an_explicit_mapping_wins_and_mistakes_are_named() -> None:
    found = map_headers(["Who", "Address"], {"Who": "name", "address": "email"})
    assert found == {0: F.NAME, 1: F.EMAIL}
    with pytest.raises(ValidationError, match="no column 'Where'"):
        map_headers(["Who"], {"Where": "name"})
    with pytest.raises(ValidationError, match="'nickname' is not one of"):
        map_headers(["Who", "Email"], {"Who": "nickname"})
    with pytest.raises(ValidationError, match="no column holds an email"):
        map_headers(["Name", "Phone"])


ROWS = [
    ["Name", "Email", "Phone", "Notes"],
    ["Zoë Müller-López", "zoe@example.com", "07700 900123", "Knee injury, go gently"],
    ["Ana Silva", "ana@example.com", "", "Line one\nline two"],
]


def _text(delimiter: str) -> str:
    def cell(value: str) -> str:
        quote = any(c in value for c in (delimiter, "\n", '"', ","))
        return '"' + value.replace('"', '""') + '"' if quote else value

    return "\r\n".join(delimiter.join(cell(v) for v in row) for row in ROWS) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_encoding_and_delimiter_reads_the_same_rows(encoding: str, delimiter: str) -> None:
    data = _text(delimiter).encode(encoding)
    if encoding.startswith("utf-16"):
        data = ("\ufeff" + _text(delimiter)).encode(encoding)  # UTF-16 files carry a BOM
    file = read_clients(io.BytesIO(data))
    assert file.table.delimiter == delimiter
    rows = list(file.rows())
    assert [(r.line, r.name, r.email, r.notes) for r in rows] == [
        (2, "Zoë Müller-López", "zoe@example.com", "Knee injury, go gently"),
        (3, "Ana Silva", "ana@example.com", "Line one\nline two"),
    ]


def _import(crm: CRM, text: str, **options: Any) -> tuple[list[RowResult], ImportReport]:
    results: list[RowResult] = []
    file = read_clients(io.BytesIO(text.encode()))
    report = crm.import_clients(file.rows(), OWNER, each=results.append, **options)
    return results, report


MESSY = """First Name,Last Name,Email,Phone,Tags,Notes
Kate,Smith,KATE@example.com,+44 7700 900123,"Beginner, Recurring weekly",Prefers the 6 pm class
Kathy,Smith,kate@Example.com,,,
Lee,,lee@example,,,
,,nobody@example.com,,,
Mo,Khan,mo@example.com,call me maybe,,
=HYPERLINK("http://x"),Hacker,formula@example.com,,,
Old,Friend,old@example.com,,,
"""


def test_a_messy_file_gets_a_reason_for_every_row(crm: CRM) -> None:
    crm.add_client(OWNER, name="Old Friend", email="old@example.com")
    results, report = _import(crm, MESSY)
    got = {r.line: (r.outcome, r.reason) for r in results}
    assert got[2] == (RowOutcome.CREATED, None)
    assert got[3] == (RowOutcome.SKIPPED, "duplicate of line 2")
    assert got[4][0] is RowOutcome.FAILED
    assert got[4][1] is not None
    assert got[4][1].startswith("email:")
    assert got[5] == (RowOutcome.FAILED, "name: must not be empty")
    assert got[6][0] is RowOutcome.CREATED
    assert got[6][1] is not None
    assert got[6][1].startswith("left out: phone")
    assert got[7] == (RowOutcome.CREATED, None)
    assert got[8] == (RowOutcome.SKIPPED, "already a client")
    assert (report.created, report.skipped, report.failed) == (3, 2, 2)
    kate = crm.find_client("kate@example.com", OWNER)
    assert (kate.name, kate.phone, kate.source) == ("Kate Smith", "+447700900123", Source.IMPORT)
    assert kate.tags == {"Beginner", "Recurring weekly"}
    assert [n.text for n in crm.notes(kate.id, OWNER)] == ["Prefers the 6 pm class"]
    formula = crm.find_client("formula@example.com", OWNER)
    assert formula.name == '=HYPERLINK("http://x") Hacker'  # text, as it was


def test_a_dry_run_reports_what_a_real_run_does_and_writes_nothing(crm: CRM) -> None:
    crm.add_client(OWNER, name="Old Friend", email="old@example.com")
    preview, planned = _import(crm, MESSY, dry_run=True)
    assert crm.find_client("old@example.com", OWNER)
    with pytest.raises(NotFoundError):
        crm.find_client("kate@example.com", OWNER)
    done, report = _import(crm, MESSY, batch_size=3)
    strip = [(r.line, r.outcome, r.email, r.reason) for r in preview]
    assert strip == [(r.line, r.outcome, r.email, r.reason) for r in done]
    assert planned.dry_run
    assert not report.dry_run


@given(st.lists(st.sampled_from(["a", "A", "b", "c", "B"]), max_size=12), st.integers(1, 5))
def test_each_email_is_imported_once_whatever_the_batches(emails: list[str], size: int) -> None:
    crm = CRM(MemoryStore())
    crm.save_workspace(Workspace("studio", "Studio"), OWNER)
    text = "Name,Email\n" + "".join(f"P{n},{e}@example.com\n" for n, e in enumerate(emails))
    results, _ = _import(crm, text, batch_size=size)
    created = [r.email for r in results if r.outcome is RowOutcome.CREATED]
    assert sorted(created) == sorted({e.lower() + "@example.com" for e in emails})
    assert [r.line for r in results] == list(range(2, len(emails) + 2))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf\r\n", "is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip archive"),
        (bytes(range(256)) * 4, "not a text file"),
        (b"Name,Phone\nKate,123\n", "no column holds an email"),
    ],
)
def test_files_that_cannot_be_imported_get_one_clear_error(content: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        read_clients(io.BytesIO(content))


def test_broken_rows_fail_alone_and_the_rest_are_imported(crm: CRM, tmp_path: Path) -> None:
    huge = "x" * 200_000  # over the csv module's cell limit
    lines = [
        "Name,Email",
        "Ana,ana@example.com",
        f"Huge,{huge}",
        "Ben,ben@example.com,surprise,cells",
        "Nul\x00Name,nul@example.com",
        "Cy,cy@example.com",
    ]
    path = tmp_path / "clients.csv"
    path.write_text("\n".join(lines) + "\n")
    results: list[RowResult] = []
    with read_clients(path) as file:
        report = crm.import_clients(file.rows(), OWNER, each=results.append)
    outcomes = {r.line: r.outcome for r in results}
    assert outcomes[2] is RowOutcome.CREATED
    assert outcomes[3] is RowOutcome.FAILED
    assert outcomes[4] is RowOutcome.FAILED
    assert outcomes[6] is RowOutcome.CREATED
    assert report.created >= 2
    assert {r.reason for r in results if r.line == 4} == {
        "the row has 4 cells but the header has 2"
    }


def test_a_header_only_file_imports_nothing(crm: CRM) -> None:
    _, report = _import(crm, "Name,Email\n")
    assert report.rows == 0


@pytest.mark.parametrize(
    ("mode", "outcome", "name", "phone", "tags", "notes"),
    [
        (ImportMode.SKIP, RowOutcome.SKIPPED, "Kate S.", None, {"Old"}, []),
        (ImportMode.UPDATE, RowOutcome.UPDATED, "Kate S.", "+447700900123", {"Old", "New"},
         ["Back after injury"]),
        (ImportMode.OVERWRITE, RowOutcome.UPDATED, "Kate Smith", "+447700900123",
         {"Old", "New"}, ["Back after injury"]),
    ],
)  # fmt: skip
def test_known_clients_are_skipped_filled_or_overwritten(
    crm: CRM,
    mode: ImportMode,
    outcome: RowOutcome,
    name: str,
    phone: str | None,
    tags: set[str],
    notes: list[str],
) -> None:
    known = crm.add_client(OWNER, name="Kate S.", email="kate@example.com", tags=["Old"])
    text = (
        "Name,Email,Phone,Tags,Notes\n"
        "Kate Smith,KATE@example.com,07700 900123,New,Back after injury\n"
    )
    results, report = _import(crm, text, mode=mode)
    assert [(r.outcome, r.client_id) for r in results] == [(outcome, known.id)]
    kate = crm.get_client(known.id, OWNER)
    assert (kate.name, kate.phone, set(kate.tags)) == (name, phone, tags)
    assert [n.text for n in crm.notes(known.id, OWNER)] == notes
    assert report.updated == (outcome is RowOutcome.UPDATED)


def test_an_update_with_nothing_new_is_a_skip(crm: CRM) -> None:
    crm.add_client(OWNER, name="Kate", email="kate@example.com", phone="07700 900123")
    results, _ = _import(
        crm, "Name,Email,Phone\nKate,kate@example.com,+447700900123\n", mode=ImportMode.UPDATE
    )
    assert [(r.outcome, r.reason) for r in results] == [
        (RowOutcome.SKIPPED, "already a client, with nothing new")
    ]


def test_an_atomic_import_writes_all_or_nothing(crm: CRM) -> None:
    """One bad row: nothing is written, and the report says so; without it, everything."""
    good = "Name,Email\nAna,ana@example.com\nBen,ben@example.com\n"
    results, report = _import(crm, good + "Cy,not-an-email\n", atomic=True, batch_size=1)
    assert report.refused
    assert [r.outcome for r in results] == [RowOutcome.CREATED] * 2 + [RowOutcome.FAILED]
    assert list(crm.iter_clients(ClientQuery(), OWNER)) == []
    _, report = _import(crm, good, atomic=True, batch_size=1)
    assert (report.created, report.refused) == (2, False)
    emails = {c.email for c in crm.iter_clients(ClientQuery(), OWNER)}
    assert emails == {"ana@example.com", "ben@example.com"}


def test_a_repeat_in_a_later_batch_names_the_line_it_repeats() -> None:
    """A recorded run keeps only its batch's emails in memory: a repeat in a later batch is
    found through the run's own record, and named the same way."""
    text = "Name,Email\n" + "".join(f"P{n},p{n}@example.com\n" for n in range(5))
    text += "Again,P1@EXAMPLE.COM\n"
    for options in ({}, {"dry_run": True}, {"atomic": True}):
        fresh = CRM(MemoryStore())
        fresh.save_workspace(Workspace("studio", "Studio"), OWNER)
        results, _ = _import(fresh, text, batch_size=2, **options)
        assert (results[-1].outcome, results[-1].reason) == (
            RowOutcome.SKIPPED,
            "duplicate of line 3",
        ), options
