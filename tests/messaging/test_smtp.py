"""The SMTP adapter against a real SMTP server on loopback (aiosmtpd): plain, STARTTLS with
a login, a refused login, an unreachable server, and names that try to forge headers."""

import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from clientcrm import CRM, Actor, Permission, Role, Workspace
from clientcrm.errors import DeliveryError, ValidationError
from clientcrm.messaging import Security, SMTPSender
from clientcrm.models.messages import Email
from clientcrm.models.timeline import FeedKind, TimelineQuery
from clientcrm.stores.memory import MemoryStore
from mailserver import Inbox, free_port, smtp_server

LOGIN = ("studio", "s3cret")
COACH = Actor("coach", "ws", Role.STAFF, {Permission.SEND_EMAILS}, email="maya@studio.example")


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth: Any
) -> AuthResult:
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == tuple(
        v.encode() for v in LOGIN
    )
    return AuthResult(success=ok, handled=False)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the server's) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def plain() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[Inbox, int, ssl.SSLContext]]:
    """A server that requires STARTTLS before a login, and a client context trusting it."""
    cert, key = _certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    options = {
        "tls_context": server_context,
        "require_starttls": True,
        "authenticator": _authenticator,
        "auth_require_tls": True,
        "auth_required": True,
    }
    with smtp_server(**options) as (inbox, port):
        client_context = ssl.create_default_context(cafile=str(cert))
        yield inbox, port, client_context


def _email(**changes: str) -> Email:
    values = {
        "to": "sarah@example.com", "to_name": "Sarah Connor", "reply_to": "maya@studio.example",
        "reply_to_name": "Maya", "subject": "We miss you", "body": "Hi Sarah,\nsee you soon?",
    }  # fmt: skip
    return Email(**(values | changes))


def test_plain_delivery_sets_from_to_and_reply_to(plain: tuple[Inbox, int]) -> None:
    inbox, port = plain
    sender = SMTPSender(
        "127.0.0.1", port, from_address="hello@studio.example", from_name="Lotus Yoga",
        security=Security.NONE,
    )  # fmt: skip
    message_id = sender.send(_email())
    [(mail_from, rcpt, message)] = inbox.received
    assert (mail_from, rcpt) == ("hello@studio.example", ["sarah@example.com"])
    assert message["Reply-To"] == "Maya <maya@studio.example>"
    assert message["From"] == "Lotus Yoga <hello@studio.example>"
    assert message["To"] == "Sarah Connor <sarah@example.com>"
    assert message["Message-ID"] == message_id
    assert message.get_content().splitlines() == ["Hi Sarah,", "see you soon?"]


def test_starttls_and_login(secured: tuple[Inbox, int, ssl.SSLContext]) -> None:
    inbox, port, context = secured
    sender = SMTPSender(
        "127.0.0.1", port, from_address="hello@studio.example", username=LOGIN[0],
        password=LOGIN[1], ssl_context=context,
    )  # fmt: skip
    sender.send(_email())
    assert len(inbox.received) == 1
    wrong = SMTPSender(
        "127.0.0.1", port, from_address="hello@studio.example", username=LOGIN[0],
        password=LOGIN[1][::-1], ssl_context=context,
    )  # fmt: skip
    with pytest.raises(DeliveryError, match="refused the login"):
        wrong.send(_email())
    untrusting = SMTPSender(
        "127.0.0.1", port, from_address="hello@studio.example", username=LOGIN[0],
        password=LOGIN[1],
    )  # fmt: skip
    with pytest.raises(DeliveryError):  # the self-signed certificate is not trusted by default
        untrusting.send(_email())
    assert len(inbox.received) == 1


def test_an_unreachable_server_is_a_delivery_error() -> None:
    sender = SMTPSender("127.0.0.1", free_port(), from_address="hi@studio.example", timeout=2)
    with pytest.raises(DeliveryError, match=r"sarah@example\.com"):
        sender.send(_email())


def test_names_cannot_forge_headers(plain: tuple[Inbox, int]) -> None:
    """Quotes, commas, angle brackets and accents stay inside one encoded name; a line break
    never reaches the server."""
    inbox, port = plain
    sender = SMTPSender("127.0.0.1", port, from_address="hi@studio.example", security="none")
    tricky = 'Zoë "The Yogi", <admin@evil.example>'
    sender.send(_email(to_name=tricky, subject="Ça va? =?utf-8?q?Bcc=3A_x?="))
    [(_, rcpt, message)] = inbox.received
    assert rcpt == ["sarah@example.com"]
    assert message["To"].addresses[0].display_name == tricky
    assert message["To"].addresses[0].addr_spec == "sarah@example.com"
    assert len(message["To"].addresses) == 1
    assert message["Bcc"] is None
    for field, value in (("to_name", "Sarah\r\nBcc: all@evil.example"), ("subject", "Hi\nBcc: x")):
        with pytest.raises(ValidationError, match=field):
            sender.send(_email(**{field: value}))
    assert len(inbox.received) == 1


def test_through_the_crm_every_message_is_logged_on_the_timeline(plain: tuple[Inbox, int]) -> None:
    inbox, port = plain
    sender = SMTPSender("127.0.0.1", port, from_address="hi@studio.example", security="none")
    crm = CRM(MemoryStore(), sender=sender)
    owner = Actor.owner("ws")
    crm.save_workspace(Workspace("ws", "Lotus"), owner)
    sarah = crm.add_client(owner, name="Sarah Connor", email="sarah@example.com")
    crm.send_message(sarah.id, "We miss you, {first_name}", "Hi {first_name}!", COACH)
    [(_, _, message)] = inbox.received
    assert message["Subject"] == "We miss you, Sarah"
    assert message["Reply-To"] == "maya@studio.example"
    feed = crm.timeline(sarah.id, owner, TimelineQuery(kinds=frozenset({FeedKind.MESSAGE})))
    assert len(feed.items) == 1
    assert "We miss you, Sarah" in feed.items[0].detail
