"""Seeded synthetic studios: realistic booking histories with known truth.

`studio_events` makes the history of a yoga studio: regulars, drop-ins, lapsed clients, guests,
no-shows, late cancellations with the fee kept, refunds, regulars with a weekly class booked
weeks ahead (a recurring series), and people who booked under a second,
slightly different email. The same seed always gives the same history.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from clientcrm.models.events import BookingEvent, BookingEventKind
from clientcrm.models.money import Money

__all__ = ["Person", "Studio", "make_studio", "studio_events"]

_FIRST_TEXT = """
Ana Ben Chloe Daniel Emma Felipe Grace Hugo Isla Jack Kate Liam Maya Noah Olivia Pedro
Quinn Rosa Sam Tara Uma Victor Wren Xavier Yara Zoe Lucia Mateo Sofia Leon Hannah Jonas
Amelie Lukas Ines Tomas Clara Marco Giulia Elena Ivan Nora Omar Priya Ravi Sara Theo
"""
FIRST = tuple(_FIRST_TEXT.split())
_LAST_TEXT = """
Smith Jones Taylor Brown Silva Santos Müller Schmidt García Fernández Rossi Bianchi Dubois
Martin Novak Kowalski Johansson Nielsen O'Brien Murphy Costa Pereira Weber Fischer López
Moreau Lefebvre Ricci Kim Patel Nakamura Cohen Walsh Byrne Hughes Evans Wright Green
"""
LAST = tuple(_LAST_TEXT.split())
DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "web.de")
CLASSES = (
    ("Vinyasa Flow", "45.00"),
    ("Yin Yoga", "40.00"),
    ("Hatha Basics", "35.00"),
    ("Reformer Pilates", "60.00"),
    ("Prenatal Yoga", "40.00"),
    ("Private Session", "120.00"),
    ("Weekend Workshop", "95.00"),
)
ROOMS = ("Studio A", "Studio B", "Garden Room")
TEACHERS = ("Alex", "Bea", "Caro", "Dev")


@attrs.frozen
class Person:
    """A generated person; ``alias`` is the second email of a duplicate, if any."""

    name: str
    email: str
    phone: str
    visits_per_month: float
    alias: str | None = None
    alias_name: str | None = None


@attrs.frozen
class Studio:
    """A generated studio: its people and the span of its history."""

    people: tuple[Person, ...]
    start: datetime
    end: datetime
    currency: str = "EUR"

    @property
    def duplicates(self) -> tuple[Person, ...]:
        """The people who booked under two emails (the truth a deduplicator should find)."""
        return tuple(p for p in self.people if p.alias is not None)


def _email(rng: random.Random, first: str, last: str, n: int) -> str:
    local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}{n}"))
    clean = "".join(c for c in local.lower() if c.isascii() and (c.isalnum() or c == "."))
    return f"{clean}{n}@{rng.choice(DOMAINS)}"


def _typo(rng: random.Random, email: str) -> str:
    local, domain = email.split("@")
    i = rng.randrange(1, len(local))
    variants = (local[:i] + local[i + 1 :], local.replace(".", ""), local + "+yoga")
    return f"{rng.choice(variants) or local}@{domain}"


def make_studio(
    seed: int = 7,
    *,
    clients: int = 3000,
    end: datetime,
    years: int = 2,
    duplicate_rate: float = 0.03,
    currency: str = "EUR",
) -> Studio:
    """Make the people of a studio whose history ends at ``end`` and spans ``years`` years."""
    rng = random.Random(seed)
    people = []
    for n in range(clients):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rate = rng.choice((0.1, 0.3, 0.6, 1, 2, 4, 6, 10))
        alias = alias_name = None
        email = _email(rng, first, last, n)
        if rng.random() < duplicate_rate:
            alias = _typo(rng, email)
            alias_name = rng.choice((f"{first} {last}", f"{first[0]}. {last}", first))
        phone = f"+4477009{n:05d}"
        people.append(Person(f"{first} {last}", email, phone, rate, alias, alias_name))
    return Studio(tuple(people), end - timedelta(days=365 * years), end, currency)


def studio_events(studio: Studio, seed: int = 7) -> Iterator[BookingEvent]:
    """Yield the studio's booking events, roughly in the order they happened."""
    rng, weekly = random.Random(seed), random.Random(f"{seed}-series")
    span = (studio.end - studio.start).days
    for index, person in enumerate(studio.people):
        joined = rng.randrange(span)
        active_days = rng.randrange(30, span - joined + 31)
        visits = max(1, round(person.visits_per_month * active_days / 30))
        for v in range(visits):
            day = joined + rng.randrange(active_days)
            yield from _booking(rng, studio, person, f"bk-{index}-{v}", day)
        still_coming = joined + active_days >= span - 60
        if still_coming and person.visits_per_month >= 4 and weekly.random() < 0.6:
            yield from _series(weekly, studio, person, f"series-{index}")


