"""Labelled people for calibrating and testing deduplication: who is who is known.

`labelled_people` makes a client list the way booking platforms have them: many distinct
people, common names shared by strangers, and some people recorded twice or three times, each
copy corrupted in one realistic way (`Corruption`). Beside them, hard negatives: different
people who look alike (`HardNegative`): partners sharing one email or one phone, a father and
son with one name at one address, strangers with the same name in the same city.

A duplicate always keeps one contact detail of its person (an email, an email the provider
delivers to the same mailbox, or a phone): one that shares nothing but a name is a namesake to
any honest matcher.

Every record carries ``city``, ``postcode``, ``address`` and ``birth_date`` in ``extra``.
The same seed always gives the same people.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations

import attrs

from clientcrm.matching.contacts import parse_email
from clientcrm.matching.names import first_name_similarity, fold_text
from clientcrm.matching.records import Compare, Evidence, Record

__all__ = ["EVIDENCE", "Corruption", "HardNegative", "LabelledPeople", "labelled_people"]


class Corruption(enum.StrEnum):
    """How a duplicate record differs from its person's first record."""

    TYPO = "typo"
    NICKNAME = "nickname"
    SWAPPED = "swapped"
    MARRIED = "married"
    GMAIL = "gmail"
    PHONE_FORMAT = "phone_format"
    MISSING = "missing"
    ACCENTS = "accents"


class HardNegative(enum.StrEnum):
    """How a different person is made to look like another."""

    HOUSEHOLD_EMAIL = "household_email"
    HOUSEHOLD_PHONE = "household_phone"
    FATHER_SON = "father_son"
    NAMESAKE = "namesake"


EVIDENCE = (
    Evidence("city", Compare.FUZZY_TEXT, weight=0.03),
    Evidence("postcode", Compare.EXACT, penalty=0.05),
    Evidence("address", Compare.FUZZY_TEXT, penalty=0.03),
    Evidence("birth_date", Compare.DATE),
)
"""The extra columns of every record, declared for `clientcrm.matching.find_duplicates`."""

# Weighted by how common the names are in the markets of the seeds.
_FIRST = """
james:9 john:9 robert:7 michael:7 william:7 david:7 richard:5 joseph:5 thomas:6 charles:4
christopher:5 daniel:6 matthew:5 anthony:4 mark:4 steven:3 andrew:5 joshua:3 kenneth:2
mary:8 patricia:4 jennifer:6 linda:3 elizabeth:7 barbara:3 susan:4 jessica:5 sarah:7
karen:3 margaret:4 katherine:6 emily:5 emma:6 olivia:5 sophie:4 hannah:4 grace:3 chloe:3
lucy:3 rebecca:4 victoria:4 alexander:4 benjamin:4 samuel:4 oliver:4 jack:4 harry:3
jose:5 maria:8 ana:5 joao:4 pedro:3 lucia:3 carlos:4 javier:3 sofia:4 mateo:2 camila:2
francois:2 zoe:3 chloe:2 amelie:2 lea:2 lukas:3 jurgen:2 sebastien:2 soren:1 bjorn:1
ines:2 clara:3 marco:3 giulia:2 elena:3 ivan:2 nora:2 omar:2 priya:2 ravi:2 theo:2
"""
_FIRST_SPELLED = {
    "jose": "José",
    "joao": "João",
    "francois": "François",
    "zoe": "Zoë",
    "amelie": "Amélie",
    "lea": "Léa",
    "jurgen": "Jürgen",
    "sebastien": "Sébastien",
    "soren": "Søren",
    "bjorn": "Björn",
    "ines": "Inês",
    "lucia": "Lucía",
}
_LAST = """
smith:10 jones:7 williams:6 brown:6 taylor:6 davies:5 evans:4 wilson:4 thomas:4 johnson:4
roberts:3 walker:3 wright:3 robinson:3 thompson:3 white:3 hughes:3 edwards:3 green:3
silva:6 santos:5 oliveira:4 souza:3 pereira:4 costa:3 garcia:6 fernandez:4 lopez:4
martinez:4 rodriguez:4 sanchez:3 muller:5 schmidt:4 schneider:3 fischer:3 weber:3
martin:4 bernard:2 dubois:3 moreau:2 lefebvre:2 rossi:3 russo:2 bianchi:2 kowalski:2
nowak:2 novak:2 obrien:2 murphy:3 kelly:3 walsh:2 byrne:2 nguyen:3 kim:3 patel:4
cohen:2 nakamura:1 johansson:2 nielsen:2 jensen:2 andersen:2 hansen:2 larsen:1
"""
_LAST_SPELLED = {
    "garcia": "García",
    "fernandez": "Fernández",
    "lopez": "López",
    "martinez": "Martínez",
    "rodriguez": "Rodríguez",
    "sanchez": "Sánchez",
    "muller": "Müller",
    "obrien": "O'Brien",
}
_FREE = ("gmail.com",) * 8 + (
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "gmx.de",
    "web.de",
    "uol.com.br",
    "hotmail.es",
    "orange.fr",
)
_COMPANY = tuple(
    f"{a}{b}.{tld}"
    for a in ("blue", "north", "bright", "green", "swift", "urban", "pure", "open", "red", "true")
    for b in ("leaf", "wave", "stone", "field", "works", "labs", "studio", "craft", "point", "gate")
    for tld in ("com", "co.uk", "de", "es", "pt", "fr")
)
_CITIES = (
    "London",
    "Manchester",
    "Bristol",
    "Leeds",
    "Lisbon",
    "Porto",
    "Madrid",
    "Berlin",
    "Munich",
    "Paris",
    "Lyon",
    "São Paulo",
    "Dublin",
    "Barcelona",
    "Hamburg",
)
_STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Mill Road",
    "Rua Augusta",
    "Calle Mayor",
    "Hauptstraße",
    "Rue de la Paix",
    "Victoria Road",
)


