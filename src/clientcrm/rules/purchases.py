"""External purchases' metrics (SPEC section 11): pure functions of the purchases."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from clientcrm.models.money import Money
from clientcrm.models.purchases import ExternalPurchase, PurchaseMetrics, PurchaseStatus

__all__ = ["LOST", "purchase_metrics"]

LOST = frozenset({PurchaseStatus.CANCELLED, PurchaseStatus.REFUNDED})
"""The statuses whose price is lost revenue."""


def purchase_metrics(
    purchases: Iterable[ExternalPurchase], currency: str, *, own_revenue: Decimal = Decimal(0)
) -> PurchaseMetrics:
    """The metrics of ``purchases`` in ``currency``; ``own_revenue`` is what the client spent
    in the workspace itself (bookings and paid orders), which the lifetime value adds to the
    active revenue.

    A purchase in another currency counts, but its price goes only into
    ``other_currencies`` (completed ones) and never into a sum in ``currency``.
    """
    count = 0
    active = lost = Decimal(0)
    foreign: dict[str, Decimal] = {}
    for purchase in purchases:
        count += 1
        price = purchase.price
        if price.currency != currency:
            if purchase.status is PurchaseStatus.COMPLETED:
                foreign[price.currency] = foreign.get(price.currency, Decimal(0)) + price.amount
        elif purchase.status is PurchaseStatus.COMPLETED:
            active += price.amount
        elif purchase.status in LOST:
            lost += price.amount
    return PurchaseMetrics(
        count=count,
        active_revenue=Money(active, currency),
        lost_revenue=Money(lost, currency),
        lifetime_value=Money(own_revenue + active, currency),
        other_currencies={c: Money(a, c) for c, a in sorted(foreign.items())},
    )
