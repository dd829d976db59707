"""External purchases (seed 002): what clients bought on other platforms, and its metrics."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from clientcrm.models.money import Money

__all__ = ["ExternalPurchase", "PurchaseMetrics", "PurchaseStatus", "purchase_key"]


class PurchaseStatus(enum.StrEnum):
    """Where a purchase on another platform stands."""

    COMPLETED = "completed"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


def purchase_key(platform: str, transaction_id: str) -> str:
    """The id of a platform's transaction: the same sale reported twice is one purchase."""
    return f"{platform.strip().casefold()}:{transaction_id.strip()}"


@attrs.frozen
class ExternalPurchase:
    """One purchase a client made on another platform (a marketplace, Hotmart...).

    Attributes:
        id: ``purchase_key(platform, transaction_id)``.
        workspace_id: the workspace.
        client_id: the client who bought.
        platform: where it was bought, as the owner names it ("Hotmart").
        transaction_id: the platform's reference for the sale.
        product: what was bought.
        price: what it cost, in the currency of the sale.
        status: completed, pending, cancelled or refunded.
        purchased_at: when it was bought.
    """

    id: str
    workspace_id: str
    client_id: str
    platform: str
    transaction_id: str
    product: str
    price: Money
    status: PurchaseStatus
    purchased_at: datetime


@attrs.frozen
class PurchaseMetrics:
    """The External Purchases tab's figures, in the workspace currency.

    Attributes:
        count: every tracked purchase, in any currency and status.
        active_revenue: the completed purchases.
        lost_revenue: the cancelled and refunded purchases.
        lifetime_value: the completed bookings and paid orders (the clients' spend) plus
            the active revenue.
        other_currencies: the active revenue of purchases in other currencies, by currency;
            it is not converted, so not in the sums above.
    """

    count: int
    active_revenue: Money
    lost_revenue: Money
    lifetime_value: Money
    other_currencies: Mapping[str, Money] = attrs.field(factory=dict, hash=False)
