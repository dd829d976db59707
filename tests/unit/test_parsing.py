"""Values as files write them: amounts, dates and sale statuses, at their boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm import ValidationError
from clientcrm.models.purchases import PurchaseStatus
from clientcrm.rules.parsing import parse_amount, parse_moment, parse_status

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("97", "BRL", "97"),
        ("97,00", "BRL", "97.00"),
        ("97.5", "BRL", "97.5"),
        ("R$ 1.234,56", "BRL", "1234.56"),
        ("1,234.56", "USD", "1234.56"),
        ("1.234", "BRL", "1234"),  # three digits after the only separator: thousands
        ("1.234", "KWD", "1.234"),  # ... unless the currency has three decimals
        ("1 234 567,89 €", "EUR", "1234567.89"),
        ("1.234.567", "BRL", "1234567"),
        ("-5,50", "BRL", "-5.50"),
        ("1500", "JPY", "1500"),
        ("1,500", "JPY", "1500"),
        ("0,99", "BRL", "0.99"),
    ],
)
def test_amounts_read_as_people_write_them(text: str, currency: str, expected: str) -> None:
    assert parse_amount(text, currency) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "currency"), [("", "BRL"), ("R$", "BRL"), ("1.2345", "BRL"), ("12.50", "JPY")]
)
def test_what_is_no_amount_is_refused_naming_the_field(text: str, currency: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount(text, currency)
    assert caught.value.field == "price"


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.sampled_from([(".", ","), (",", ".")]),
)
def test_a_grouped_amount_reads_back_exactly(amount: Decimal, separators: tuple[str, str]) -> None:
    """Any amount written with thousands grouped either way reads back to the cent."""
    point, group = separators
    written = f"{amount:,.2f}".replace(",", "\0").replace(".", point).replace("\0", group)
    assert parse_amount(written, "EUR") == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-02", datetime(2025, 1, 2, tzinfo=SAO_PAULO)),  # ISO: never day first
        ("2025-01-02T10:00:00Z", datetime(2025, 1, 2, 10, tzinfo=UTC)),
        ("2025/01/02 10:00", datetime(2025, 1, 2, 10, tzinfo=SAO_PAULO)),
        ("01/02/2025", datetime(2025, 2, 1, tzinfo=SAO_PAULO)),  # Brazilian: day first
        ("01/02/2025 14:32:10", datetime(2025, 2, 1, 14, 32, 10, tzinfo=SAO_PAULO)),
        ("29/02/2024", datetime(2024, 2, 29, tzinfo=SAO_PAULO)),  # a leap day
        (
            "2025-03-01T08:00:00-03:00",
            datetime(2025, 3, 1, 8, tzinfo=timezone(timedelta(hours=-3))),
        ),
    ],
)
def test_dates_read_in_the_workspace_timezone(text: str, expected: datetime) -> None:
    moment = parse_moment(text, SAO_PAULO)
    assert moment == expected
    assert moment.utcoffset() is not None


def test_day_first_can_be_turned_off() -> None:
    assert parse_moment("01/02/2025", UTC, dayfirst=False) == datetime(2025, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize("text", ["31/02/2025", "29/02/2025", "yesterday-ish", "", "13/13/13"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_moment(text, SAO_PAULO)
    assert caught.value.field == "date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aprovado", PurchaseStatus.COMPLETED),
        ("COMPLETE", PurchaseStatus.COMPLETED),
        ("Completo", PurchaseStatus.COMPLETED),
        ("WAITING_PAYMENT", PurchaseStatus.PENDING),
        ("Boleto impresso", PurchaseStatus.PENDING),
        ("Cancelado", PurchaseStatus.CANCELLED),
        ("EXPIRED", PurchaseStatus.CANCELLED),
        ("Reembolsado", PurchaseStatus.REFUNDED),
        ("Chargeback", PurchaseStatus.REFUNDED),
        ("  refunded ", PurchaseStatus.REFUNDED),
    ],
)
def test_sale_statuses_in_english_and_portuguese(text: str, expected: PurchaseStatus) -> None:
    assert parse_status(text) is expected


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValidationError, match="'Perdido' is not a status"):
        parse_status("Perdido")
