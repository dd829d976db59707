"""Folding order events into order state: idempotent and order-independent, as bookings."""

from __future__ import annotations

from clientcrm.models.booking import Version
from clientcrm.models.events import OrderEvent, OrderEventKind
from clientcrm.models.order import Order, OrderStatus
from clientcrm.rules.bookings import BEGINNING

__all__ = ["apply_order_event"]

_STATUS_OF = {
    OrderEventKind.PLACED: OrderStatus.PLACED,
    OrderEventKind.PAID: OrderStatus.PAID,
    OrderEventKind.CANCELLED: OrderStatus.CANCELLED,
    OrderEventKind.REFUNDED: OrderStatus.REFUNDED,
}


def apply_order_event(
    order: Order | None, event: OrderEvent, workspace_id: str, client_id: str
) -> Order:
    """Return the order after ``event``; ``order`` is its state before (``None`` if new).

    The description and amount come from the latest event, and so does the status; the
    caller has checked the event's currency.
    """
    version = Version(event.occurred_at, event.event_id)
    if order is None:
        placed_at, details_version, status, status_version = (
            event.occurred_at,
            BEGINNING,
            OrderStatus.PLACED,
            BEGINNING,
        )
        description, amount = event.description, event.amount.amount
    else:
        placed_at = min(order.placed_at, event.occurred_at)
        details_version, status, status_version = (
            order.details_version,
            order.status,
            order.status_version,
        )
        description, amount = order.description, order.amount
    if version > details_version:
        details_version, description, amount = version, event.description, event.amount.amount
    if version > status_version:
        status, status_version = _STATUS_OF[event.kind], version
    return Order(
        id=event.order_id,
        workspace_id=workspace_id,
        client_id=client_id,
        description=description,
        amount=amount,
        status=status,
        placed_at=placed_at,
        details_version=details_version,
        status_version=status_version,
    )
