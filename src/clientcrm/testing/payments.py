"""A `PaymentProvider` in memory, for tests and demos: it keeps its invoices, declines one
payment method, and signs its notifications with an HMAC."""

from __future__ import annotations

import hashlib
import hmac
import json

from clientcrm.errors import PaymentDeclinedError, PaymentError, ValidationError
from clientcrm.models.billing import PaymentEvent, PaymentEventKind
from clientcrm.models.money import Money

__all__ = ["DECLINED", "MemoryProvider"]

DECLINED = "pm_declined"
"""The payment method `MemoryProvider` declines."""


class MemoryProvider:
    """Invoices in a dictionary: ``invoices[id]`` is (account, status, amount, reference)."""

    name = "memory"

    def __init__(self, signing_key: str = "test-key") -> None:
        self._key = signing_key.encode()
        self.invoices: dict[str, tuple[str, str, Money, str]] = {}

    def create_invoice(
        self, account_id: str, *, email: str, name: str, amount: Money, description: str,
        reference: str, workspace_id: str,
    ) -> str:  # fmt: skip
        """Keep an open invoice; its id is its number."""
        invoice_id = f"inv_{len(self.invoices) + 1}"
        self.invoices[invoice_id] = (account_id, "open", amount, reference)
        return invoice_id

    def pay(self, account_id: str, invoice_id: str, payment_method: str) -> None:
        """Mark it paid, unless the payment method is `DECLINED`."""
        held = self._held(account_id, invoice_id)
        if payment_method == DECLINED:
            raise PaymentDeclinedError("the card was declined")
        self.invoices[invoice_id] = (held[0], "paid", held[2], held[3])

    def void(self, account_id: str, invoice_id: str) -> None:
        """Mark it void."""
        held = self._held(account_id, invoice_id)
        self.invoices[invoice_id] = (held[0], "void", held[2], held[3])

    def sign(self, payload: bytes) -> str:
        """The signature `event` accepts for ``payload``."""
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()

    def notification(self, kind: PaymentEventKind, reference: str, workspace_id: str) -> bytes:
        """A notification's body, as the provider would post it."""
        return json.dumps({"kind": kind.value, "reference": reference,
                           "workspace_id": workspace_id}).encode()  # fmt: skip

    def event(self, payload: bytes, signature: str) -> PaymentEvent:
        """Read a notification whose signature matches."""
        if not hmac.compare_digest(self.sign(payload), signature):
            raise ValidationError("signature", "the notification's signature does not match")
        data = json.loads(payload)
        return PaymentEvent(PaymentEventKind(data["kind"]), data["reference"],
                            data["workspace_id"], None)  # fmt: skip

    def _held(self, account_id: str, invoice_id: str) -> tuple[str, str, Money, str]:
        held = self.invoices.get(invoice_id)
        if held is None or held[0] != account_id:
            raise PaymentError(f"no invoice {invoice_id} on {account_id}")
        return held
