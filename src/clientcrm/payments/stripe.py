"""The Stripe adapter of `clientcrm.ports.PaymentProvider`, on the official ``stripe``
package (extra ``stripe``).

Each trainer connects their own Stripe account; every call is made on that account (the
``Stripe-Account`` header of Stripe Connect), so a trainer's billing never touches the gym's.
Calls that create something carry an idempotency key derived from clientcrm's invoice id, so
a retried request cannot bill twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stripe

from clientcrm.errors import PaymentDeclinedError, PaymentError, ValidationError
from clientcrm.models.billing import PaymentEvent, PaymentEventKind
from clientcrm.models.money import Money, minor_units

__all__ = ["StripeProvider"]

_EVENTS = {
    "invoice.paid": PaymentEventKind.PAID,
    "invoice.voided": PaymentEventKind.VOIDED,
    "invoice.payment_failed": PaymentEventKind.FAILED,
}


class StripeProvider:
    """Invoices on the trainers' own Stripe accounts.

    Args:
        api_key: the platform's secret key.
        webhook_secret: the signing secret of the webhook endpoint.
        api_base: another API address (a test server); Stripe's by default.
        max_network_retries: retries of a failed connection (Stripe's default: none).
    """

    name = "stripe"

    def __init__(
        self,
        api_key: str,
        *,
        webhook_secret: str,
        api_base: str | None = None,
        max_network_retries: int = 0,
    ) -> None:
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else {},
            max_network_retries=max_network_retries,
        ).v1

    def create_invoice(
        self, account_id: str, *, email: str, name: str, amount: Money, description: str,
        reference: str, workspace_id: str,
    ) -> str:  # fmt: skip
        """Create, on the trainer's account, a customer, the invoice item and a finalised
        invoice that carries clientcrm's ``reference``; return the invoice's id."""
        metadata = {"clientcrm_invoice": reference, "clientcrm_workspace": workspace_id}

        def options(step: str) -> Any:
            return {"stripe_account": account_id, "idempotency_key": f"{reference}-{step}"}

        with _translated():
            customer = self._client.customers.create(
                params={"email": email, "name": name, "metadata": metadata},
                options=options("customer"),
            )
            self._client.invoice_items.create(
                params={
                    "customer": customer.id,
                    "amount": int(amount.amount.scaleb(minor_units(amount.currency))),
                    "currency": amount.currency.lower(),
                    "description": description,
                },
                options=options("item"),
            )
            invoice = self._client.invoices.create(
                params={
                    "customer": customer.id,
                    "pending_invoice_items_behavior": "include",
                    "auto_advance": False,
                    "metadata": metadata,
                },
                options=options("invoice"),
            )
            assert invoice.id is not None
            self._client.invoices.finalize_invoice(
                invoice.id, options={"stripe_account": account_id}
            )
        return invoice.id

    def pay(self, account_id: str, invoice_id: str, payment_method: str) -> None:
        """Charge the invoice to the payment method; a declined card is
        `PaymentDeclinedError`."""
        with _translated():
            self._client.invoices.pay(
                invoice_id,
                params={"payment_method": payment_method},
                options={"stripe_account": account_id},
            )

    def void(self, account_id: str, invoice_id: str) -> None:
        """Cancel (void) the invoice."""
        with _translated():
            self._client.invoices.void_invoice(invoice_id, options={"stripe_account": account_id})

    def event(self, payload: bytes, signature: str) -> PaymentEvent:
        """Check a webhook's signature and read it; a bad signature is a
        `ValidationError` of ``signature`` and nothing is read."""
        try:
            event = stripe.Webhook.construct_event(payload, signature, self._webhook_secret)
        except stripe.SignatureVerificationError:
            raise ValidationError("signature", "the webhook's signature does not match") from None
        except ValueError:
            raise ValidationError("payload", "the webhook's body is not a Stripe event") from None
        data = event.data.object.to_dict()
        metadata = data.get("metadata") or {}
        return PaymentEvent(
            kind=_EVENTS.get(event.type, PaymentEventKind.OTHER),
            reference=metadata.get("clientcrm_invoice"),
            workspace_id=metadata.get("clientcrm_workspace"),
            provider_id=data.get("id"),
        )


@contextmanager
def _translated() -> Iterator[None]:
    """Stripe's errors as clientcrm's: a declined card, anything else the provider says."""
    try:
        yield
    except stripe.CardError as error:
        raise PaymentDeclinedError(error.user_message or str(error.code)) from None
    except stripe.StripeError as error:
        raise PaymentError(error.user_message or str(error)) from None
