"""A studio moves to clientcrm: it imports its client list and its visit history from the
old tool, finds a mistake and undoes an import, reads a client's timeline, and answers a
former client's request to be forgotten."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from clientcrm import CRM, Actor, Workspace
from clientcrm.io import read_bookings, read_clients
from clientcrm.models.timeline import TimelineQuery
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock

CLIENTS = """\
Vorname;Nachname;E-Mail;Telefon;Notizen
Jürgen;Groß;jg@example.de;030 1234567;Knie: keine tiefen Ausfallschritte
Zoë;Müller-López;zoe@example.de;;
"""
VISITS = """\
Datum,Uhrzeit,E-Mail,Vorname,Nachname,Kurs,Trainer,Status,Preis
02.02.2026,19:30,jg@example.de,Jürgen,Groß,Rückenfit,Ute,Teilgenommen,"12,00"
09.02.2026,19:30,jg@example.de,Jürgen,Groß,Rückenfit,Ute,Teilgenommen,"12,00"
16.02.2026,19:30,zoe@example.de,Zoë,Müller-López,Yin Yoga,Ute,Nicht erschienen,
"""


def main() -> None:
    crm = CRM(MemoryStore(), clock=FrozenClock(datetime(2026, 3, 1, tzinfo=UTC)))
    owner = Actor.owner("kiez")
    studio = Workspace("kiez", "Kiez Yoga", timezone="Europe/Berlin", phone_region="DE")
    crm.save_workspace(studio, owner)

    with read_clients(io.BytesIO(CLIENTS.encode("cp1252"))) as clients:
        preview = crm.import_clients(clients.rows(), owner, dry_run=True)
    print(f"dry run: would create {preview.created}")
    with read_clients(io.BytesIO(CLIENTS.encode("cp1252"))) as clients:
        imported = crm.import_clients(clients.rows(), owner, source="kunden.csv")
    with read_bookings(io.BytesIO(VISITS.encode())) as visits:
        history = crm.import_bookings(visits.rows(), owner, source="besuche.csv")
    print(f"imported {imported.created} clients and {history.created} bookings")

    jurgen = crm.find_client("jg@example.de", owner)
    print(f"{jurgen.name}: {jurgen.figures.bookings} classes, {jurgen.figures.spend} EUR")
    page = crm.timeline(jurgen.id, owner, TimelineQuery(limit=5))
    for day in page.days:
        print(day.day, "|", "; ".join(f"{i.kind}: {i.title}" for i in day.items))

    assert history.run_id is not None
    undone = crm.undo_import(history.run_id, owner)  # the wrong file: take it back
    print(f"undone: {undone.reverted} bookings taken back")
    print(f"{jurgen.name}: {crm.get_client(jurgen.id, owner).figures.bookings} classes")

    zoe = crm.find_client("zoe@example.de", owner)
    erased = crm.erase_client(zoe.id, owner)
    print(f"erased: the record stays as {erased.name!r}, nothing else of her")


if __name__ == "__main__":
    main()
