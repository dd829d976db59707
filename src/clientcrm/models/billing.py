"""A personal trainer's billing (seed 003): invoices through the trainer's own payment
provider, apart from the gym's billing."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from clientcrm.models.money import Money

__all__ = ["Invoice", "InvoiceStatus", "PaymentEvent", "PaymentEventKind", "ProviderAccount"]


class InvoiceStatus(enum.StrEnum):
    """Where an invoice stands."""

    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"


@attrs.frozen
class ProviderAccount:
    """The payment account a trainer connected; billing works only once there is one.

    Attributes:
        workspace_id: the gym's workspace (whose own billing this never touches).
        trainer_id: the trainer.
        provider: the provider's name ("stripe").
        account_id: the trainer's account at the provider.
        connected_at: when it was connected.
    """

    workspace_id: str
    trainer_id: str
    provider: str
    account_id: str
    connected_at: datetime


@attrs.frozen
class Invoice:
    """An invoice from a trainer to a roster client.

    Attributes:
        id: clientcrm's id (the provider's invoice carries it as its reference).
        workspace_id: the workspace.
        trainer_id: who bills.
        client_id: who pays.
        amount: how much, in any currency the provider takes.
        description: what for.
        status: open, paid or cancelled.
        created_at: when it was issued.
        provider_id: the provider's id of it.
        updated_at: when its status last changed.
    """

    id: str
    workspace_id: str
    trainer_id: str
    client_id: str
    amount: Money
    description: str
    status: InvoiceStatus
    created_at: datetime
    provider_id: str
    updated_at: datetime


class PaymentEventKind(enum.StrEnum):
    """What a provider's notification says happened to an invoice."""

    PAID = "paid"
    VOIDED = "voided"
    FAILED = "failed"
    OTHER = "other"


@attrs.frozen
class PaymentEvent:
    """A provider's notification (a webhook), checked and read.

    Attributes:
        kind: what happened.
        reference: clientcrm's invoice id, as the provider's invoice carries it.
        workspace_id: the workspace the invoice belongs to.
        provider_id: the provider's invoice id.
    """

    kind: PaymentEventKind
    reference: str | None
    workspace_id: str | None
    provider_id: str | None
