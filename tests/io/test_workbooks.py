"""Excel workbooks: imported like CSV, exported with text that is never a formula."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from clientcrm import CRM, Actor, ClientQuery, Workspace
from clientcrm.io import read_clients, write_clients_xlsx
from clientcrm.models.importing import RowOutcome, RowResult
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing.conformance import event

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _crm(ws: str) -> tuple[CRM, Actor]:
    crm = CRM(MemoryStore(), clock=lambda: NOW)
    owner = Actor.owner(ws)
    crm.save_workspace(Workspace(ws, "Studio", phone_region="GB"), owner)
    return crm, owner


def test_a_workbook_imports_like_a_csv(tmp_path: Path) -> None:
    """Spanish headers, a phone typed as a number, a blank row, a formula typed as text."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Nombre", "Correo electrónico", "Teléfono", "Etiquetas"])
    sheet.append(["Lucía Pérez", "lucia@example.es", 447700900123, "Principiante"])
    sheet.append([None, None, None, None])
    sheet.append(["Bad Row", "not-an-email", None, None])
    path = tmp_path / "clientes.xlsx"
    book.save(path)
    crm, owner = _crm("es")
    results: list[RowResult] = []
    with read_clients(path) as file:
        assert file.table.format == "xlsx"
        report = crm.import_clients(file.rows(), owner, each=results.append)
    assert (report.created, report.failed) == (1, 1)
    assert [(r.line, r.outcome) for r in results] == [
        (2, RowOutcome.CREATED),
        (4, RowOutcome.FAILED),
    ]
    lucia = crm.find_client("lucia@example.es", owner)
    assert (lucia.name, lucia.phone, lucia.tags) == (
        "Lucía Pérez",
        "+447700900123",
        frozenset({"Principiante"}),
    )


def test_an_exported_workbook_holds_text_and_numbers_never_formulas(tmp_path: Path) -> None:
    crm, owner = _crm("x")
    crm.record(event("completed", "b1", email="kate@example.com"), owner)
    crm.record(event("paid", "b1", email="kate@example.com", amount="18.50"), owner)
    crm.add_client(owner, name='=HYPERLINK("http://x","y")', email="h@example.com", tags=["@a"])
    path = tmp_path / "clients.xlsx"
    clients = crm.iter_clients(ClientQuery(), owner)
    assert write_clients_xlsx(clients, path, crm.workspace(owner), NOW) == 2
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    book = load_workbook(path)
    rows = {row[1].value: row for row in book.worksheets[0].iter_rows(min_row=2)}
    odd, kate = rows["h@example.com"], rows["kate@example.com"]
    assert (odd[0].value, odd[0].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert odd[8].value == "@a"
    assert (kate[3].value, kate[4].value, kate[4].data_type) == (1, 18.5, "n")
    target, into = _crm("y")
    with read_clients(path) as file:
        assert target.import_clients(file.rows(), into).created == 2
    names = {c.name for c in target.iter_clients(ClientQuery(), into)}
    assert names == {"Kate Smith", '=HYPERLINK("http://x","y")'}
