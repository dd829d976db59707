"""What a pair of records agrees and disagrees on, computed for many pairs at once.

Profiles become columns of integer codes (one vocabulary per kind of value, ``-1`` where a
value is missing), so equality over millions of pairs is one array comparison. Comparisons
that need the text (nicknames, typos, near phones, fuzzy columns) run once per distinct pair
of values, not once per pair of records: most pairs share their names with many others.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from clientcrm.matching.contacts import phones_near_many
from clientcrm.matching.names import UNKNOWN, name_similarities
from clientcrm.matching.records import Agreement, Evidence, Profile

__all__ = [
    "Columns",
    "ColumnsBuilder",
    "EmailAgreement",
    "PairFeatures",
    "PhoneAgreement",
    "distinctive_local",
]

Codes = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
T = TypeVar("T", bound=np.generic)

MISSING = -1
DISTINCTIVE_LOCAL = 6
"""Local parts shorter than this (``info``, ``ks``) point at no one in particular."""


def distinctive_local(profile: Profile) -> bool:
    """Whether the email's local part says more than the name does: ``ksmith84`` or
    ``yogakate`` do; ``kate.smith`` and ``smithk`` only spell the name, which any namesake
    may have taken at another provider."""
    email, name = profile.email, profile.name
    if email is None or len(email.local_key) < DISTINCTIVE_LOCAL:
        return False
    first, last = name.first or "", name.last or ""
    spellings = {first + last, last + first, first[:1] + last, last + first[:1], first, last}
    return email.local_key not in spellings


class EmailAgreement(enum.IntEnum):
    """How two emails relate, strongest last."""

    NONE = 0
    SAME_DOMAIN = 1
    """The same company domain (never a free-mail one)."""
    SAME_PLAIN_LOCAL = 2
    """The same local part at different providers, short or only spelling the name."""
    SAME_LOCAL = 3
    """The same distinctive local part at different providers."""
    PROVIDER = 4
    """One mailbox by the provider's rules (Gmail dots, ``+tags``), written differently."""
    EXACT = 5


class PhoneAgreement(enum.IntEnum):
    """How two phones relate."""

    MISSING = 0
    DIFFERENT = 1
    NEAR = 2
    EXACT = 3


class _Vocabulary:
    """Distinct values and their codes."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.values: list[str] = []

    def code(self, value: str | None) -> int:
        if value is None:
            return MISSING
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code

    def remap(self, other: _Vocabulary) -> Codes:
        """Where each of ``other``'s codes lands in this vocabulary, with ``MISSING`` last
        (so that indexing by ``-1`` keeps a missing value missing)."""
        codes = [self.code(value) for value in other.values]
        return np.array([*codes, MISSING], dtype=np.int64)


def _append(codes: array[int], remap: Codes, other: array[int]) -> None:
    """Append ``other``'s codes to ``codes``, translated through ``remap``."""
    codes.frombytes(remap[np.frombuffer(other, np.int64)].tobytes())


