"""Messages to clients (SPEC section 14): the email handed to a sender, and what was sent."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from clientcrm.models._checks import require_line, require_text

__all__ = ["Email", "MessagePurpose", "MessageReport", "Refusal", "SentMessage"]

MAX_SUBJECT = 200
MAX_BODY = 50_000


class MessagePurpose(enum.StrEnum):
    """Why a message is sent; re-engagement messages are rationed (seed 000: "aim for 1-3 a
    quarter; more feels stalkerish")."""

    RE_ENGAGEMENT = "re_engagement"
    GENERAL = "general"


@attrs.frozen
class Email:
    """One email to one client, as a sender adapter delivers it.

    Header values are single lines (a line break in a subject or a name could smuggle in a
    header such as ``Bcc:``); the adapter encodes them safely.

    Attributes:
        to: the client's address.
        to_name: the client's name.
        reply_to: the staff member's address: replies go to them.
        reply_to_name: the staff member's name, if known.
        subject: the subject line.
        body: plain text.
    """

    to: str
    to_name: str
    reply_to: str
    subject: str
    body: str
    reply_to_name: str | None = None

    def __attrs_post_init__(self) -> None:
        for field, limit in _LINES:
            value = getattr(self, field)
            if value is not None:
                require_line(value, field, max_length=limit)
        require_text(self.body, "body", max_length=MAX_BODY)


_LINES = (
    ("to", 254),
    ("to_name", 200),
    ("reply_to", 254),
    ("reply_to_name", 200),
    ("subject", MAX_SUBJECT),
)


@attrs.frozen
class SentMessage:
    """A message sent (or, in a dry run, that would be sent) to a client.

    Attributes:
        client_id: the client.
        email: the email as delivered.
        purpose: why it was sent.
        at: when.
        provider_id: the sender's id of the delivered message (``None`` in a dry run).
    """

    client_id: str
    email: Email
    purpose: MessagePurpose
    at: datetime
    provider_id: str | None = None


@attrs.frozen
class Refusal:
    """A client of a selection who was not messaged, and why.

    Attributes:
        client_id: the client.
        email: their address.
        reason: one sentence a person can read.
    """

    client_id: str
    email: str
    reason: str


@attrs.frozen
class MessageReport:
    """What happened to a message sent to a selection of clients.

    Attributes:
        sent: the messages sent (or that would be, in a dry run).
        refused: the clients left out, each with the reason.
        dry_run: whether nothing was actually sent.
    """

    sent: tuple[SentMessage, ...]
    refused: tuple[Refusal, ...]
    dry_run: bool
