"""Email adapters for the `clientcrm.ports.EmailSender` port (SPEC section 14)."""

from clientcrm.messaging.smtp import Security, SMTPSender

__all__ = ["SMTPSender", "Security"]
