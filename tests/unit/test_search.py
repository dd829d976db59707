"""Search: which prefixes find a client, and which do not."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.rules.search import fold, query_words, search_terms

TERMS = search_terms("Zoë Müller-López", ["kate.smith123@gmail.com"], ["+447700900123"])


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("zoe", True),
        ("ZOË", True),
        ("zoe mül", True),
        ("lopez", True),
        ("müller-lóp", True),
        ("mul zoe", True),
        ("kate.smith", True),
        ("smith1", True),
        ("kate.smith123@gm", True),
        ("gmail", True),
        ("07700 900123", True),
        ("+44 7700 900 123", True),
        ("900123", False),  # fewer than seven trailing digits are not a phone search
        ("zoe smith9", False),
        ("uller", False),  # prefixes only, never the middle of a word
        ("gmail.org", False),
    ],
)
def test_prefix_search(search: str, found: bool) -> None:
    """Every word of the search must start one of the client's terms."""
    words = query_words(search)
    hit = bool(words) and all(any(t.startswith(w) for t in TERMS) for w in words)
    assert hit is found


def test_blank_and_punctuation_only_searches_have_no_words() -> None:
    """A search of spaces or punctuation asks for nothing."""
    assert query_words("   ") == ()
    assert query_words(" -- ") == ()


@given(st.text(max_size=30) | st.text(st.characters(max_codepoint=127), max_size=30))
def test_fold_of_plain_ascii_is_the_full_fold(text: str) -> None:
    """The ASCII shortcut folds exactly as decomposing, stripping accents and case-folding."""
    decomposed = unicodedata.normalize("NFKD", text)
    full = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert fold(text) == full


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Kate SMITH", "kate smith"), ("Zoë Müller-López", "zoe muller-lopez"), ("Straße", "strasse"),
     ("\uff2b\uff21\uff34\uff25", "kate"), ("", "")],  # full-width letters
)  # fmt: skip
def test_fold_examples(text: str, folded: str) -> None:
    assert fold(text) == folded
