"""Hypothesis strategies for clientcrm's models and for histories of booking events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from clientcrm.matching.records import Record
from clientcrm.models.activity import REPORTED_KINDS
from clientcrm.models.events import (
    ActivityEvent,
    BookingEvent,
    BookingEventKind,
    ClientEvent,
    OrderEvent,
    OrderEventKind,
)
from clientcrm.models.money import Money

__all__ = [
    "EPOCH",
    "booking_histories",
    "client_histories",
    "match_records",
    "money",
    "names_and_searches",
]

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
"""The start of generated time; histories span the year after it."""

_EMAILS = ("ana@example.com", "ben@example.org", "chloe@example.net", "dev@example.com")


def money(currency: str = "EUR", *, max_cents: int = 50_000) -> st.SearchStrategy[Money]:
    """Non-negative amounts with at most two decimal places."""
    return st.integers(0, max_cents).map(lambda c: Money(Decimal(c).scaleb(-2), currency))


@st.composite
def _booking_events(draw: st.DrawFn, booking_id: str, currency: str) -> list[BookingEvent]:
    email = draw(st.sampled_from(_EMAILS))
    starts_at = EPOCH + timedelta(hours=draw(st.integers(0, 24 * 400)))
    kinds = draw(st.lists(st.sampled_from(list(BookingEventKind)), min_size=1, max_size=5))
    events = []
    for n, kind in enumerate(kinds):
        amount = None
        if kind is BookingEventKind.PAID:
            amount = draw(money(currency))
        elif kind is BookingEventKind.PARTIALLY_REFUNDED:
            amount = draw(money(currency, max_cents=60_000))
        moved = draw(st.booleans())
        events.append(
            BookingEvent(
                kind=kind,
                event_id=f"{booking_id}-{n}",
                booking_id=booking_id,
                occurred_at=EPOCH + timedelta(minutes=draw(st.integers(0, 60 * 24 * 400))),
                email=email,
                service=draw(st.sampled_from(("Vinyasa", "Yin", "Reformer"))),
                starts_at=starts_at + (timedelta(days=1) if moved else timedelta()),
                name=email.split("@")[0].title(),
                amount=amount,
                series_id=draw(st.sampled_from((None, None, "weekly-yin"))),
            )
        )
    return events


@st.composite
def booking_histories(
    draw: st.DrawFn, *, currency: str = "EUR", max_bookings: int = 8
) -> list[BookingEvent]:
    """A history of events about a few bookings of a few clients, in arrival order.

    Arrival order is shuffled and some events arrive twice, so a history exercises
    idempotency and order independence; amounts, refunds and status changes vary.
    """
    count = draw(st.integers(1, max_bookings))
    events = [e for n in range(count) for e in draw(_booking_events(f"b{n}", currency))]
    repeats = draw(st.lists(st.sampled_from(events), max_size=3)) if events else []
    return draw(st.permutations(events + repeats))


def _moment(draw: st.DrawFn) -> datetime:
    return EPOCH + timedelta(minutes=draw(st.integers(0, 60 * 24 * 400)))


@st.composite
def _order_events(draw: st.DrawFn, order_id: str, currency: str) -> list[OrderEvent]:
    email = draw(st.sampled_from(_EMAILS))
    kinds = draw(st.lists(st.sampled_from(list(OrderEventKind)), min_size=1, max_size=3))
    return [
        OrderEvent(
            kind=kind,
            event_id=f"{order_id}-{n}",
            order_id=order_id,
            occurred_at=_moment(draw),
            email=email,
            description=draw(st.sampled_from(("Mat", "Gift card", "Retreat"))),
            amount=draw(money(currency, max_cents=300_000)),
        )
        for n, kind in enumerate(kinds)
    ]


@st.composite
def _activities(draw: st.DrawFn, activity_id: str) -> list[ActivityEvent]:
    return [
        ActivityEvent(
            kind=draw(st.sampled_from(REPORTED_KINDS)),
            event_id=activity_id,
            occurred_at=_moment(draw),
            email=draw(st.sampled_from(_EMAILS)),
            title="Intake form",
        )
    ]


@st.composite
def client_histories(
    draw: st.DrawFn, *, currency: str = "EUR", max_bookings: int = 8
) -> list[ClientEvent]:
    """Like `booking_histories`, with orders and activities (forms, referrals, reviews,
    shares) of the same clients mixed in."""
    events: list[ClientEvent] = list(
        draw(booking_histories(currency=currency, max_bookings=max_bookings))
    )
    for n in range(draw(st.integers(0, 3))):
        events += draw(_order_events(f"o{n}", currency))
    for n in range(draw(st.integers(0, 3))):
        events += draw(_activities(f"a{n}"))
    return draw(st.permutations(events))


_NAME_CHARACTERS = st.characters(
    categories=("L", "M", "N", "P", "S", "Zs"), include_characters="'-./@_", max_codepoint=0x2FFF
)
_names = st.text(_NAME_CHARACTERS, min_size=1, max_size=20).filter(str.strip)


@st.composite
def names_and_searches(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Client names (letters, marks, digits, punctuation, symbols, spaces), and searches made
    of prefixes of their words, in any case, and of free text."""
    names = draw(st.lists(_names, min_size=1, max_size=8))
    searches = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.sampled_from(names)).split() or ["x"]
        picked = draw(st.lists(st.sampled_from(words), min_size=1, max_size=2))
        prefixes = [word[: draw(st.integers(1, len(word)))] for word in picked]
        searches.append(" ".join(p.upper() if draw(st.booleans()) else p for p in prefixes))
    searches += draw(st.lists(_names, max_size=2))
    return names, searches


_GIVEN = ("Kate", "Katherine", "Kathy", "John", "Jon", "Mary", "Mark", "Bob", "Robert", "Zoë", "K.")
_SURNAMES = ("Smith", "Smyth", "Müller", "Muller", "O'Brien", "García")
_LOCALS = ("kate.smith", "katesmith", "kate", "ks", "john.smith")
_DOMAINS = ("gmail.com", "googlemail.com", "outlook.com", "acme.com")
_PHONES = ("+447700900123", "07700 900123", "+447700900124", "+34600123456")


@st.composite
def match_records(draw: st.DrawFn, *, record_id: str = "r") -> Record:
    """Records for the matcher: mostly alike names and contact details, so that every rule
    fires, and now and then arbitrary text in any field."""
    name = draw(
        st.one_of(
            st.builds(lambda f, s: f"{f} {s}", st.sampled_from(_GIVEN), st.sampled_from(_SURNAMES)),
            st.sampled_from(_GIVEN),
            st.none(),
            st.text(max_size=20),
        )
    )
    email = draw(
        st.one_of(
            st.builds(
                lambda local, tag, domain: f"{local}{tag}@{domain}",
                st.sampled_from(_LOCALS),
                st.sampled_from(("", "+yoga")),
                st.sampled_from(_DOMAINS),
            ),
            st.none(),
            st.text(max_size=20),
        )
    )
    phone = draw(st.one_of(st.sampled_from(_PHONES), st.none(), st.text(max_size=16)))
    return Record(record_id, name, email, phone)
