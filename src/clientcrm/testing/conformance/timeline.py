"""Contract: a client's feed (SPEC section 9) gathers the same items from every store."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from clientcrm.errors import ValidationError
from clientcrm.models.activity import ActivityKind
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.client import Client
from clientcrm.models.events import ActivityEvent, OrderEvent, OrderEventKind
from clientcrm.models.money import Money
from clientcrm.models.note import NoteVisibility
from clientcrm.models.timeline import FeedItem, FeedKind, TimelineQuery
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["FeedContract"]


class FeedContract(StoreFixtures):
    """Everything about a client, newest first: searched, counted by type, paged, by day."""

    def _everything(self, crm: CRM, owner: Actor, kate: Client) -> None:
        summer = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # July 1st in London
        crm.record(event("booked", "k2", at=summer, starts_at=summer), owner)
        order = OrderEvent(
            OrderEventKind.PAID, "o1-paid", "o1", datetime(2026, 2, 1, tzinfo=UTC),
            "kate@example.com", "Yoga mat", Money("15.50", "EUR"),
        )  # fmt: skip
        crm.record(order, owner)
        form = ActivityEvent(
            ActivityKind.FORM, "f1", datetime(2026, 2, 2, tzinfo=UTC), "kate@example.com",
            title="Health questionnaire",
        )  # fmt: skip
        crm.record(form, owner)
        crm.purchases.record(
            kate.id, owner, platform="Hotmart", transaction_id="HP1", product="Pranayama",
            price=Money("97.00", "EUR"), status="completed",
            purchased_at=datetime(2026, 2, 3, tzinfo=UTC),
        )  # fmt: skip
        crm.credits.purchase(kate.id, 5, owner, at=datetime(2026, 2, 4, tzinfo=UTC))
        crm.add_note(kate.id, "Knee injury: avoid deep lunges", owner)
        staff = Actor("s1", "ws-a", Role.STAFF, permissions=[Permission.VIEW_NOTES])
        crm.add_note(
            kate.id, "Private: prefers Élodie's class", staff, visibility=NoteVisibility.PRIVATE
        )

    def test_the_feed_holds_every_kind_the_reader_may_see(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        self._everything(crm, owner, kate)
        page = crm.timeline(kate.id, owner, TimelineQuery(limit=1000))
        counts = Counter(i.kind for i in page.items)
        assert counts[FeedKind.BOOKING] == 2
        for kind in (FeedKind.ORDER, FeedKind.FORM, FeedKind.PURCHASE, FeedKind.CREDIT):
            assert counts[kind] == 1, kind
        assert counts[FeedKind.NOTE] == 1  # the private note is its author's alone
        assert counts[FeedKind.STAGE] >= 1
        assert counts[FeedKind.MILESTONE] >= 1
        assert dict(counts) == dict(page.counts)
        moments = [i.at for i in page.items]
        assert moments == sorted(moments, reverse=True)
        july = page.days[0]
        assert july.day == date(2026, 7, 1)  # grouped in the workspace's timezone
        assert [i.id for i in july.items] == ["k2"]

    def test_search_type_filter_and_paging(self, crm: CRM, owner: Actor, kate: Client) -> None:
        self._everything(crm, owner, kate)
        found = crm.timeline(kate.id, owner, TimelineQuery(search="KNEE lunges"))
        assert [i.detail for i in found.items] == ["Knee injury: avoid deep lunges"]
        assert found.counts == {FeedKind.NOTE: 1}
        bookings = TimelineQuery(kinds=frozenset({FeedKind.BOOKING}))
        filtered = crm.timeline(kate.id, owner, bookings)
        assert {i.kind for i in filtered.items} == {FeedKind.BOOKING}
        assert sum(filtered.counts.values()) > len(filtered.items)  # counts ignore the filter
        whole = crm.timeline(kate.id, owner, TimelineQuery(limit=1000)).items
        paged: list[FeedItem] = []
        cursor = None
        while True:
            page = crm.timeline(kate.id, owner, TimelineQuery(limit=3, cursor=cursor))
            paged += page.items
            if (cursor := page.next_cursor) is None:
                break
        assert paged == whole
        with pytest.raises(ValidationError, match="cursor"):
            crm.timeline(kate.id, owner, TimelineQuery(cursor="garbage"))
