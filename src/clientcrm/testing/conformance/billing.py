"""Contract: a trainer's invoices on every store (the provider in memory)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clientcrm.errors import BillingInactiveError, PaymentDeclinedError, ValidationError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.billing import InvoiceStatus, PaymentEventKind
from clientcrm.models.client import Client
from clientcrm.models.money import Money
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock
from clientcrm.testing.conformance.base import StoreFixtures
from clientcrm.testing.payments import DECLINED, MemoryProvider

__all__ = ["BillingContract"]

SAM = Actor("pt-sam", "ws-a", Role.TRAINER)


class BillingContract(StoreFixtures):
    """`CRM.billing` over the store."""

    @pytest.fixture
    def provider(self) -> MemoryProvider:
        return MemoryProvider()

    @pytest.fixture
    def billing(self, store: Store, clock: FrozenClock, crm: CRM, provider: MemoryProvider) -> CRM:
        """The contract's `CRM` with the provider, over the same store."""
        return CRM(store, clock=clock, payments=provider)

    @pytest.fixture
    def client(self, billing: CRM, owner: Actor) -> Client:
        kate = billing.add_client(owner, name="Kate Smith", email="kate@example.com")
        billing.coaching.add_to_roster(SAM, client_id=kate.id)
        return kate

    def test_invoices_open_pay_decline_and_cancel(
        self, billing: CRM, client: Client, provider: MemoryProvider, clock: FrozenClock
    ) -> None:
        with pytest.raises(BillingInactiveError):
            billing.billing.issue(SAM, client.id, Money("45.00", "EUR"), "4 sessions")
        billing.billing.connect(SAM, "acct_sam")
        first = billing.billing.issue(SAM, client.id, Money("45.00", "EUR"), "4 sessions")
        assert provider.invoices[first.provider_id][0] == "acct_sam"
        with pytest.raises(PaymentDeclinedError):
            billing.billing.pay(SAM, first.id, DECLINED)
        assert billing.billing.invoices(SAM)[0].status is InvoiceStatus.OPEN
        assert billing.billing.pay(SAM, first.id, "pm_ok").status is InvoiceStatus.PAID
        clock.set(clock() + timedelta(minutes=1))
        second = billing.billing.issue(SAM, client.id, Money("10.00", "EUR"), "Extra")
        billing.billing.cancel(SAM, second.id)
        statuses = [i.status for i in billing.billing.invoices(SAM, client.id)]
        assert statuses == [InvoiceStatus.PAID, InvoiceStatus.CANCELLED]

    def test_a_forged_notification_changes_nothing(
        self, billing: CRM, client: Client, provider: MemoryProvider
    ) -> None:
        billing.billing.connect(SAM, "acct_sam")
        invoice = billing.billing.issue(SAM, client.id, Money("45.00", "EUR"), "4 sessions")
        body = provider.notification(PaymentEventKind.PAID, invoice.id, "ws-a")
        with pytest.raises(ValidationError, match="signature"):
            billing.billing.handle_webhook(body, "0" * 64)
        assert billing.billing.invoices(SAM)[0].status is InvoiceStatus.OPEN
        applied = billing.billing.handle_webhook(body, provider.sign(body))
        assert applied is not None
        assert applied.status is InvoiceStatus.PAID
