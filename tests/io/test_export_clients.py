"""Exporting the client list: seed 000's columns, cells safe from formula injection, and a
file that imports back as the clients it came from."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcrm import CRM, Actor, ClientQuery, Workspace
from clientcrm.io import CLIENT_COLUMNS, read_clients, safe_cell, write_clients
from clientcrm.io.cells import plain_cell
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.testing.conformance import event

OWNER = Actor.owner("studio")
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _crm(name: str = "studio") -> CRM:
    crm = CRM(MemoryStore(), clock=lambda: NOW)
    crm.save_workspace(Workspace(name, "Studio", timezone="Europe/Madrid"), Actor.owner(name))
    return crm


def _export(crm: CRM, actor: Actor = OWNER) -> str:
    out = io.StringIO(newline="")
    clients = crm.iter_clients(ClientQuery(include_inactive=True), actor)
    write_clients(clients, out, crm.workspace(actor), NOW)
    return out.getvalue()


@pytest.mark.parametrize(
    ("value", "neutralised"),
    [
        ("=1+1", True), ("+44 20", True), ("-2", True), ("@SUM(A1)", True), ("\t=1", True),
        ("\r=1", True), ("\n=1", True), ("   =1", True), ("\uff1d1+1", True),
        ("Kate", False), ("kate@example.com", False), ("O'Brien", False), ("", False),
        ("1-2", False),
    ],
)  # fmt: skip
def test_formula_cells_are_neutralised_and_come_back(value: str, neutralised: bool) -> None:
    safe = safe_cell(value)
    assert safe.startswith("'") is neutralised
    assert plain_cell(safe) == value


def test_the_columns_of_seed_000_with_figures_as_numbers() -> None:
    crm = _crm()
    at = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # Feb 1 in Madrid
    crm.record(event("completed", "b1", at=at, starts_at=at), OWNER)
    crm.record(event("paid", "b1", at=at, starts_at=at, amount="18.50"), OWNER)
    crm.add_client(OWNER, name='=HYPERLINK("http://x")', email="x@example.com", tags=["-vip"])
    rows = list(csv.reader(io.StringIO(_export(crm))))
    assert tuple(rows[0]) == CLIENT_COLUMNS
    by_email = {r[1]: r for r in rows[1:]}
    kate = by_email["kate@example.com"]
    assert kate[3:8] == ["1", "18.50", "2026-02-01", "2026-02-01", "active"]
    odd = by_email["x@example.com"]
    assert odd[0] == '\'=HYPERLINK("http://x")'
    assert odd[8] == "'-vip"


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=15
).filter(lambda s: s.strip() == s and s.strip())
_NAMES = st.one_of(_TEXT, st.sampled_from(["=1+1", "+Kate", "-Ben", "@Cy", "Zoë Müller-López"]))
_TAGS = st.lists(st.from_regex(r"[A-Za-z][A-Za-z /-]{0,10}[A-Za-z]", fullmatch=True), max_size=3)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_NAMES, _TAGS), min_size=1, max_size=6, unique_by=lambda t: t[0]))
def test_an_export_imports_back_as_the_clients_it_came_from(
    people: list[tuple[str, list[str]]],
) -> None:
    source = _crm("from")
    actor = Actor.owner("from")
    for n, (name, tags) in enumerate(people):
        source.add_client(actor, name=name, email=f"p{n}@example.com", tags=tags)
    text = _export(source, actor)
    target = _crm("to")
    into = Actor.owner("to")
    rows = read_clients(io.BytesIO(text.encode())).rows()
    report = target.import_clients(rows, into)
    assert report.created == len(people)

    def seen(crm: CRM, who: Actor) -> set[tuple[str, str, frozenset[str]]]:
        every = crm.iter_clients(ClientQuery(include_inactive=True), who)
        return {(c.name, c.email, frozenset(c.tags)) for c in every}

    assert seen(target, into) == seen(source, actor)


def test_streamed_summaries_export_as_the_records_do(tmp_path: Path) -> None:
    """The store's summary stream (its own narrow query) writes the file the whole records
    write: spend to the cent, Madrid's dates, pills, tags, neutralised text."""
    crm = CRM(SQLStore(f"sqlite:///{tmp_path / 'crm.db'}"), clock=lambda: NOW)
    crm.save_workspace(Workspace("studio", "Studio", timezone="Europe/Madrid"), OWNER)
    visits = [
        ("18.50", datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),  # Feb 1 in Madrid
        ("0.01", NOW - timedelta(days=1)),
        ("1000", NOW - timedelta(days=90)),  # lapsed
    ]
    for n, (amount, at) in enumerate(visits):
        email = f"p{n}@example.com"
        crm.record(event("completed", f"b{n}", email=email, at=at, starts_at=at), OWNER)
        crm.record(event("paid", f"b{n}", email=email, at=at, starts_at=at, amount=amount), OWNER)
    crm.add_client(OWNER, name="=1+1", email="x@example.com", phone="+44 7700 900123",
                   tags=["-vip", "Beginner"])  # fmt: skip
    query = ClientQuery(sort="name")
    records, summaries = io.StringIO(newline=""), io.StringIO(newline="")
    workspace = crm.workspace(OWNER)
    assert write_clients(crm.iter_clients(query, OWNER), records, workspace, NOW) == 4
    assert write_clients(crm.client_summaries(query, OWNER), summaries, workspace, NOW) == 4
    assert summaries.getvalue() == records.getvalue()
    rows = {r[1]: r for r in csv.reader(io.StringIO(summaries.getvalue()))}
    assert rows["p0@example.com"][4:7] == ["18.50", "2026-02-01", "2026-02-01"]
    assert rows["p1@example.com"][4] == "0.01"
    assert rows["p2@example.com"][4:8] == ["1000.00", "2025-12-01", "2025-12-01", "lapsed"]
    assert rows["x@example.com"][0] == "'=1+1"
    assert rows["x@example.com"][8] == "'-vip, Beginner"