def _series(
    rng: random.Random, studio: Studio, person: Person, series_id: str
) -> Iterator[BookingEvent]:
    """A regular's weekly class, booked for the next four weeks in one go."""
    service = rng.choice(CLASSES)[0]
    first = (studio.end + timedelta(days=rng.randrange(1, 8))).replace(
        hour=rng.choice((7, 18)), minute=0, second=0, microsecond=0
    )
    booked_at = studio.end - timedelta(days=rng.randrange(1, 6))
    for week in range(4):
        yield BookingEvent(
            kind=BookingEventKind.BOOKED,
            event_id=f"{series_id}-{week}-0",
            booking_id=f"{series_id}-{week}",
            occurred_at=booked_at,
            email=person.email,
            service=service,
            starts_at=first + timedelta(weeks=week),
            name=person.name,
            series_id=series_id,
        )


def _booking(
    rng: random.Random, studio: Studio, person: Person, booking_id: str, day: int
) -> Iterator[BookingEvent]:
    service, price = rng.choice(CLASSES)
    start = (studio.start + timedelta(days=day)).replace(hour=rng.choice((7, 9, 12, 18, 19)))
    booked_at = start - timedelta(days=rng.randrange(1, 14), minutes=rng.randrange(600))
    use_alias = person.alias is not None and rng.random() < 0.3
    email = person.alias if use_alias and person.alias else person.email
    name = person.alias_name if use_alias else person.name
    template = BookingEvent(
        kind=BookingEventKind.BOOKED,
        event_id=f"{booking_id}-0",
        booking_id=booking_id,
        occurred_at=booked_at,
        email=email,
        service=service,
        starts_at=start,
        name=name,
        phone=person.phone if rng.random() < 0.6 else None,
        location=rng.choice(ROOMS),
        staff=rng.choice(TEACHERS),
    )

    def ev(kind: BookingEventKind, at: datetime, n: int, amount: str | None = None) -> BookingEvent:
        money = Money(Decimal(amount), studio.currency) if amount is not None else None
        return attrs.evolve(
            template, kind=kind, event_id=f"{booking_id}-{n}", occurred_at=at, amount=money
        )

    if booked_at >= studio.end:
        return
    yield ev(BookingEventKind.BOOKED, booked_at, 0)
    paid = rng.random() < 0.93
    if paid:
        yield ev(BookingEventKind.PAID, booked_at + timedelta(minutes=1), 1, price)
    if start >= studio.end:
        return
    roll = rng.random()
    if roll < 0.08:
        cancelled_at = start - timedelta(hours=rng.randrange(1, 72))
        yield ev(BookingEventKind.CANCELLED, cancelled_at, 2)
        if paid and rng.random() < 0.7:
            yield ev(BookingEventKind.REFUNDED, cancelled_at + timedelta(hours=1), 3)
    elif roll < 0.13:
        yield ev(BookingEventKind.NO_SHOW, start + timedelta(hours=1), 2)
    else:
        yield ev(BookingEventKind.COMPLETED, start + timedelta(hours=1), 2)
        if paid and rng.random() < 0.01:
            half = str((Decimal(price) / 2).quantize(Decimal("0.01")))
            yield ev(BookingEventKind.PARTIALLY_REFUNDED, start + timedelta(days=2), 3, half)
