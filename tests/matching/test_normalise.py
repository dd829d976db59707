"""Normalisers: names, emails and phones folded so that one person compares equal."""

import pytest

from clientcrm.matching.contacts import is_free_mail, parse_email, parse_phone, phones_near
from clientcrm.matching.names import (
    first_name_similarity,
    name_roots,
    parse_name,
    surname_similarity,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kate Smith", "kate smith"),
        ("Kate Smith", "Smith Kate"),
        ("Kate Smith", "SMITH, Kate"),
        ("Zoë Müller", "Zoe Muller"),
        ("Søren Ørsted", "Soren Orsted"),
        ("\uff2b\uff41\uff54\uff45 Smith", "Kate Smith"),  # full-width letters (NFKC)
        ("Liam O'Brien", "Liam OBrien"),
        ("Dr. Kate Smith", "Kate Smith"),
        ("  Kate   Smith ", "Kate Smith"),
    ],
)
def test_one_name_written_differently_has_one_key(a: str, b: str) -> None:
    """Case, accents, compatibility forms, order, commas, apostrophes and titles do not count."""
    assert parse_name(a).key == parse_name(b).key


def test_generational_suffixes_are_kept_apart_from_the_words() -> None:
    """ "Jr" is not a word of the name, but two generations never share a key."""
    junior = parse_name("John Smith Jr.")
    assert junior.tokens == ("john", "smith")
    assert junior.suffix == "jr"
    assert junior.key != parse_name("John Smith").key


@pytest.mark.parametrize("blank", [None, "", "   ", "...", "Mr."])
def test_a_missing_name_has_no_parts(blank: str | None) -> None:
    """Nothing to compare is not an error."""
    name = parse_name(blank)
    assert (name.first, name.last, name.key) == (None, None, "")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("kate", "kate", 1.0),
        ("kate", "katherine", 0.9),  # the nickname table
        ("bob", "robert", 0.9),
        ("bill", "william", 0.9),
        ("barb", "barbara", 0.9),  # cut short
        ("jhon", "john", 0.85),  # one slip of the keyboard
        ("k", "kate", 0.8),  # an initial
        ("kate", None, 0.5),  # unknown: neither for nor against
    ],
)
def test_given_names_alike(a: str, b: str | None, expected: float) -> None:
    """Equal, nicknames, typos and initials, strongest first."""
    assert first_name_similarity(a, b) == expected
    assert first_name_similarity(b, a) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mary", "mark"),  # two real names one letter apart are not a typo
        ("john", "mary"),
        ("bill", "bob"),  # two nicknames of one name (Robert) are two people's
        ("ana", "eva"),
    ],
)
def test_different_given_names_stay_below_every_match(a: str, b: str) -> None:
    """Different names score at most 0.5, under the initial's 0.8."""
    assert first_name_similarity(a, b) <= 0.5


def test_surnames_have_no_nicknames() -> None:
    """Nickname tables are for given names."""
    assert surname_similarity("bill", "william") <= 0.5
    assert surname_similarity("smith", "smiht") == 0.85


def test_nicknames_share_a_blocking_root() -> None:
    """Kate and Katherine land in one block."""
    assert "katherine" in name_roots("kate") & name_roots("katherine")


@pytest.mark.parametrize(
    ("raw", "address", "canonical"),
    [
        ("Kate.Smith@Gmail.com ", "kate.smith@gmail.com", "katesmith@gmail.com"),
        ("katesmith+yoga@gmail.com", "katesmith+yoga@gmail.com", "katesmith@gmail.com"),
        ("kate.smith@googlemail.com", "kate.smith@googlemail.com", "katesmith@gmail.com"),
        ("kate.smith+x@outlook.com", "kate.smith+x@outlook.com", "kate.smith@outlook.com"),
        ("anna@bücher.de", "anna@xn--bcher-kva.de", "anna@xn--bcher-kva.de"),
    ],
)
def test_emails_keep_their_address_and_know_their_mailbox(
    raw: str, address: str, canonical: str
) -> None:
    """Gmail ignores dots and +tags; elsewhere only +tags; domains compare in IDNA form."""
    parts = parse_email(raw)
    assert parts is not None
    assert (parts.address, parts.canonical) == (address, canonical)


@pytest.mark.parametrize("bad", [None, "", "kate", "kate@", "@gmail.com", "kate smith@x.com"])
def test_malformed_emails_are_missing(bad: str | None) -> None:
    """Not an address: nothing to compare, never an error."""
    assert parse_email(bad) is None


def test_free_mail_is_known() -> None:
    """Free-mail providers never count as a shared company."""
    assert is_free_mail("gmail.com")
    assert is_free_mail("web.de")
    assert not is_free_mail("acme.co.uk")


@pytest.mark.parametrize(
    "written", ["07700 900123", "+44 7700 900123", "(07700) 900-123", "+447700900123"]
)
def test_national_and_international_forms_of_a_number_are_equal(written: str) -> None:
    """Phones compare in E.164, read in the workspace region."""
    assert parse_phone(written, "GB") == "+447700900123"


@pytest.mark.parametrize("bad", [None, "", "call me", "12", "+44"])
def test_malformed_phones_are_missing(bad: str | None) -> None:
    """Not a possible number: nothing to compare."""
    assert parse_phone(bad, "GB") is None


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("+447700900123", "+447700900124", True),  # one digit off
        ("+447700900123", "+447700901023", True),  # two digits swapped
        ("+447700900123", "+347700900123", True),  # another country code
        ("+447700900123", "+447700911111", False),
    ],
)
def test_phones_near(a: str, b: str, near: bool) -> None:
    """One mistyped digit is near; another number is not."""
    assert phones_near(a, b) is near
