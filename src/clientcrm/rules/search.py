"""Search terms: how names, emails and phones are folded so that a prefix finds them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["fold", "query_words", "search_terms"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHONE_QUERY = re.compile(r"^\+?[\d\s().-]{3,}$")
_EDGES = "\"'()[]{}<>,;:!?*.-_"


def fold(text: str) -> str:
    """Fold text for matching: compatibility forms, accents removed, case-folded."""
    if text.isascii():  # nothing to decompose or strip: most names and every email
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> set[str]:
    """Whitespace words with their outer punctuation trimmed, and the letter runs inside them."""
    words = set()
    for token in fold(text).split():
        word = token.strip(_EDGES)
        if word:
            words.add(word)
            words.update(_WORD.findall(word))
    return words


def search_terms(name: str, emails: Iterable[str], phones: Iterable[str]) -> set[str]:
    """Return the terms a client is found by: name words, emails and their parts, phone digits."""
    terms = _words(name)
    for email in emails:
        local, _, domain = email.partition("@")
        terms.update((email, local, domain, *_WORD.findall(local)))
    for phone in phones:
        digits = phone.lstrip("+")
        terms.update(digits[i:] for i in range(len(digits) - 6))
    terms.discard("")
    return terms


def query_words(search: str) -> tuple[str, ...]:
    """Split a search into the prefixes that must each match a term.

    Words are split on whitespace only, so ``kate.smith@gm`` or ``müller-lóp`` stay whole and
    match an email or a hyphenated name from its start. A phone-like search (digits, spaces,
    ``+``, ``-``, parentheses) becomes one run of digits, matched against the number's trailing
    digits so national forms find international ones.
    """
    text = search.strip()
    if _PHONE_QUERY.match(text):
        digits = re.sub(r"\D", "", text).lstrip("0")
        return (digits,) if digits else ()
    return tuple(w for w in (t.strip(_EDGES) for t in fold(text).split()) if w)
