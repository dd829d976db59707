"""Money: an exact Decimal amount in one ISO 4217 currency."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import attrs

from clientcrm.errors import ValidationError

__all__ = ["CURRENCIES", "Money", "minor_units", "to_decimal"]

# Active ISO 4217 codes (list one, 2024). Two minor units unless listed in _MINOR_UNITS.
_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
"""
_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"

CURRENCIES: frozenset[str] = frozenset(_CODES.split())
_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(_ZERO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
}


def minor_units(currency: str) -> int:
    """Return how many decimal places the currency's smallest unit has (2 for EUR, 0 for JPY)."""
    return _MINOR_UNITS.get(currency, 2)


def to_decimal(value: object, field: str = "amount") -> Decimal:
    """Convert a str, int or Decimal to a finite Decimal; floats are refused (they are inexact)."""
    if isinstance(value, bool | float):
        raise ValidationError(field, "use a Decimal or a string, never a float, for money")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(field, f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValidationError(field, f"{value!r} is not a finite number")
    return result


def _check_currency(_: object, __: attrs.Attribute[str], currency: str) -> None:
    if currency not in CURRENCIES:
        raise ValidationError("currency", f"{currency!r} is not an ISO 4217 currency code")


@attrs.frozen(order=False)
class Money:
    """An exact amount of one currency.

    Amounts keep the precision they were given, but never more decimal places than the
    currency's minor unit (``Money("12.345", "EUR")`` is refused). Arithmetic across
    currencies raises :class:`~clientcrm.errors.ValidationError`.
    """

    amount: Decimal = attrs.field(converter=to_decimal)
    currency: str = attrs.field(validator=_check_currency)

    def __attrs_post_init__(self) -> None:
        exponent = self.amount.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > minor_units(self.currency):
            raise ValidationError(
                "amount",
                f"{self.amount} has more decimal places than {self.currency} allows",
            )

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in ``currency``."""
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationError(
                "currency", f"cannot combine {self.currency} with {other.currency}"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount:.{minor_units(self.currency)}f} {self.currency}"
