"""Models refuse bad input with a ValidationError that names the field."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clientcrm import BookingEvent, ClientQuery, Money, ValidationError, Workspace
from clientcrm.models.money import minor_units


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Money(0.1, "EUR"), "amount"),  # type: ignore[arg-type]  # a float, on purpose
        (lambda: Money("12.345", "EUR"), "amount"),
        (lambda: Money("1.5", "JPY"), "amount"),
        (lambda: Money("NaN", "EUR"), "amount"),
        (lambda: Money("abc", "EUR"), "amount"),
        (lambda: Money("1", "XYZ"), "currency"),
        (lambda: Money("1", "EUR") + Money("1", "USD"), "currency"),
        (lambda: Workspace("w", "W", timezone="Mars/Olympus"), "timezone"),
        (lambda: Workspace("w", "W", currency="EURO"), "currency"),
        (lambda: Workspace("w", "W", phone_region="XX"), "phone_region"),
        (lambda: Workspace("w", "W", client_limit=-1), "client_limit"),
        (lambda: Workspace("", "W"), "workspace_id"),
        (lambda: ClientQuery(limit=0), "limit"),
        (lambda: ClientQuery(bookings_min=5, bookings_max=2), "bookings_min"),
        (lambda: ClientQuery(inactive_days_min=-1), "inactive_days_min"),
    ],
)
def test_bad_values_name_their_field(make: object, field: str) -> None:
    """Each bad value raises ValidationError (a ValueError) naming the field."""
    with pytest.raises(ValidationError) as caught:
        make()  # type: ignore[operator]  # the table's callables are typed as object
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


T = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"occurred_at": datetime(2026, 1, 1)}, "occurred_at"),
        ({"starts_at": "2026-01-01"}, "starts_at"),
        ({"kind": "paid"}, "amount"),
        ({"amount": Money("1", "EUR")}, "amount"),
        ({"service": "   "}, "service"),
        ({"booking_id": ""}, "id"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_booking_events_are_refused(changes: dict[str, object], field: str) -> None:
    """A booking event with a bad field is refused before it reaches any store."""
    fields: dict[str, object] = {
        "kind": "booked",
        "event_id": "e",
        "booking_id": "b",
        "occurred_at": T,
        "email": "kate@example.com",
        "service": "Yin",
        "starts_at": T,
        **changes,
    }
    with pytest.raises(ValidationError) as caught:
        BookingEvent(**fields)  # type: ignore[arg-type]  # wrong types are the point
    assert caught.value.field == field


def test_emails_are_normalised_and_times_made_utc() -> None:
    """Emails are trimmed and lower-cased; aware datetimes are stored in UTC."""
    local = datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    e = BookingEvent("booked", "e", "b", local, "  Kate@Example.COM ", "Yin", local)
    assert e.email == "kate@example.com"
    assert e.occurred_at.tzinfo is UTC
    assert e.occurred_at == local


def test_money_keeps_minor_units_exact() -> None:
    """Money adds exactly and knows each currency's minor unit."""
    total = Money("0.10", "EUR") + Money("0.20", "EUR")
    assert total == Money(Decimal("0.30"), "EUR")
    assert str(total) == "0.30 EUR"
    assert (minor_units("JPY"), minor_units("KWD"), minor_units("GBP")) == (0, 3, 2)