class ColumnsBuilder:
    """`Columns` made one profile at a time, so that no profile need be kept: a million
    records cost a few arrays of integers, not a million objects."""

    def __init__(self, evidence: int = 0) -> None:
        self._names, self._words, self._emails = _Vocabulary(), _Vocabulary(), _Vocabulary()
        self._phones, self._locals, self._domains = _Vocabulary(), _Vocabulary(), _Vocabulary()
        self._extras = [_Vocabulary() for _ in range(evidence)]
        self._ids: list[str] = []
        self._codes = {
            k: array("q")
            for k in ("name_key", "first", "last", "suffix", "email", "canonical", "local_key")
        } | {k: array("q") for k in ("domain", "phone")}
        self._extra = [array("q") for _ in range(evidence)]
        self._distinctive, self._free = bytearray(), bytearray()

    def add(self, profile: Profile) -> None:
        """Append one profile's codes."""
        name, mail, c = profile.name, profile.email, self._codes
        self._ids.append(profile.id)
        c["name_key"].append(self._names.code(name.key or None))
        c["first"].append(self._words.code(name.first))
        c["last"].append(self._words.code(name.last))
        c["suffix"].append(self._names.code(name.suffix))
        c["email"].append(self._emails.code(mail.address if mail else None))
        c["canonical"].append(self._emails.code(mail.canonical if mail else None))
        c["local_key"].append(self._locals.code(mail.local_key if mail else None))
        c["domain"].append(self._domains.code(mail.domain if mail else None))
        c["phone"].append(self._phones.code(profile.phone))
        for k, vocabulary in enumerate(self._extras):
            self._extra[k].append(vocabulary.code(profile.extra[k]))
        self._distinctive.append(distinctive_local(profile))
        self._free.append(mail.free if mail else True)

    def extend(self, other: ColumnsBuilder) -> None:
        """Append the profiles another builder took (made in another process), in order."""
        vocabularies = {
            "name_key": (self._names, other._names),
            "suffix": (self._names, other._names),
            "first": (self._words, other._words),
            "last": (self._words, other._words),
            "email": (self._emails, other._emails),
            "canonical": (self._emails, other._emails),
            "local_key": (self._locals, other._locals),
            "domain": (self._domains, other._domains),
            "phone": (self._phones, other._phones),
        }
        remaps: dict[int, Codes] = {}
        for column, (mine, theirs) in vocabularies.items():
            remap = remaps.setdefault(id(theirs), mine.remap(theirs))
            self._codes[column].frombytes(
                (remap[np.frombuffer(other._codes[column], np.int64)]).tobytes()
            )
        for k, (mine, theirs) in enumerate(zip(self._extras, other._extras, strict=True)):
            self._extra[k].frombytes(
                (mine.remap(theirs)[np.frombuffer(other._extra[k], np.int64)]).tobytes()
            )
        self._ids.extend(other._ids)
        self._distinctive.extend(other._distinctive)
        self._free.extend(other._free)

    def build(self) -> Columns:
        """The columns of every profile added, in the order added."""
        codes = {k: np.frombuffer(v, dtype=np.int64).copy() for k, v in self._codes.items()}
        return Columns(
            ids=tuple(self._ids),
            **codes,
            distinctive=np.frombuffer(self._distinctive, dtype=np.bool_).copy(),
            free=np.frombuffer(self._free, dtype=np.bool_).copy(),
            extra=tuple(np.frombuffer(v, dtype=np.int64).copy() for v in self._extra),
            names=self._words.values,
            phones=self._phones.values,
            extra_values=tuple(v.values for v in self._extras),
        )


@attrs.frozen
class Columns:
    """Profiles as columns of codes, in the order given."""

    ids: tuple[str, ...]
    name_key: Codes
    first: Codes
    last: Codes
    suffix: Codes
    email: Codes
    canonical: Codes
    local_key: Codes
    distinctive: Flags
    domain: Codes
    free: Flags
    phone: Codes
    extra: tuple[Codes, ...]
    names: list[str]
    phones: list[str]
    extra_values: tuple[list[str], ...]

    @classmethod
    def of(cls, profiles: Sequence[Profile], evidence: Sequence[Evidence] = ()) -> Columns:
        """Columns of ``profiles``, which were normalised with ``evidence``."""
        builder = ColumnsBuilder(len(evidence))
        for profile in profiles:
            builder.add(profile)
        return builder.build()

    def __len__(self) -> int:
        return len(self.ids)


_DISTINCT_FROM = 64
"""Pairs past which comparing each distinct pair once pays for sorting them out (it does in
bulk, not for the few of a real-time check)."""


