"""The SMTP adapter of `clientcrm.ports.EmailSender`, on the standard library's ``smtplib``.

Messages are built with ``email.message.EmailMessage`` and header objects: names and
subjects are encoded (RFC 2047) rather than pasted into headers, and a line break in a
header value is refused twice (by `clientcrm.models.messages.Email` and by the email
package's policy), so no name or subject can add a ``Bcc:`` of its own.
"""

from __future__ import annotations

import enum
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from clientcrm.errors import DeliveryError, ValidationError
from clientcrm.models.messages import Email

__all__ = ["SMTPSender", "Security"]


class Security(enum.StrEnum):
    """How the connection to the mail server is protected."""

    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)
    NONE = "none"  # no encryption: a relay on localhost only


class SMTPSender:
    """Delivers each email in its own SMTP session.

    Args:
        host: the mail server.
        port: its port (587 for STARTTLS, 465 for TLS).
        from_address: the envelope and ``From`` address (the workspace's sending address;
            replies go to the staff member through ``Reply-To``).
        from_name: the display name of ``From``.
        username: log in with this user (and ``password``) after securing the connection.
        password: the password.
        security: STARTTLS (default), TLS or none.
        ssl_context: the TLS settings; the default verifies the server's certificate.
        timeout: seconds to wait for the server.
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        from_address: str,
        from_name: str | None = None,
        username: str | None = None,
        password: str | None = None,
        security: Security | str = Security.STARTTLS,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30,
    ) -> None:
        self.host = host
        self.port = port
        self.from_address = from_address
        self.from_name = from_name
        self._username = username
        self._password = password
        self.security = Security(security)
        self._context = ssl_context or ssl.create_default_context()
        self.timeout = timeout
        self._domain = from_address.rpartition("@")[2] or "localhost"

    def message(self, email: Email) -> EmailMessage:
        """The MIME message ``send`` delivers."""
        message = EmailMessage(policy=SMTP)
        try:
            message["From"] = Address(self.from_name or "", addr_spec=self.from_address)
            message["To"] = Address(email.to_name, addr_spec=email.to)
            message["Reply-To"] = Address(email.reply_to_name or "", addr_spec=email.reply_to)
            message["Subject"] = email.subject
        except ValueError as error:  # the email package refuses what could forge a header
            raise ValidationError("email", str(error)) from None
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=self._domain)
        message.set_content(email.body)
        return message

    def send(self, email: Email) -> str:
        """Deliver ``email``; return its Message-ID. Raises `DeliveryError` when the server
        refuses or cannot be reached."""
        message = self.message(email)
        try:
            with self._connect() as smtp:
                if self.security is Security.STARTTLS:
                    smtp.starttls(context=self._context)
                if self._username is not None:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(message, from_addr=self.from_address, to_addrs=[email.to])
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(
                email.to, f"the mail server refused the login ({error.smtp_code})"
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(email.to, str(error) or type(error).__name__) from None
        return str(message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        if self.security is Security.TLS:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
