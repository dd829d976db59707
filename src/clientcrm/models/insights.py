"""What dashboards ask of a workspace as a whole."""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = ["Totals"]


@attrs.frozen
class Totals:
    """The customer dashboard's statistics (seed 001).

    Attributes:
        customers: clients of the workspace (the archived, flagged INACTIVE, too).
        with_credits: clients with credits available.
        revenue: their lifetime spend summed, in the workspace currency.
        bookings: their counted bookings summed.
    """

    customers: int
    with_credits: int
    revenue: Decimal
    bookings: int
