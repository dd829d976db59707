"""A personal trainer's billing (seed 003), as `CRM.billing`: invoices to roster clients
through the trainer's own payment provider account, active once they connect one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs

from clientcrm.errors import BillingInactiveError, NotFoundError
from clientcrm.models._checks import require_text
from clientcrm.models.actor import Actor
from clientcrm.models.billing import (
    Invoice,
    InvoiceStatus,
    PaymentEventKind,
    ProviderAccount,
)
from clientcrm.models.coaching import RecordKind
from clientcrm.models.money import Money
from clientcrm.ports import PaymentProvider, UnitOfWork
from clientcrm.serialization import converter
from clientcrm.service import permissions as perm
from clientcrm.service.coaching import record_of
from clientcrm.service.running import Runner

__all__ = ["Billing"]

_ACCOUNT, _INVOICE = RecordKind.BILLING, RecordKind.INVOICE


@attrs.frozen
class Billing:
    """Invoices of personal trainers; only a trainer bills, and only their roster's clients."""

    _run: Runner
    _open: Callable[[], UnitOfWork]
    _clock: Callable[[], datetime]
    _ids: Callable[[], str]
    _provider: PaymentProvider | None

    def connect(self, actor: Actor, account_id: str) -> ProviderAccount:
        """Connect the trainer's own account at the payment provider: billing becomes
        active for them (the gym's own billing is not touched)."""
        perm.require_trainer(actor, "bill clients")
        provider = self._required()
        account = ProviderAccount(
            actor.workspace_id, actor.id, provider.name,
            require_text(account_id, "account_id", max_length=200), self._clock(),
        )  # fmt: skip

        def work(uow: UnitOfWork) -> ProviderAccount:
            record = record_of(account, _ACCOUNT, actor.id, None, actor.id, account.connected_at)
            uow.coaching.put([record])
            return account

        return self._run(work)

    def issue(self, actor: Actor, client_id: str, amount: Money, description: str) -> Invoice:
        """Invoice a client of the trainer's roster: an open invoice at the provider.

        Raises:
            BillingInactiveError: the trainer has not connected a provider.
            NotFoundError: the client is not on the trainer's roster.
            PaymentError: the provider refused.
        """
        perm.require_trainer(actor, "bill clients")
        provider = self._required()
        what = require_text(description, "description", max_length=500)
        reference, now = self._ids(), self._clock()
        with self._open() as uow:
            account = _account(uow, actor)
            roster = uow.coaching.get(
                actor.workspace_id, RecordKind.ROSTER, f"{actor.id}:{client_id}"
            )
            if roster is None:
                raise NotFoundError("client on the roster", client_id)
            client = uow.clients.get(actor.workspace_id, client_id)
        provider_id = provider.create_invoice(
            account.account_id, email=client.email, name=client.name, amount=amount,
            description=what, reference=reference, workspace_id=actor.workspace_id,
        )  # fmt: skip
        invoice = Invoice(
            reference, actor.workspace_id, actor.id, client_id, amount, what, InvoiceStatus.OPEN,
            now, provider_id, now,
        )  # fmt: skip
        return self._save(invoice)

    def pay(self, actor: Actor, invoice_id: str, payment_method: str) -> Invoice:
        """Charge an open invoice to the client's payment method; a declined card raises
        `PaymentDeclinedError` and the invoice stays open."""
        invoice, account = self._mine(actor, invoice_id)
        self._required().pay(account.account_id, invoice.provider_id, payment_method)
        return self._save(
            attrs.evolve(invoice, status=InvoiceStatus.PAID, updated_at=self._clock())
        )

    def cancel(self, actor: Actor, invoice_id: str) -> Invoice:
        """Cancel an open invoice (voided at the provider)."""
        invoice, account = self._mine(actor, invoice_id)
        self._required().void(account.account_id, invoice.provider_id)
        changed = attrs.evolve(invoice, status=InvoiceStatus.CANCELLED, updated_at=self._clock())
        return self._save(changed)

    def invoices(self, actor: Actor, client_id: str | None = None) -> list[Invoice]:
        """The trainer's invoices (of one client, if given), oldest first."""
        perm.require_trainer(actor, "bill clients")
        with self._open() as uow:
            found = uow.coaching.find(actor.workspace_id, _INVOICE, owner_id=actor.id)
        invoices = [converter.structure(r.body, Invoice) for r in found]
        return [i for i in invoices if client_id is None or i.client_id == client_id]

    def handle_webhook(self, payload: bytes, signature: str) -> Invoice | None:
        """Apply the provider's notification (an invoice paid or voided elsewhere, say, in
        the provider's hosted page). A bad signature is refused (`ValidationError`) and
        changes nothing; an event about no invoice of ours returns ``None``."""
        event = self._required().event(payload, signature)
        status = {
            PaymentEventKind.PAID: InvoiceStatus.PAID,
            PaymentEventKind.VOIDED: InvoiceStatus.CANCELLED,
        }.get(event.kind)
        if status is None or event.reference is None or event.workspace_id is None:
            return None
        with self._open() as uow:
            record = uow.coaching.get(event.workspace_id, _INVOICE, event.reference)
        if record is None:
            return None
        invoice = converter.structure(record.body, Invoice)
        if invoice.status is status:
            return invoice
        return self._save(attrs.evolve(invoice, status=status, updated_at=self._clock()))

    def _required(self) -> PaymentProvider:
        if self._provider is None:
            raise BillingInactiveError("this CRM: it has no payment provider (CRM(payments=...))")
        return self._provider

    def _mine(self, actor: Actor, invoice_id: str) -> tuple[Invoice, ProviderAccount]:
        perm.require_trainer(actor, "bill clients")
        with self._open() as uow:
            record = uow.coaching.get(actor.workspace_id, _INVOICE, invoice_id)
            if record is None or record.owner_id != actor.id:
                raise NotFoundError("invoice", invoice_id)
            invoice = converter.structure(record.body, Invoice)
            if invoice.status is not InvoiceStatus.OPEN:
                raise NotFoundError("open invoice", invoice_id)
            return invoice, _account(uow, actor)

    def _save(self, invoice: Invoice) -> Invoice:
        def work(uow: UnitOfWork) -> Invoice:
            record = record_of(
                invoice, _INVOICE, invoice.id, invoice.client_id, invoice.trainer_id,
                invoice.created_at,
            )  # fmt: skip
            uow.coaching.put([record])
            return invoice

        return self._run(work)


def _account(uow: UnitOfWork, actor: Actor) -> ProviderAccount:
    record = uow.coaching.get(actor.workspace_id, _ACCOUNT, actor.id)
    if record is None:
        raise BillingInactiveError(actor.id)
    return converter.structure(record.body, ProviderAccount)