def _weighted(text: str) -> tuple[list[str], list[int]]:
    pairs = [item.split(":") for item in text.split()]
    return [name for name, _ in pairs], [int(weight) for _, weight in pairs]


@attrs.frozen
class LabelledPeople:
    """Records with their truth.

    Attributes:
        records: every record, in generation order.
        person: the true person of each record, by record id.
        kind: each record's `Corruption` (duplicates), `HardNegative` (look-alikes) or
            ``None`` (a person's first record).
        negatives: the look-alike pairs of record ids, by kind.
    """

    records: tuple[Record, ...]
    person: dict[str, int]
    kind: dict[str, Corruption | HardNegative | None]
    negatives: dict[HardNegative, frozenset[tuple[str, str]]]

    def true_pairs(self) -> set[tuple[str, str]]:
        """Every pair of records (ids in sorted order) that are one person."""
        by_person: dict[int, list[str]] = {}
        for record in self.records:
            by_person.setdefault(self.person[record.id], []).append(record.id)
        return {
            _pair(a, b)
            for ids in by_person.values()
            if len(ids) > 1
            for a, b in combinations(ids, 2)
        }


def _mailbox(email: str) -> str:
    parts = parse_email(email)
    assert parts is not None
    return parts.canonical


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@attrs.define
class _Maker:
    rng: random.Random
    firsts: tuple[list[str], list[int]] = attrs.Factory(lambda: _weighted(_FIRST))
    lasts: tuple[list[str], list[int]] = attrs.Factory(lambda: _weighted(_LAST))
    emails: set[str] = attrs.Factory(set)
    records: list[Record] = attrs.Factory(list)
    person: dict[str, int] = attrs.Factory(dict)
    kind: dict[str, Corruption | HardNegative | None] = attrs.Factory(dict)
    negatives: dict[HardNegative, set[tuple[str, str]]] = attrs.Factory(dict)
    people: int = 0

    def first(self) -> str:
        name = self.rng.choices(*self.firsts)[0]
        return _FIRST_SPELLED.get(name, name.title())

    def last(self) -> str:
        name = self.rng.choices(*self.lasts)[0]
        return _LAST_SPELLED.get(name, name.title())

    def email(self, first: str, last: str) -> str:
        f, s = (fold_text(x).replace("'", "") for x in (first, last))
        year = self.rng.randrange(60, 100)
        local = self.rng.choice(
            (f"{f}.{s}", f"{f}{s}", f"{f[0]}{s}", f"{f}.{s}{year}", f"{f}_{s}", f"{s}.{f}")
        )
        domain = self.rng.choice(_COMPANY) if self.rng.random() < 0.12 else self.rng.choice(_FREE)
        email = f"{local}@{domain}"
        while _mailbox(email) in self.emails:  # Gmail has one mailbox for kate.smith, katesmith
            email = f"{local}{self.rng.randrange(10, 10_000)}@{domain}"
        self.emails.add(_mailbox(email))
        return email

    def phone(self) -> str:
        return f"+447{self.rng.randrange(400_000_000, 999_999_999)}"

    def place(self) -> dict[str, str]:
        city = self.rng.choice(_CITIES)
        return {
            "city": city,
            "postcode": f"{city[:2].upper()}{self.rng.randrange(1, 30)} {self.rng.randrange(1, 9)}"
            f"{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "address": f"{self.rng.randrange(1, 200)} {self.rng.choice(_STREETS)}",
        }

    def birth_date(self, earliest: int = 1950, latest: int = 2005) -> str:
        start = date(earliest, 1, 1)
        return (start + timedelta(days=self.rng.randrange(365 * (latest - earliest)))).isoformat()

    def add(self, person: int, kind: Corruption | HardNegative | None, **fields: object) -> Record:
        record_id = f"r{len(self.records)}"
        extra = {k: fields.pop(k) for k in ("city", "postcode", "address", "birth_date")}
        record = Record(record_id, extra=extra, **fields)  # type: ignore[arg-type]
        self.records.append(record)
        self.person[record_id] = person
        self.kind[record_id] = kind
        return record

    def new_person(self, kind: HardNegative | None = None, **fields: object) -> Record:
        first, last = self.first(), self.last()
        values: dict[str, object] = {
            "name": f"{first} {last}",
            "email": self.email(first, last),
            "phone": self.phone() if self.rng.random() < 0.7 else None,
            "birth_date": self.birth_date() if self.rng.random() < 0.8 else None,
            **self.place(),
        }
        values.update(fields)
        self.people += 1
        return self.add(self.people, kind, **values)


