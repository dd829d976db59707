"""Validators shared by the models: aware datetimes, emails, phones, text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from clientcrm.errors import ValidationError

__all__ = [
    "MAX_NAME",
    "normalise_email",
    "normalise_phone",
    "require_aware",
    "require_line",
    "require_text",
    "require_timezone",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL = 254
MAX_NAME = 200
"""The longest display name a client may have."""


def require_aware(value: datetime, field: str) -> datetime:
    """Return ``value`` in UTC, or raise if it has no timezone."""
    if not isinstance(value, datetime):
        raise ValidationError(field, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must be timezone-aware")
    return value.astimezone(UTC)


def require_text(value: str, field: str, *, max_length: int, allow_empty: bool = False) -> str:
    """Strip ``value`` and check its length."""
    if not isinstance(value, str):
        raise ValidationError(field, f"expected text, got {type(value).__name__}")
    text = value.strip()
    if not text and not allow_empty:
        raise ValidationError(field, "must not be empty")
    if len(text) > max_length:
        raise ValidationError(field, f"is {len(text)} characters long; the limit is {max_length}")
    if "\x00" in text:
        raise ValidationError(field, "must not contain NUL characters")
    return text


def require_line(value: str, field: str, *, max_length: int) -> str:
    """`require_text`, on one line: a line break in a header value could add a header."""
    text = require_text(value, field, max_length=max_length)
    if "\r" in value or "\n" in value:
        raise ValidationError(field, "must be one line: a line break could add an email header")
    return text


def require_timezone(value: str, field: str = "timezone") -> ZoneInfo:
    """The IANA timezone named ``value``, or `ValidationError`."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(field, f"{value!r} is not an IANA timezone") from None


def normalise_email(value: str, field: str = "email") -> str:
    """Return the email trimmed and lower-cased, or raise if it is not an address."""
    email = require_text(value, field, max_length=MAX_EMAIL).lower()
    if not _EMAIL.match(email):
        raise ValidationError(field, f"{value.strip()!r} is not a valid email address")
    return email


def normalise_phone(value: str, region: str | None, field: str = "phone") -> str:
    """Return the phone number in E.164 form, parsed in ``region`` when it has no ``+`` prefix."""
    text = require_text(value, field, max_length=40)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(field, f"{text!r} is not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(field, f"{text!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
