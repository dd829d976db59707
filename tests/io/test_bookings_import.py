"""Importing booking history from another tool: the figures, statuses and stages come out
as the live events would have made them."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientcrm import CRM, Actor, Stage, ValidationError, Workspace
from clientcrm.io import read_bookings
from clientcrm.models.booking import BookingStatus
from clientcrm.models.importing import RowOutcome, RowResult
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock

OWNER = Actor.owner("studio")
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)

MINDBODY = """\
Date,Time,Client,Email,Visit Type,Staff,Location,Status,Price
03/02/2026,18:00,Ana Lima,ana@example.com,Vinyasa Flow,Alex,Studio A,Signed in,18.50
10/02/2026,18:00,Ana Lima,ana@example.com,Vinyasa Flow,Alex,Studio A,Signed in,18.50
17/02/2026,18:00,Ana Lima,ana@example.com,Vinyasa Flow,Alex,Studio A,Late cancel,18.50
24/02/2026,18:00,Ana Lima,ana@example.com,Yin Yoga,Bea,Studio B,No show,
05/03/2026,09:00,Bo Chen,bo@example.com,Pilates,Caro,Studio A,Booked,
31/02/2026,18:00,Bo Chen,bo@example.com,Pilates,Caro,Studio A,Signed in,10
01/02/2026,18:00,Bo Chen,bo@example.com,Pilates,Caro,Studio A,Gone fishing,10
"""

GERMAN = """\
Datum;Uhrzeit;Vorname;Nachname;E-Mail;Kurs;Trainer;Status;Preis;Erstattet
02.02.2026;19:30;Jürgen;Groß;jg@example.de;Rückenfit;Ute;Teilgenommen;12,00;
09.02.2026;19:30;Jürgen;Groß;jg@example.de;Rückenfit;Ute;Storniert;12,00;12,00
"""


@pytest.fixture
def crm() -> CRM:
    crm = CRM(MemoryStore(), clock=FrozenClock(NOW))
    crm.save_workspace(Workspace("studio", "Studio", timezone="Europe/London"), OWNER)
    return crm


def _import(crm: CRM, text: str) -> tuple[list[RowResult], int]:
    results: list[RowResult] = []
    with read_bookings(io.BytesIO(text.encode("utf-8"))) as history:
        report = crm.import_bookings(history.rows(), OWNER, each=results.append)
    return results, report.created


def test_a_visit_history_keeps_figures_statuses_and_stages(crm: CRM) -> None:
    results, created = _import(crm, MINDBODY)
    assert created == 5
    failed = {r.line: r.reason or "" for r in results if r.outcome is RowOutcome.FAILED}
    assert set(failed) == {7, 8}
    assert "31/02/2026" in failed[7]
    assert "'Gone fishing' is not a booking status" in failed[8]
    ana = crm.find_client("ana@example.com", OWNER)
    assert ana.name == "Ana Lima"
    # two attended and a late cancellation paid for count; the unpaid no-show does not
    assert (ana.figures.bookings, ana.figures.spend) == (3, Decimal("55.50"))
    assert ana.figures.first_booking_at == datetime(2026, 2, 3, 18, tzinfo=UTC)
    assert ana.figures.last_attended_at == datetime(2026, 2, 10, 18, tzinfo=UTC)
    assert ana.created_at == datetime(2026, 2, 3, 18, tzinfo=UTC)  # client since: the history
    assert crm.journey(ana.id, OWNER).journey.stage is not Stage.DISCOVERY
    detail = crm.client_detail(ana.id, OWNER)
    statuses = [b.status for b in detail.bookings]
    assert statuses.count(BookingStatus.COMPLETED) == 2
    assert BookingStatus.NO_SHOW in statuses
    bo = crm.find_client("bo@example.com", OWNER)
    assert [b.status for b in crm.client_detail(bo.id, OWNER).bookings] == [BookingStatus.BOOKED]
    assert crm.rebuild(OWNER).repaired == []  # stored figures agree with the history


def test_importing_the_same_history_again_changes_nothing(crm: CRM) -> None:
    _import(crm, MINDBODY)
    before = crm.totals(OWNER)
    results, created = _import(crm, MINDBODY)
    assert created == 0
    assert {r.outcome for r in results} == {RowOutcome.SKIPPED, RowOutcome.FAILED}
    assert crm.totals(OWNER) == before


def test_a_german_history_with_refunds(crm: CRM) -> None:
    results, created = _import(crm, GERMAN)
    assert created == 2
    jg = crm.find_client("jg@example.de", OWNER)
    assert jg.name == "Jürgen Groß"
    assert (jg.figures.bookings, jg.figures.spend) == (1, Decimal("12.00"))
    assert [r.outcome for r in results] == [RowOutcome.CREATED, RowOutcome.CREATED]


def test_a_file_without_a_service_or_a_start_is_refused() -> None:
    with pytest.raises(ValidationError, match="no column holds when the booking started"):
        read_bookings(io.BytesIO(b"Name,Email,Class\nA,a@b.co,Yoga\n"))
    with pytest.raises(ValidationError, match="no column holds the class or service"):
        read_bookings(io.BytesIO(b"Name,Email,Date\nA,a@b.co,2026-01-01\n"))