def labelled_people(
    count: int, *, seed: int = 0, duplicates: float = 0.2, lookalikes: float = 0.08
) -> LabelledPeople:
    """Make about ``count`` labelled records.

    Args:
        count: how many records to make (the last person's copies may pass it by two).
        seed: the random seed.
        duplicates: the share of people recorded more than once.
        lookalikes: the share of people followed by a hard negative of them.
    """
    maker = _Maker(random.Random(seed))
    while len(maker.records) < count:
        original = maker.new_person()
        roll = maker.rng.random()
        if roll < duplicates:
            for _ in range(1 if maker.rng.random() < 0.85 else 2):
                corruption = maker.rng.choice(list(Corruption))
                maker.add(maker.people, corruption, **_corrupt(maker, original, corruption))
        elif roll < duplicates + lookalikes:
            negative = maker.rng.choice(list(HardNegative))
            twin = maker.new_person(negative, **_lookalike(maker, original, negative))
            maker.negatives.setdefault(negative, set()).add(_pair(original.id, twin.id))
    return LabelledPeople(
        tuple(maker.records),
        maker.person,
        maker.kind,
        {k: frozenset(v) for k, v in maker.negatives.items()},
    )


def _fields(record: Record) -> dict[str, object]:
    return {"name": record.name, "email": record.email, "phone": record.phone, **record.extra}


def _corrupt(maker: _Maker, original: Record, corruption: Corruption) -> dict[str, object]:
    rng = maker.rng
    fields = _fields(original)
    phone = original.phone
    if corruption is Corruption.GMAIL or (corruption is Corruption.PHONE_FORMAT and not phone):
        fields["email"] = _gmail_variant(rng, str(original.email))
    elif corruption is Corruption.PHONE_FORMAT:
        fields.update(email=_other_email(maker, original), phone=_national(str(phone), rng))
    elif corruption is Corruption.MISSING:
        if phone is not None and rng.random() < 0.5:
            fields.update(email=None, phone=_national(phone, rng))
        else:
            fields.update(phone=None)
        fields.update(birth_date=None, address=None)
    else:
        fields["name"] = _renamed(maker, str(original.name), corruption)
        if phone is not None and rng.random() < 0.5:  # a new email, the same phone
            fields.update(email=_other_email(maker, original), phone=_national(phone, rng))
    return fields


def _other_email(maker: _Maker, original: Record) -> str:
    first, _, last = str(original.name).partition(" ")
    return maker.email(first, last)


def _renamed(maker: _Maker, name: str, corruption: Corruption) -> str:
    rng = maker.rng
    first, _, last = name.partition(" ")
    if corruption is Corruption.TYPO:
        if rng.random() < 0.5:
            return f"{_typo(rng, first)} {last}"
        return f"{first} {_typo(rng, last)}"
    if corruption is Corruption.NICKNAME:
        return f"{_nickname(rng, first)} {last}"
    if corruption is Corruption.SWAPPED:
        return rng.choice((f"{last} {first}", f"{last.upper()}, {first}"))
    if corruption is Corruption.MARRIED:
        return f"{first} {maker.last()}"
    return rng.choice((fold_text(name).title(), name.upper()))  # accents


