"""Orders (e-commerce): the state an order's events fold into."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from clientcrm.models.booking import Version

__all__ = ["Order", "OrderStatus"]


class OrderStatus(enum.StrEnum):
    """Where an order stands."""

    PLACED = "placed"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


@attrs.frozen
class Order:
    """One order, as the latest of its events say (last writer wins per fact, by `Version`).

    Attributes:
        id: the host's order id.
        workspace_id: the workspace.
        client_id: the client who ordered.
        description: what was ordered.
        amount: the order's total in the workspace currency.
        status: placed, paid, cancelled or refunded.
        placed_at: the earliest ``occurred_at`` of its events.
        details_version: the version of the description and amount.
        status_version: the version of the status (when it was paid, for a paid order).
    """

    id: str
    workspace_id: str
    client_id: str
    description: str
    amount: Decimal
    status: OrderStatus
    placed_at: datetime
    details_version: Version
    status_version: Version
