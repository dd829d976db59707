"""A trainer's billing through the Stripe adapter, over real HTTP to a local server that
answers Stripe's endpoints: issue, pay, a declined card, cancel, webhooks good and forged."""

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from clientcrm import CRM, Actor, Money, Role, Workspace
from clientcrm.errors import (
    BillingInactiveError,
    NotFoundError,
    PaymentDeclinedError,
    PermissionDeniedError,
    ValidationError,
)
from clientcrm.models.billing import InvoiceStatus
from clientcrm.payments import StripeProvider
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock
from stripe_server import DECLINED, StripeState, stripe_server

SIGNING = "whsec_test"
SAM = Actor("pt-sam", "gym", Role.TRAINER)
OWNER = Actor.owner("gym")


@pytest.fixture
def stripe_api() -> Iterator[tuple[StripeState, str]]:
    with stripe_server() as server:
        yield server


@pytest.fixture
def gym(stripe_api: tuple[StripeState, str]) -> tuple[CRM, str]:
    _, base = stripe_api
    provider = StripeProvider("sk_test_platform", webhook_secret=SIGNING, api_base=base)
    crm = CRM(MemoryStore(), clock=FrozenClock(datetime(2026, 3, 1, tzinfo=UTC)), payments=provider)
    crm.save_workspace(Workspace("gym", "Iron Gym", currency="GBP"), OWNER)
    kate = crm.add_client(OWNER, name="Kate Smith", email="kate@example.com")
    crm.coaching.add_to_roster(SAM, client_id=kate.id)
    return crm, kate.id


def _signed(payload: bytes, key: str = SIGNING) -> str:
    stamp = int(time.time())
    digest = hmac.new(key.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def _event(kind: str, invoice_id: str, reference: str) -> bytes:
    data = {"id": invoice_id, "object": "invoice", "metadata": {
        "clientcrm_invoice": reference, "clientcrm_workspace": "gym"}}  # fmt: skip
    event = {"id": "evt_1", "object": "event", "type": kind, "data": {"object": data}}
    return json.dumps(event).encode()


def test_billing_is_active_only_once_connected(gym: tuple[CRM, str]) -> None:
    crm, kate = gym
    with pytest.raises(BillingInactiveError):
        crm.billing.issue(SAM, kate, Money("45.00", "GBP"), "4 sessions")
    no_provider = CRM(MemoryStore())
    with pytest.raises(BillingInactiveError):
        no_provider.billing.connect(SAM, "acct_sam")


def test_an_invoice_goes_to_the_trainers_own_account(
    gym: tuple[CRM, str], stripe_api: tuple[StripeState, str]
) -> None:
    crm, kate = gym
    state, _ = stripe_api
    workspace_before = crm.workspace(OWNER)
    crm.billing.connect(SAM, "acct_sam")
    invoice = crm.billing.issue(SAM, kate, Money("45.00", "GBP"), "4 PT sessions")
    assert invoice.status is InvoiceStatus.OPEN
    assert invoice.provider_id.startswith("in_")
    paths = [path for path, _, _ in state.requests]
    assert paths == ["/v1/customers", "/v1/invoiceitems", "/v1/invoices",
                     f"/v1/invoices/{invoice.provider_id}/finalize"]  # fmt: skip
    for _, headers, _ in state.requests:
        assert headers["Stripe-Account"] == "acct_sam"  # never the gym's own account
        assert headers["Authorization"] == "Bearer sk_test_platform"
    item = state.requests[1][2]
    assert (item["amount"], item["currency"]) == ("4500", "gbp")
    assert state.requests[0][1]["Idempotency-Key"] == f"{invoice.id}-customer"
    assert crm.workspace(OWNER) == workspace_before
    assert crm.billing.invoices(SAM) == [invoice]


def test_paying_a_declined_card_and_cancelling(gym: tuple[CRM, str]) -> None:
    crm, kate = gym
    crm.billing.connect(SAM, "acct_sam")
    first = crm.billing.issue(SAM, kate, Money("45.00", "GBP"), "4 PT sessions")
    with pytest.raises(PaymentDeclinedError, match="declined"):
        crm.billing.pay(SAM, first.id, DECLINED)
    assert crm.billing.invoices(SAM)[0].status is InvoiceStatus.OPEN
    assert crm.billing.pay(SAM, first.id, "pm_card_visa").status is InvoiceStatus.PAID
    second = crm.billing.issue(SAM, kate, Money("90.00", "GBP"), "8 PT sessions")
    assert crm.billing.cancel(SAM, second.id).status is InvoiceStatus.CANCELLED
    with pytest.raises(NotFoundError):
        crm.billing.pay(SAM, second.id, "pm_card_visa")  # no longer open


def test_webhooks_are_applied_only_when_signed(gym: tuple[CRM, str]) -> None:
    crm, kate = gym
    crm.billing.connect(SAM, "acct_sam")
    invoice = crm.billing.issue(SAM, kate, Money("45.00", "GBP"), "4 PT sessions")
    paid = _event("invoice.paid", invoice.provider_id, invoice.id)
    with pytest.raises(ValidationError, match="signature"):
        crm.billing.handle_webhook(paid, _signed(paid, key="whsec_forged"))
    assert crm.billing.invoices(SAM)[0].status is InvoiceStatus.OPEN
    applied = crm.billing.handle_webhook(paid, _signed(paid))
    assert applied is not None
    assert applied.status is InvoiceStatus.PAID
    unknown = _event("invoice.paid", "in_other", "no-such-invoice")
    assert crm.billing.handle_webhook(unknown, _signed(unknown)) is None


def test_only_the_trainer_bills_and_only_their_roster(gym: tuple[CRM, str]) -> None:
    crm, kate = gym
    crm.billing.connect(SAM, "acct_sam")
    stranger = crm.add_client(OWNER, name="Not Sams", email="ns@example.com")
    with pytest.raises(NotFoundError):
        crm.billing.issue(SAM, stranger.id, Money("10.00", "GBP"), "x")
    for actor in (OWNER, Actor("coach", "gym", Role.STAFF), Actor("m", "gym", Role.MEMBER)):
        with pytest.raises(PermissionDeniedError):
            crm.billing.issue(actor, kate, Money("10.00", "GBP"), "x")
    other = Actor("pt-ana", "gym", Role.TRAINER)
    invoice = crm.billing.issue(SAM, kate, Money("45.00", "GBP"), "4 PT sessions")
    with pytest.raises(BillingInactiveError):
        crm.billing.issue(other, kate, Money("10.00", "GBP"), "x")
    with pytest.raises(NotFoundError):
        crm.billing.pay(other, invoice.id, "pm_card_visa")
    assert crm.billing.invoices(other) == []
