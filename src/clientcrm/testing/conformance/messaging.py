"""Contract: messaging clients, its contact-frequency guard and its log, on every store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clientcrm.errors import (
    BlockedClientError,
    ContactLimitError,
    DeliveryError,
    PermissionDeniedError,
    ValidationError,
)
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.client import Client, Flag
from clientcrm.models.messages import MessagePurpose
from clientcrm.models.query import ClientQuery
from clientcrm.models.timeline import FeedKind, TimelineQuery
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock
from clientcrm.testing.conformance.base import StoreFixtures
from clientcrm.testing.outbox import Outbox

__all__ = ["MessagingContract"]

NOW = datetime(2026, 3, 15, 10, tzinfo=UTC)
COACH = Actor("coach", "ws-a", Role.STAFF, {Permission.SEND_EMAILS}, email="maya@studio.example")
SUBJECT = "We miss you, {first_name}"
BODY = "Hi {first_name}, noticed you have not been in for a while; let me know if I can help."


class MessagingContract(StoreFixtures):
    """`CRM.send_message` and `CRM.send_messages` over the store."""

    @pytest.fixture
    def outbox(self) -> Outbox:
        return Outbox()

    @pytest.fixture
    def messaging(self, store: Store, clock: FrozenClock, crm: CRM, outbox: Outbox) -> CRM:
        """The contract's `CRM`, over the same store, with an outbox to send through."""
        clock.set(NOW)
        return CRM(store, clock=clock, sender=outbox)

    @pytest.fixture
    def sarah(self, messaging: CRM, owner: Actor) -> Client:
        return messaging.add_client(owner, name="Sarah Connor", email="sarah@example.com")

    def test_a_message_is_personal_replies_to_the_staff_member_and_is_logged(
        self, messaging: CRM, sarah: Client, outbox: Outbox, owner: Actor
    ) -> None:
        sent = messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        email = outbox.sent[0]
        assert (email.to, email.to_name, email.reply_to) == (
            "sarah@example.com", "Sarah Connor", "maya@studio.example"
        )  # fmt: skip
        assert email.subject == "We miss you, Sarah"
        assert email.body.startswith("Hi Sarah, noticed")
        assert sent.provider_id == "outbox-1"
        feed = messaging.timeline(
            sarah.id, owner, TimelineQuery(kinds=frozenset({FeedKind.MESSAGE}))
        )
        assert [item.detail for item in feed.items] == [
            "Re-engagement email from maya@studio.example: We miss you, Sarah"
        ]

    def test_at_most_three_re_engagement_messages_in_three_months(
        self, messaging: CRM, sarah: Client, outbox: Outbox, clock: FrozenClock
    ) -> None:
        """The fourth names the client and the day the next is allowed; general messages
        are not rationed; the window slides."""
        for days in (0, 10, 20):
            clock.set(NOW + timedelta(days=days))
            messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        with pytest.raises(ContactLimitError) as refused:
            messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        assert refused.value.next_allowed == date(2026, 6, 15)  # 15 March + 3 months
        assert "sarah@example.com" in str(refused.value)
        assert "2026-06-15" in str(refused.value)
        messaging.send_message(sarah.id, "Class times", BODY, COACH, purpose=MessagePurpose.GENERAL)
        clock.set(datetime(2026, 6, 14, 22, 59, tzinfo=UTC))  # 23:59 on 14 June in London
        with pytest.raises(ContactLimitError):
            messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        clock.set(datetime(2026, 6, 14, 23, 0, tzinfo=UTC))  # midnight: 15 June in London
        messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        assert len(outbox.sent) == 5

    def test_blocked_and_erased_clients_are_never_messaged(
        self, messaging: CRM, sarah: Client, outbox: Outbox, owner: Actor
    ) -> None:
        blocked = messaging.add_client(owner, name="Bo Lock", email="bo@example.com")
        messaging.flag(blocked.id, Flag.BLOCKED, owner)
        with pytest.raises(BlockedClientError):
            messaging.send_message(blocked.id, SUBJECT, BODY, COACH)
        messaging.erase_client(sarah.id, owner)
        with pytest.raises(ValidationError, match="erased"):
            messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        assert outbox.sent == []

    def test_only_those_who_may_send_emails_can(
        self, messaging: CRM, sarah: Client, outbox: Outbox
    ) -> None:
        without = Actor("desk", "ws-a", Role.STAFF, email="desk@studio.example")
        member = Actor("m", "ws-a", Role.MEMBER, email="sarah@example.com")
        for actor in (without, member):
            with pytest.raises(PermissionDeniedError):
                messaging.send_message(sarah.id, SUBJECT, BODY, actor)
        nobody = Actor("api", "ws-a", Role.OWNER)  # no address to reply to
        with pytest.raises(ValidationError, match="reply_to"):
            messaging.send_message(sarah.id, SUBJECT, BODY, nobody)
        assert outbox.sent == []

    def test_a_line_break_cannot_add_a_header_and_nothing_is_sent(
        self, messaging: CRM, sarah: Client, outbox: Outbox
    ) -> None:
        with pytest.raises(ValidationError, match="subject"):
            messaging.send_message(sarah.id, "Hi\r\nBcc: all@example.com", BODY, COACH)
        with pytest.raises(ValidationError, match="body"):  # refused once, not per client
            messaging.send_messages(ClientQuery(), SUBJECT, "   ", COACH)
        assert outbox.sent == []

    def test_a_failed_delivery_logs_nothing_and_a_dry_run_sends_nothing(
        self, messaging: CRM, sarah: Client, outbox: Outbox, owner: Actor
    ) -> None:
        outbox.failing = True
        with pytest.raises(DeliveryError):
            messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        outbox.failing = False
        preview = messaging.send_message(sarah.id, SUBJECT, BODY, COACH, dry_run=True)
        assert preview.email.subject == "We miss you, Sarah"
        assert preview.provider_id is None
        assert outbox.sent == []
        feed = messaging.timeline(
            sarah.id, owner, TimelineQuery(kinds=frozenset({FeedKind.MESSAGE}))
        )
        assert feed.items == []

    def test_a_selection_reports_who_was_left_out_and_why(
        self, messaging: CRM, sarah: Client, outbox: Outbox, owner: Actor
    ) -> None:
        messaging.add_client(owner, name="Ana Lima", email="ana@example.com", tags=["lapsed"])
        bo = messaging.add_client(owner, name="Bo Lock", email="bo@example.com", tags=["lapsed"])
        messaging.flag(bo.id, Flag.BLOCKED, owner)
        messaging.tag(sarah.id, ["lapsed"], owner)
        for _ in range(3):
            messaging.send_message(sarah.id, SUBJECT, BODY, COACH)
        report = messaging.send_messages(ClientQuery(tags_any={"lapsed"}), SUBJECT, BODY, COACH)
        assert [m.email.to for m in report.sent] == ["ana@example.com"]
        reasons = {r.email: r.reason for r in report.refused}
        assert set(reasons) == {"bo@example.com", "sarah@example.com"}
        assert "blocked" in reasons["bo@example.com"]
        assert "2026-06-15" in reasons["sarah@example.com"]
        dry = messaging.send_messages(
            ClientQuery(tags_any={"lapsed"}), SUBJECT, BODY, COACH, dry_run=True
        )
        assert dry.dry_run
        assert [m.email.to for m in dry.sent] == ["ana@example.com"]  # the limit holds in previews
        assert len(outbox.sent) == 4
