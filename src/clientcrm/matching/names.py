"""People's names, folded for comparison: accents, case, punctuation, order, nicknames.

Nicknames come from the ``nicknames`` package (a maintained, crowd-checked table of English
given names and their nicknames); two given names are nicknames of each other when the table
relates them directly (Kate and Katherine), or one is the other cut short (Barb, Barbara),
or both are nicknames of one name and begin alike (Kate and Katie). Two nicknames of one name
that begin differently (Bill and Bob, through Robert) are not related: households have them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache

import attrs
import numpy as np
import numpy.typing as npt
from anyascii import anyascii
from nicknames import NickNamer
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from clientcrm.matching.parallel import batch_workers

__all__ = [
    "PersonName",
    "first_name_similarity",
    "fold_text",
    "name_roots",
    "name_similarities",
    "parse_name",
    "surname_similarity",
]

_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_SUFFIXES = {"jr": "jr", "junior": "jr", "sr": "sr", "senior": "sr", "ii": "ii", "iii": "iii"}
_SUFFIXES |= {"iv": "iv", "2nd": "ii", "3rd": "iii"}
_SEPARATORS = re.compile(r"[^a-z0-9']+")

EQUAL = 1.0
NICKNAME = 0.9
TYPO = 0.85
INITIAL = 0.8
UNKNOWN = 0.5
"""How alike two name parts are when one of them is missing: neither for nor against."""


def fold_text(text: str) -> str:
    """Fold text for comparison: compatibility forms, transliterated to ASCII, case-folded.

    ``"Zoë Łukasz-Ørsted"`` folds to ``"zoe lukasz-orsted"``.
    """
    if text.isascii():
        return text.casefold()
    return anyascii(unicodedata.normalize("NFKC", text)).casefold()


@attrs.frozen
class PersonName:
    """A name split into folded parts.

    Attributes:
        tokens: the folded words, honorifics and generational suffixes removed, in order
            (``"Smith, Kate"`` gives ``("kate", "smith")``).
        suffix: a generational suffix (``"jr"``, ``"sr"``, ``"ii"``, ...), if any.
        key: the tokens sorted and joined: equal keys are the same name in any order.
    """

    tokens: tuple[str, ...]
    suffix: str | None = None

    @property
    def first(self) -> str | None:
        """The given name: the first word, if any."""
        return self.tokens[0] if self.tokens else None

    @property
    def last(self) -> str | None:
        """The surname: the last word, when there are two or more."""
        return self.tokens[-1] if len(self.tokens) > 1 else None

    @property
    def key(self) -> str:
        """The words sorted and joined by spaces, with the suffix: order-insensitive."""
        words = " ".join(sorted(self.tokens))
        return f"{words} {self.suffix}" if self.suffix else words


def parse_name(text: str | None) -> PersonName:
    """Split a name into folded parts; a missing or empty name gives no parts.

    A comma means "surname, given names". Apostrophes vanish (``O'Brien`` is ``obrien``);
    other punctuation separates words (``Müller-López`` is ``muller lopez``).
    """
    if not text or not text.strip():
        return PersonName(())
    folded = fold_text(text)
    surname, comma, given = folded.partition(",")
    if comma:
        folded = f"{given} {surname}"
    words = [w.replace("'", "") for w in _SEPARATORS.split(folded)]
    suffix = None
    tokens: list[str] = []
    for word in words:
        if not word or word in _HONORIFICS:
            continue
        if word in _SUFFIXES and tokens:
            suffix = _SUFFIXES[word]
        else:
            tokens.append(word)
    return PersonName(tuple(tokens), suffix)


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=1 << 16)
def _relatives(name: str) -> frozenset[str]:
    """The name, its nicknames and the names it is a nickname of."""
    nicknamer = _nicknamer()
    return frozenset({name, *nicknamer.nicknames_of(name), *nicknamer.canonicals_of(name)})


@lru_cache(maxsize=1 << 16)
def name_roots(name: str) -> frozenset[str]:
    """The name and the names it is a nickname of: two nicknames of one name share a root.

    Blocking keys use these, so Kate and Katherine land in one block.
    """
    return frozenset({name, *_nicknamer().canonicals_of(name)})


@lru_cache(maxsize=1 << 16)
def _known(name: str) -> bool:
    return len(_relatives(name)) > 1


def _is_nickname(a: str, b: str) -> bool:
    if b in _relatives(a) or a in _relatives(b):
        return True
    short, long = sorted((a, b), key=len)
    if len(short) < 3:
        return False
    if long.startswith(short):
        return True
    return a[:3] == b[:3] and not name_roots(a).isdisjoint(name_roots(b))


def _is_typo(a: str, b: str, slips: float) -> bool:
    """``slips`` (edits) apart: one for names, two for long ones; and long enough to tell."""
    shortest = min(len(a), len(b))
    if shortest < 3 or a[0] != b[0]:
        return False
    return slips <= (2 if shortest >= 8 else 1)


def _initial(a: str, b: str) -> bool:
    return (len(a) == 1 or len(b) == 1) and a[0] == b[0]


def _likeness(a: str, b: str, slips: float, alike: float, *, given: bool) -> float:
    """The likeness of two present names, from their edit distance ``slips`` and their
    Jaro-Winkler similarity ``alike`` (computed one pair or a batch at a time)."""
    if a == b:
        return EQUAL
    if given and _is_nickname(a, b):
        return NICKNAME
    if _is_typo(a, b, slips) and not (given and _known(a) and _known(b)):
        return TYPO
    if _initial(a, b):
        return INITIAL
    return UNKNOWN * alike


def first_name_similarity(a: str | None, b: str | None) -> float:
    """How alike two given names are, in [0, 1].

    1.0 equal, 0.9 nicknames (or one cut short), 0.85 a typo, 0.8 an initial, 0.5 when one
    is missing, and at most 0.5 otherwise. Two different real names one letter apart (Mary,
    Mark) are not a typo of each other.
    """
    if a is None or b is None:
        return UNKNOWN
    return float(name_similarities([a], [b], given=True)[0])


def surname_similarity(a: str | None, b: str | None) -> float:
    """How alike two surnames are, in [0, 1]: as `first_name_similarity`, without nicknames."""
    if a is None or b is None:
        return UNKNOWN
    return float(name_similarities([a], [b], given=False)[0])


def name_similarities(
    a: Sequence[str], b: Sequence[str], *, given: bool
) -> npt.NDArray[np.float64]:
    """The likeness of each pair ``(a[k], b[k])`` of present given names (``given``) or
    surnames; the string metrics run in rapidfuzz's batch functions, on every core."""
    workers = batch_workers(len(a))
    slips = process.cpdist(a, b, scorer=OSA.distance, workers=workers)
    alike = process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=workers)
    return np.fromiter(
        (
            _likeness(x, y, s, j, given=given)
            for x, y, s, j in zip(a, b, slips.tolist(), alike.tolist(), strict=True)
        ),
        dtype=np.float64,
        count=len(a),
    )
