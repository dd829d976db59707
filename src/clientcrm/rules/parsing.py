"""Values as files give them: amounts, moments and sale statuses written for people."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from dateutil import parser as dateparser

from clientcrm.errors import ValidationError
from clientcrm.models.booking import BookingStatus
from clientcrm.models.money import minor_units
from clientcrm.models.purchases import PurchaseStatus
from clientcrm.rules.search import fold

__all__ = ["parse_amount", "parse_booking_status", "parse_moment", "parse_status"]

_T = TypeVar("_T")
_NOT_DIGITS = re.compile(r"[^\d.,\-]")
_YEAR_FIRST = re.compile(r"\d{4}\D")


def parse_amount(text: str, currency: str, field: str = "price") -> Decimal:
    """An amount as people write it: "1.234,56", "1,234.56", "R$ 97,00", "97".

    The last separator is the decimal point when no more digits follow it than the
    currency's minor unit has; when three follow, it groups thousands ("1.234" is 1234 in
    BRL, 1.234 in KWD).
    """
    cleaned = _NOT_DIGITS.sub("", text)
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-")
    if not cleaned or not any(c.isdigit() for c in cleaned):
        raise ValidationError(field, f"{text.strip()!r} is not an amount")
    last = max(cleaned.rfind("."), cleaned.rfind(","))
    whole, fraction = cleaned, ""
    after = len(cleaned) - last - 1
    if last >= 0 and after <= minor_units(currency):
        whole, fraction = cleaned[:last], cleaned[last + 1 :]
    elif last >= 0 and after != 3:
        raise ValidationError(field, f"{text.strip()!r} has more decimals than {currency} has")
    digits = whole.replace(".", "").replace(",", "")
    try:
        amount = Decimal(f"{digits or 0}.{fraction}" if fraction else digits)
    except InvalidOperation:
        raise ValidationError(field, f"{text.strip()!r} is not an amount") from None
    return -amount if negative else amount


def parse_moment(text: str, tz: tzinfo, field: str = "date", *, dayfirst: bool = True) -> datetime:
    """A date or date and time as people write it ("2024-10-25T14:32:10Z", "25/10/2024
    14:32"), in ``tz`` when it names no offset. ``dayfirst`` reads "01/02/2024" as the 1st
    of February (as Brazilian and European exports write it).
    """
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    try:
        if moment is None:
            year_first = _YEAR_FIRST.match(text) is not None
            moment = dateparser.parse(text, dayfirst=dayfirst and not year_first)
    except (ValueError, OverflowError):
        raise ValidationError(field, f"{text!r} is not a date") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _fold(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


_STATUS_WORDS: dict[PurchaseStatus, tuple[str, ...]] = {
    PurchaseStatus.COMPLETED: (
        "completed", "complete", "approved", "paid", "aprovado", "aprovada", "completo",
        "concluido", "pago", "finalizado", "settled", "success", "succeeded",
    ),
    PurchaseStatus.PENDING: (
        "pending", "waitingpayment", "aguardandopagamento", "printedbillet", "boletoimpresso",
        "started", "iniciado", "processingtransaction", "processando", "underanalisys",
        "underanalysis", "emanalise", "overdue", "atrasado", "preorder", "prevenda", "dispute",
        "emdisputa", "blocked", "bloqueado",
    ),
    PurchaseStatus.CANCELLED: (
        "cancelled", "canceled", "cancelado", "cancelada", "expired", "expirado", "nofunds",
        "semfundos", "declined", "recusado", "protested", "protestado", "failed",
    ),
    PurchaseStatus.REFUNDED: (
        "refunded", "reembolsado", "reembolsada", "chargeback", "devolvido", "partiallyrefunded",
        "parcialmentereembolsado",
    ),
}  # fmt: skip
_STATUS_OF = {word: status for status, words in _STATUS_WORDS.items() for word in words}


def parse_status(text: str, field: str = "status") -> PurchaseStatus:
    """A sale's status as platforms write it, in English or Portuguese ("Aprovado",
    "WAITING_PAYMENT", "Chargeback")."""
    return _word(_STATUS_OF, text, field, "a status")


_BOOKING_WORDS: dict[BookingStatus, tuple[str, ...]] = {
    BookingStatus.COMPLETED: (
        "completed", "complete", "attended", "signedin", "checkedin", "arrived", "showed",
        "done", "fulfilled", "visited", "concluido", "concluida", "realizado", "realizada",
        "compareceu", "presente", "asistio", "completado", "completada", "erschienen",
        "abgeschlossen", "teilgenommen", "termine", "effectue", "present", "paid",
    ),
    BookingStatus.CANCELLED: (
        "cancelled", "canceled", "latecancel", "latecancelled", "latecanceled",
        "cancelledbycustomer", "cancelledbyclient", "canceledbycustomer", "cancelledbystaff",
        "cancelado", "cancelada", "storniert", "abgesagt", "annule", "annulee",
    ),
    BookingStatus.NO_SHOW: (
        "noshow", "missed", "didnotshow", "notshown", "absent", "faltou", "naocompareceu",
        "ausente", "noasistio", "nichterschienen", "nonpresente",
    ),
    BookingStatus.BOOKED: (
        "booked", "confirmed", "accepted", "scheduled", "pending", "reserved", "upcoming",
        "agendado", "agendada", "confirmado", "confirmada", "reservado", "reservada",
        "gebucht", "bestatigt", "reserve", "confirme",
    ),
}  # fmt: skip
_BOOKING_STATUS_OF = {w: status for status, words in _BOOKING_WORDS.items() for w in words}


def parse_booking_status(text: str, field: str = "status") -> BookingStatus:
    """A booking's status as booking tools write it, in the seeds' markets' languages
    ("Signed in", "Late cancel", "No-show", "Compareceu", "Storniert")."""
    return _word(_BOOKING_STATUS_OF, text, field, "a booking status")


def _word(meanings: Mapping[str, _T], text: str, field: str, what: str) -> _T:
    """What ``text`` means, by its folded form."""
    meaning = meanings.get(_fold(text))
    if meaning is None:
        raise ValidationError(field, f"{text.strip()!r} is not {what} this import knows")
    return meaning