def _lookalike(maker: _Maker, original: Record, negative: HardNegative) -> dict[str, object]:
    rng = maker.rng
    first, _, last = str(original.name).partition(" ")
    other = maker.first()
    while first_name_similarity(other, first) >= _ONE_GIVEN_NAME:  # Maria and Mary: one name
        other = maker.first()
    home = {k: original.extra[k] for k in ("city", "postcode", "address")}
    if negative is HardNegative.HOUSEHOLD_EMAIL:
        surname = last if rng.random() < 0.7 else maker.last()
        return {"name": f"{other} {surname}", "email": original.email, **home}
    if negative is HardNegative.HOUSEHOLD_PHONE:
        surname = last if rng.random() < 0.7 else maker.last()
        phone = original.phone or maker.phone()
        return {"name": f"{other} {surname}", "phone": _national(phone, rng), **home}
    if negative is HardNegative.FATHER_SON:
        born = str(original.extra["birth_date"] or maker.birth_date())
        son = maker.birth_date(int(born[:4]) + 22, int(born[:4]) + 40)
        return {"name": original.name, "birth_date": son, **home}
    return {"name": original.name, "city": original.extra["city"]}


_ONE_GIVEN_NAME = 0.8
"""A first-name likeness from which two given names may be one person's (Kate, Katherine)."""


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    return rng.choice(
        (
            word[:i] + word[i + 1 :],  # a letter dropped
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],  # two letters swapped
            word[:i] + rng.choice("aeinorst") + word[i + 1 :],  # a letter mistyped
            word[:i] + word[i] + word[i:],  # a letter doubled
        )
    )


_NICKNAMES = {
    "katherine": ("Kate", "Kathy", "Katie"),
    "elizabeth": ("Liz", "Beth", "Betty"),
    "robert": ("Bob", "Rob", "Bobby"),
    "william": ("Bill", "Will", "Billy"),
    "margaret": ("Maggie", "Peggy", "Meg"),
    "james": ("Jim", "Jimmy", "Jamie"),
    "michael": ("Mike", "Mikey"),
    "richard": ("Rick", "Dick", "Rich"),
    "joseph": ("Joe", "Joey"),
    "thomas": ("Tom", "Tommy"),
    "christopher": ("Chris",),
    "daniel": ("Dan", "Danny"),
    "matthew": ("Matt",),
    "anthony": ("Tony",),
    "andrew": ("Andy", "Drew"),
    "jennifer": ("Jen", "Jenny"),
    "patricia": ("Pat", "Patty"),
    "rebecca": ("Becky",),
    "victoria": ("Vicky", "Tori"),
    "alexander": ("Alex", "Sandy"),
    "benjamin": ("Ben",),
    "samuel": ("Sam",),
    "susan": ("Sue", "Susie"),
    "jessica": ("Jess",),
    "barbara": ("Barb",),
    "joshua": ("Josh",),
    "steven": ("Steve",),
}
"""Nicknames people use of themselves (a sample; the matcher has the full table)."""


def _nickname(rng: random.Random, first: str) -> str:
    options = _NICKNAMES.get(fold_text(first))
    return rng.choice(options) if options else _typo(rng, first)


def _gmail_variant(rng: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    if domain != "gmail.com":
        return f"{local}+{rng.choice(('yoga', 'gym', 'bookings'))}@{domain}"
    bare = local.replace(".", "")
    i = rng.randrange(1, len(bare))
    return rng.choice(
        (
            f"{bare[:i]}.{bare[i:]}@gmail.com",
            f"{local}+{rng.choice(('yoga', 'pilates', 'studio'))}@gmail.com",
            f"{local}@googlemail.com",
            f"{local.upper()}@gmail.com",
        )
    )


def _national(phone: str, rng: random.Random) -> str:
    """The number in one of the ways people write it."""
    digits = phone.removeprefix("+44")
    return rng.choice(
        (
            phone,
            f"0{digits[:4]} {digits[4:]}",
            f"+44 {digits[:4]} {digits[4:]}",
            f"0{digits}",
            f"(0{digits[:4]}) {digits[4:7]}-{digits[7:]}",
        )
    )


def iter_pairs(people: LabelledPeople, kind: Corruption) -> Iterator[tuple[str, str]]:
    """The true pairs whose later record has this corruption."""
    first: dict[int, str] = {}
    for record in people.records:
        person = people.person[record.id]
        if people.kind[record.id] is kind and person in first:
            yield _pair(first[person], record.id)
        first.setdefault(person, record.id)