def _each_distinct(
    left: Codes,
    right: Codes,
    values: list[str],
    compare: Callable[[list[str], list[str]], npt.NDArray[T]],
    missing: float,
) -> npt.NDArray[T]:
    """``compare`` of the values under each pair of codes, batched over the distinct pairs;
    ``missing`` where either code is."""
    both = (left != MISSING) & (right != MISSING)
    width = max(len(values), 1)
    pairs = left[both] * width + right[both]
    bulk = len(pairs) > _DISTINCT_FROM
    distinct, inverse = np.unique(pairs, return_inverse=True) if bulk else (pairs, None)
    results = compare(
        [values[k] for k in (distinct // width).tolist()],
        [values[k] for k in (distinct % width).tolist()],
    )
    out = np.full(len(left), missing, dtype=results.dtype)
    out[both] = results if inverse is None else results[inverse]
    return out


def _similarity(left: Codes, right: Codes, names: list[str], *, given: bool) -> Floats:
    return _each_distinct(left, right, names, partial(name_similarities, given=given), UNKNOWN)


@attrs.frozen
class PairFeatures:
    """What each pair ``(left[k], right[k])`` agrees on.

    Attributes:
        same_name: the same words in any order, the same suffix.
        first: how alike the given names are, in the better of the two alignments.
        last: how alike the surnames are, in that alignment.
        swapped: whether the better alignment swaps given name and surname.
        suffix_conflict: one name is "Jr", "Sr", "II", ... and the other is not the same.
        email: how the emails relate.
        phone: how the phones relate.
        extra: for each evidence column, an `Agreement` code.
    """

    same_name: Flags
    first: Floats
    last: Floats
    swapped: Flags
    suffix_conflict: Flags
    first_missing: Flags
    email: npt.NDArray[np.int8]
    phone: npt.NDArray[np.int8]
    extra: tuple[npt.NDArray[np.int8], ...]

    @classmethod
    def compute(
        cls, columns: Columns, left: Codes, right: Codes, evidence: Sequence[Evidence] = ()
    ) -> PairFeatures:
        """Compare the records at positions ``left[k]`` and ``right[k]`` for every ``k``."""
        c = columns
        first, last, swapped = _names(c, left, right)
        return cls(
            same_name=(c.name_key[left] == c.name_key[right]) & (c.name_key[left] != MISSING),
            first=first,
            last=last,
            swapped=swapped,
            suffix_conflict=c.suffix[left] != c.suffix[right],
            first_missing=(c.first[left] == MISSING) | (c.first[right] == MISSING),
            email=_emails(c, left, right),
            phone=_phones(c, left, right),
            extra=tuple(
                _agreements(c.extra[k][left], c.extra[k][right], c.extra_values[k], e)
                for k, e in enumerate(evidence)
            ),
        )


_SWAP_ALIKE = 0.8


def _names(c: Columns, left: Codes, right: Codes) -> tuple[Floats, Floats, Flags]:
    """Given names and surnames compared as written, and crosswise (``Smith Kate``).

    Crosswise, the better-matching pair plays the given name, so that the comparison of
    ``a`` with ``b`` is the comparison of ``b`` with ``a``. A swap needs both crosswise pairs
    alike: one surname that happens to be a given name (Williams, William) is no swap.
    """
    first = _similarity(c.first[left], c.first[right], c.names, given=True)
    last = _similarity(c.last[left], c.last[right], c.names, given=False)
    both_full = (c.last[left] != MISSING) & (c.last[right] != MISSING)
    one = _similarity(c.first[left], c.last[right], c.names, given=True)
    other = _similarity(c.last[left], c.first[right], c.names, given=True)
    first_x, last_x = np.maximum(one, other), np.minimum(one, other)
    swapped = both_full & (last_x >= _SWAP_ALIKE) & (first_x + last_x > first + last)
    return np.where(swapped, first_x, first), np.where(swapped, last_x, last), swapped


def _emails(c: Columns, left: Codes, right: Codes) -> npt.NDArray[np.int8]:
    present = (c.email[left] != MISSING) & (c.email[right] != MISSING)
    same_local = present & (c.local_key[left] == c.local_key[right])
    distinctive = c.distinctive[left] | c.distinctive[right]
    return np.select(
        [
            present & (c.email[left] == c.email[right]),
            present & (c.canonical[left] == c.canonical[right]),
            same_local & distinctive,
            same_local,
            present & (c.domain[left] == c.domain[right]) & ~c.free[left],
        ],
        [
            EmailAgreement.EXACT,
            EmailAgreement.PROVIDER,
            EmailAgreement.SAME_LOCAL,
            EmailAgreement.SAME_PLAIN_LOCAL,
            EmailAgreement.SAME_DOMAIN,
        ],
        EmailAgreement.NONE,
    ).astype(np.int8)


def _phones(c: Columns, left: Codes, right: Codes) -> npt.NDArray[np.int8]:
    a, b = c.phone[left], c.phone[right]
    present = (a != MISSING) & (b != MISSING)
    near = _each_distinct(a, b, c.phones, phones_near_many, False)
    return np.select(
        [present & (a == b), present & near, present],
        [PhoneAgreement.EXACT, PhoneAgreement.NEAR, PhoneAgreement.DIFFERENT],
        PhoneAgreement.MISSING,
    ).astype(np.int8)


def _agreements(a: Codes, b: Codes, values: list[str], evidence: Evidence) -> npt.NDArray[np.int8]:
    return _each_distinct(a, b, values, evidence.agreements, Agreement.MISSING)
