"""A real SMTP server on loopback for the tests (aiosmtpd), and what it received."""

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """What the server received: each message with its envelope."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd calls it by this name
        parsed = email.message_from_bytes(envelope.original_content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(**options: Any) -> Iterator[tuple[Inbox, int]]:
    """A server on 127.0.0.1 (aiosmtpd ``Controller`` options pass through), its inbox and
    its port."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
