"""Messaging clients (SPEC section 14): checks, the contact-frequency guard, delivery
through the `EmailSender`, and a timeline entry for every message sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import attrs

from clientcrm.errors import BlockedClientError, ContactLimitError, CRMError, ValidationError
from clientcrm.models._checks import require_line, require_text
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client, Flag
from clientcrm.models.messages import (
    MAX_BODY,
    MAX_SUBJECT,
    Email,
    MessagePurpose,
    MessageReport,
    Refusal,
    SentMessage,
)
from clientcrm.models.timeline import EntryKind, TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.ports import EmailSender, UnitOfWork
from clientcrm.rules.messages import next_allowed, personalise
from clientcrm.service.privacy import is_erased

__all__ = ["Draft", "Messenger"]


@attrs.frozen
class Draft:
    """A message before it is personalised for each client.

    Attributes:
        subject: the subject line; ``{first_name}`` and ``{name}`` are the client's.
        body: plain text, with the same placeholders.
        purpose: re-engagement messages are rationed by `MessagePolicy`; general ones not.
    """

    subject: str
    body: str
    purpose: MessagePurpose = MessagePurpose.RE_ENGAGEMENT

    def __attrs_post_init__(self) -> None:
        """Refuse a draft no client could get, before any client is looked at."""
        require_line(self.subject, "subject", max_length=MAX_SUBJECT)
        require_text(self.body, "body", max_length=MAX_BODY)


class Messenger:
    """Sends one draft to clients for one actor: every check, then delivery and the log."""

    def __init__(
        self,
        sender: EmailSender | None,
        actor: Actor,
        now: datetime,
        ids: Callable[[], str],
        *,
        dry_run: bool,
    ) -> None:
        if sender is None and not dry_run:
            raise ValidationError("sender", "this CRM has no email sender: pass sender= to CRM")
        if actor.email is None:
            raise ValidationError("reply_to", "the sender needs an email address for replies")
        self._sender = sender
        self._actor = actor
        self._reply_to: str = actor.email
        self._now = now
        self._ids = ids
        self._dry_run = dry_run

    def send(
        self, uow: UnitOfWork, workspace: Workspace, client: Client, draft: Draft
    ) -> SentMessage:
        """Check, deliver and log one message in ``uow`` (the caller commits)."""
        email = self._email(uow, workspace, client, draft)
        provider_id = None
        if not self._dry_run:
            assert self._sender is not None
            provider_id = self._sender.send(email)
            uow.timeline.add([self._entry(client, email, draft.purpose, provider_id)])
        return SentMessage(client.id, email, draft.purpose, self._now, provider_id)

    def send_each(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        workspace: Workspace,
        clients: Iterable[Client],
        draft: Draft,
    ) -> MessageReport:
        """Send to each client in a unit of work of its own; refusals are reported, not
        raised, so one client's limit does not stop the others."""
        sent, refused = [], []
        for client in clients:
            try:
                with unit_of_work() as uow:
                    sent.append(self.send(uow, workspace, client, draft))
                    uow.commit()
            except CRMError as error:
                refused.append(Refusal(client.id, client.email, str(error)))
        return MessageReport(tuple(sent), tuple(refused), self._dry_run)

    def _email(self, uow: UnitOfWork, workspace: Workspace, client: Client, draft: Draft) -> Email:
        if is_erased(client):
            raise ValidationError("client", f"client {client.id} was erased: no one to write to")
        if Flag.BLOCKED in client.flags:
            raise BlockedClientError(client.id)
        if draft.purpose is MessagePurpose.RE_ENGAGEMENT:
            entries = uow.timeline.for_client(workspace.id, client.id)
            earlier = (
                e.at
                for e in entries
                if e.kind is EntryKind.MESSAGE_SENT
                and e.data.get("purpose") == MessagePurpose.RE_ENGAGEMENT.value
            )
            policy = workspace.policies.messages
            allowed = next_allowed(earlier, self._now, workspace.tz, policy)
            if allowed is not None:
                raise ContactLimitError(client.id, client.email, allowed)
        return Email(
            to=client.email,
            to_name=client.name,
            reply_to=self._reply_to,
            subject=personalise(draft.subject, client).strip(),
            body=personalise(draft.body, client),
        )

    def _entry(
        self, client: Client, email: Email, purpose: MessagePurpose, provider_id: str
    ) -> TimelineEntry:
        label = "Re-engagement email" if purpose is MessagePurpose.RE_ENGAGEMENT else "Email"
        return TimelineEntry(
            id=self._ids(),
            workspace_id=client.workspace_id,
            client_id=client.id,
            kind=EntryKind.MESSAGE_SENT,
            at=self._now,
            summary=f"{label} from {email.reply_to}: {email.subject}",
            actor_id=self._actor.id,
            data={
                "purpose": purpose.value,
                "subject": email.subject,
                "body": email.body,
                "reply_to": email.reply_to,
                "provider_id": provider_id,
            },
        )
