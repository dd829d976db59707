"""Booking histories exported by other tools (Mindbody visits, Acuity, Square, Fresha or
Vagaro appointments, any spreadsheet of classes) read into `BookingRow` objects: each
booking with who booked it."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from clientcrm.io.headers import ClientField
from clientcrm.io.withclients import WithClients, open_with_clients
from clientcrm.models.importing import BookingRow, ClientRow

__all__ = ["BookingField", "BookingFile", "read_bookings"]


class BookingField(enum.StrEnum):
    """What a column of a booking history may hold, beside the client's fields."""

    BOOKING_ID = "booking_id"
    SERVICE = "service"
    STARTS_AT = "starts_at"
    DATE = "date"
    TIME = "time"
    STATUS = "status"
    PAID = "paid"
    REFUNDED = "refunded"
    LOCATION = "location"
    STAFF = "staff"


_CLIENT: dict[ClientField, tuple[str, ...]] = {
    ClientField.NAME: ("clientname", "customername", "membername", "attendee", "participant"),
}
_SYNONYMS: dict[BookingField, tuple[str, ...]] = {
    BookingField.BOOKING_ID: (
        "bookingid", "appointmentid", "reservationid", "visitid", "bookingreference",
        "bookingnumber", "ref", "reference", "buchungsnummer", "buchungsid", "idreserva",
        "numerodareserva", "numeroreserva", "idagendamento", "reservationnumber",
    ),
    BookingField.SERVICE: (
        "service", "servicename", "class", "classname", "type", "appointmenttype",
        "visittype", "classappointment", "session", "servico", "servicio", "leistung",
        "dienstleistung", "kurs", "clase", "aula", "prestation", "cours", "lesson",
    ),
    BookingField.STARTS_AT: (
        "starttime", "startdate", "start", "starts", "startsat", "datetime",
        "appointmentdatetime", "scheduleddatetime", "beginn", "inicio", "debut",
    ),
    BookingField.DATE: (
        "date", "appointmentdate", "scheduleddate", "classdate", "visitdate", "bookingdate",
        "data", "fecha", "datum", "dataagendamento",
    ),
    BookingField.TIME: (
        "time", "appointmenttime", "classtime", "visittime", "hora", "horario", "uhrzeit",
        "zeit", "heure",
    ),
    BookingField.STATUS: (
        "status", "appointmentstatus", "visitstatus", "bookingstatus", "attendance",
        "estado", "situacao", "statut",
    ),
    BookingField.PAID: (
        "amountpaid", "paid", "price", "amount", "total", "appointmentprice", "payment",
        "revenue", "valor", "valorpago", "preco", "precio", "importe", "preis", "betrag",
        "prix", "montant",
    ),
    BookingField.REFUNDED: (
        "refunded", "amountrefunded", "refund", "refundamount", "reembolso",
        "valorreembolsado", "erstattet", "erstattung", "rembourse", "remboursement",
    ),
    BookingField.LOCATION: (
        "location", "room", "studio", "site", "venue", "local", "ubicacion", "ort", "raum",
        "standort", "lieu", "sala",
    ),
    BookingField.STAFF: (
        "staff", "teacher", "instructor", "trainer", "provider", "calendar", "teammember",
        "employee", "coach", "therapist", "professor", "professora", "profesor",
        "lehrer", "mitarbeiter", "professeur",
    ),
}  # fmt: skip


class BookingFile(WithClients[BookingField]):
    """A booking history opened for import: the clients' columns (`clients`) and the
    bookings'."""

    def rows(self) -> Iterator[BookingRow]:
        """Each booking as a `BookingRow`, streamed; a row that could not be read carries
        its problem instead."""
        f = BookingField
        for line, cells in self.clients.cells():
            if isinstance(cells, str):
                yield BookingRow(line, ClientRow(line), problem=cells)
                continue
            values = self.values(cells)
            when = values.get(f.STARTS_AT) or " ".join(
                v for v in (values.get(f.DATE), values.get(f.TIME)) if v
            )
            yield BookingRow(
                line,
                self.clients.row(line, cells),
                booking_id=values.get(f.BOOKING_ID),
                service=values.get(f.SERVICE),
                starts_at=when or None,
                status=values.get(f.STATUS),
                paid=values.get(f.PAID),
                refunded=values.get(f.REFUNDED),
                location=values.get(f.LOCATION),
                staff=values.get(f.STAFF),
            )


def read_bookings(
    source: Path | str | BinaryIO,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> BookingFile:
    """Open a booking history: detect its encoding and delimiter (unless given) and map
    its headers to the client's fields and the booking's (``mapping``, header to field
    name, wins). The start is one column, or a date column and a time column.

    Raises:
        ValidationError: the file is empty or not text; no column holds the client's
            email or name; or none holds the service, or the start (or its date).
    """
    return BookingFile(
        *open_with_clients(
            source, _SYNONYMS, _CLIENT, _missing_booking_fields,
            mapping=mapping, encoding=encoding, delimiter=delimiter,
        )
    )  # fmt: skip


def _missing_booking_fields(found: set[BookingField]) -> str | None:
    if BookingField.SERVICE not in found:
        return "no column holds the class or service"
    if not found & {BookingField.STARTS_AT, BookingField.DATE}:
        return "no column holds when the booking started"
    return None
