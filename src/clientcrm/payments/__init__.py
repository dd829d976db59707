"""Payment adapters for the `clientcrm.ports.PaymentProvider` port (seed 003's billing)."""

from clientcrm.payments.stripe import StripeProvider

__all__ = ["StripeProvider"]
