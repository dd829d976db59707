"""What the matcher compares: records of people, and the extra evidence a file may carry."""

from __future__ import annotations

import enum
import math
import operator
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from clientcrm.matching.contacts import EmailParts, parse_email, parse_phone
from clientcrm.matching.names import PersonName, fold_text, parse_name
from clientcrm.matching.parallel import batch_workers
from clientcrm.models.client import Client

__all__ = ["Agreement", "Compare", "Evidence", "Profile", "Record"]


class Compare(enum.StrEnum):
    """How an evidence column's values are compared."""

    EXACT = "exact"
    """Equal after folding case, accents and spaces (postcodes, ids)."""
    FUZZY_TEXT = "fuzzy_text"
    """Alike as text, word order aside (addresses, cities)."""
    DATE = "date"
    """Equal dates; a day and month swapped, or two digits transposed, count half."""


class Agreement(enum.IntEnum):
    """What one evidence column says about a pair."""

    MISSING = 0
    DISAGREE = 1
    NEAR = 2
    AGREE = 3


_DEFAULT_WEIGHTS = {Compare.EXACT: 0.1, Compare.FUZZY_TEXT: 0.1, Compare.DATE: 0.3}
_DEFAULT_PENALTIES = {Compare.EXACT: 0.0, Compare.FUZZY_TEXT: 0.0, Compare.DATE: 0.5}
_SPACES = re.compile(r"\s+")
_FUZZY_AGREE = 90.0


@attrs.frozen
class Evidence:
    """An extra column that helps tell people apart (city, postcode, address, birth date).

    Attributes:
        column: the key of the value in each record's ``extra``.
        compare: how values are compared.
        weight: what agreement adds to the score (half of it for a near date).
        penalty: what disagreement takes away (a different birth date: different people).
    """

    column: str
    compare: Compare = Compare.EXACT
    weight: float = attrs.field()
    penalty: float = attrs.field()

    @weight.default
    def _weight(self) -> float:
        return _DEFAULT_WEIGHTS[self.compare]

    @penalty.default
    def _penalty(self) -> float:
        return _DEFAULT_PENALTIES[self.compare]

    def normalise(self, value: Any) -> str | None:
        """The value as compared: folded text, or an ISO date; ``None`` when missing."""
        if value is None or value == "":
            return None
        if self.compare is Compare.DATE:
            return _iso_date(value)
        return _folded(str(value), spaces=self.compare is not Compare.EXACT)

    def agreement(self, a: str, b: str) -> Agreement:
        """Compare two normalised values (both present)."""
        return Agreement(int(self.agreements([a], [b])[0]))

    def agreements(self, a: Sequence[str], b: Sequence[str]) -> npt.NDArray[np.int8]:
        """The `Agreement` of each pair ``(a[k], b[k])`` of present values, in one batch."""
        if self.compare is Compare.FUZZY_TEXT:
            workers = batch_workers(len(a))
            alike = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, workers=workers)
            return np.where(alike >= _FUZZY_AGREE, Agreement.AGREE, Agreement.DISAGREE).astype(
                np.int8
            )
        equal = np.fromiter(map(operator.eq, a, b), dtype=np.bool_, count=len(a))
        if self.compare is Compare.DATE:
            near = np.fromiter(map(_near_dates, a, b), dtype=np.bool_, count=len(a))
        else:
            near = np.zeros(len(a), dtype=np.bool_)
        return np.select(
            [equal, near], [Agreement.AGREE, Agreement.NEAR], Agreement.DISAGREE
        ).astype(np.int8)


@lru_cache(maxsize=1 << 16)
def _folded(text: str, *, spaces: bool) -> str | None:
    folded = _SPACES.sub(" " if spaces else "", fold_text(text)).strip()
    return folded or None


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _iso_date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        return None


def _near_dates(a: str, b: str) -> bool:
    """A day and month swapped, or two adjacent digits transposed: the slips of writing a
    date. One digit changed is a different date (a twin's, a namesake's)."""
    year_a, month_a, day_a = a.split("-")
    year_b, month_b, day_b = b.split("-")
    if year_a == year_b and (month_a, day_a) == (day_b, month_b):
        return True
    return OSA.distance(a, b) == 1 and Levenshtein.distance(a, b) == 2


@attrs.frozen
class Record:
    """A person to compare: a client, an incoming booking's contact details, a file's row.

    Attributes:
        id: how the caller knows the record (a client id, a row number).
        name: the full name, in any order and form.
        email: one email address.
        phone: one phone number, in any format.
        extra: further evidence by column name, compared as `Evidence` declares.
    """

    id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, hash=False)

    @classmethod
    def of_client(cls, client: Client) -> Record:
        """The client as a record: its name, primary email and primary phone."""
        return cls(client.id, client.name, client.email, client.phone)

    @classmethod
    def each_of_client(cls, client: Client) -> list[Record]:
        """The client as records, one per contact detail it was seen with: each email with
        the primary phone, then the primary email with each further phone."""
        return [
            *(cls(client.id, client.name, e, client.phone) for e in sorted(client.emails)),
            *(cls(client.id, client.name, client.email, p) for p in sorted(client.phone_aliases)),
        ]

    @classmethod
    def of_mapping(cls, row: Mapping[str, Any], default_id: str = "") -> Record:
        """A record from a row read by its keys: ``id`` (else ``default_id``), ``name`` (or
        ``first_name`` and ``last_name``), ``email``, ``phone``; other keys go to ``extra``.
        Blanks (``None``, ``""``, NaN) count as missing."""
        data = {k: (None if _blank(v) else v) for k, v in row.items()}
        name = data.pop("name", None)
        first, last = data.pop("first_name", None), data.pop("last_name", None)
        if name is None and (first or last):
            name = " ".join(str(p) for p in (first, last) if p)
        record_id = data.pop("id", None)
        email, phone = data.pop("email", None), data.pop("phone", None)
        return cls(
            default_id if record_id is None else str(record_id),
            None if name is None else str(name),
            None if email is None else str(email),
            None if phone is None else str(phone),
            data,
        )


@attrs.frozen
class Profile:
    """A record normalised once for every comparison it takes part in."""

    id: str
    name: PersonName
    email: EmailParts | None
    phone: str | None
    extra: tuple[str | None, ...]

    @classmethod
    def of(
        cls, record: Record, evidence: tuple[Evidence, ...] = (), region: str | None = None
    ) -> Profile:
        """Normalise ``record``; phones without ``+`` are read in ``region``."""
        return cls(
            record.id,
            parse_name(record.name),
            parse_email(record.email),
            parse_phone(record.phone, region),
            tuple(e.normalise(record.extra.get(e.column)) for e in evidence),
        )
