"""Contract: the list query filters, sorts and pages the same on every store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from clientcrm.errors import ValidationError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import ClientSummary, Flag, StatusPill
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["ListQueryContract"]

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def _visits(crm: CRM, owner: Actor, email: str, *days_ago: int, amount: str = "10.00") -> None:
    """Completed, paid visits that started ``days_ago`` days before now."""
    for n, ago in enumerate(days_ago):
        start = NOW - timedelta(days=ago)
        booking = f"{email}-{n}"
        for kind, money in (("completed", None), ("paid", amount)):
            crm.record(
                event(
                    kind,
                    booking,
                    email=email,
                    at=start,
                    starts_at=start,
                    amount=money,
                    name=email.split("@", maxsplit=1)[0].title(),
                ),
                owner,
            )


class ListQueryContract(StoreFixtures):
    """`CRM.list_clients` over the store."""

    @pytest.fixture
    def studio(self, crm: CRM, owner: Actor, clock: FrozenClock) -> CRM:
        """Six clients with known pills, spend and tags."""
        clock.set(NOW)
        _visits(crm, owner, "regular@example.com", 1, 2, 3, 4, 5, amount="20.00")
        _visits(crm, owner, "active@example.com", 89)
        _visits(crm, owner, "lapsed@example.com", 90, 120)
        _visits(crm, owner, "growing@example.com", 3, 10, 20)
        crm.add_client(owner, name="Zoë Müller", email="zoe@example.com", phone="07700 900123")
        archived = crm.add_client(owner, name="Old Timer", email="old@example.com")
        crm.flag(archived.id, Flag.INACTIVE, owner)
        crm.tag(crm.find_client("regular@example.com", owner).id, ["Injury", "Beginner"], owner)
        crm.tag(crm.find_client("growing@example.com", owner).id, ["Beginner"], owner)
        return crm

    def _emails(self, crm: CRM, owner: Actor, **query: Any) -> list[str]:
        return [c.email.split("@")[0] for c in crm.iter_clients(ClientQuery(**query), owner)]

    def test_status_pills_at_their_boundaries(self, studio: CRM, owner: Actor) -> None:
        """89 days ago is active, exactly 90 is lapsed, 5 bookings is regular, none is new."""
        pills = {status: self._emails(studio, owner, statuses={status}) for status in StatusPill}
        assert sorted(pills[StatusPill.LAPSED]) == ["lapsed"]
        assert sorted(pills[StatusPill.ACTIVE]) == ["active", "growing"]
        assert pills[StatusPill.REGULAR] == ["regular"]
        assert pills[StatusPill.NEW] == ["zoe"]

    def test_growing_and_ranges(self, studio: CRM, owner: Actor) -> None:
        """Growing is 3-5 bookings, so 5 is both regular and growing; ranges are inclusive."""
        assert sorted(self._emails(studio, owner, growing=True)) == ["growing", "regular"]
        assert sorted(self._emails(studio, owner, bookings_min=2, bookings_max=3)) == [
            "growing",
            "lapsed",
        ]
        assert self._emails(studio, owner, spend_min=Decimal("100.00")) == ["regular"]
        assert self._emails(studio, owner, spend_max=Decimal("0")) == ["zoe"]

    def test_tags_any_and_all(self, studio: CRM, owner: Actor) -> None:
        """Any-of keeps clients with one of the tags; all-of needs every tag."""
        assert sorted(self._emails(studio, owner, tags_any={"Injury", "Beginner"})) == [
            "growing",
            "regular",
        ]
        assert self._emails(studio, owner, tags_all={"Injury", "Beginner"}) == ["regular"]

    def test_inactive_hidden_unless_asked(self, studio: CRM, owner: Actor) -> None:
        """INACTIVE clients leave the default list and come back when asked for."""
        assert "old" not in self._emails(studio, owner)
        assert "old" in self._emails(studio, owner, include_inactive=True)
        assert self._emails(studio, owner, flags={Flag.INACTIVE}) == ["old"]

    def test_search_by_name_email_and_phone(self, studio: CRM, owner: Actor) -> None:
        """Search finds accent-folded name prefixes, email parts and national phone forms."""
        assert self._emails(studio, owner, search="zoe mul") == ["zoe"]
        assert self._emails(studio, owner, search="ZOË") == ["zoe"]
        assert self._emails(studio, owner, search="lapsed@exa") == ["lapsed"]
        assert self._emails(studio, owner, search="+44 7700 900123") == ["zoe"]
        assert self._emails(studio, owner, search="07700900") == ["zoe"]
        assert self._emails(studio, owner, search="nobody") == []

    def test_days_since_activity_and_registration(self, studio: CRM, owner: Actor) -> None:
        """Inactivity counts calendar days; registration dates are inclusive."""
        assert sorted(self._emails(studio, owner, inactive_days_min=90)) == ["lapsed"]
        assert "active" in self._emails(studio, owner, inactive_days_max=89)
        assert "lapsed" not in self._emails(studio, owner, inactive_days_max=89)
        today = NOW.date()
        assert sorted(self._emails(studio, owner, registered_from=today, registered_to=today)) == [
            "zoe"
        ]
        assert self._emails(studio, owner, registered_to=date(2025, 1, 1)) == []

    @pytest.mark.parametrize("sort", list(SortKey))
    def test_paging_walks_the_whole_sorted_list_once(
        self, studio: CRM, owner: Actor, sort: SortKey
    ) -> None:
        """Pages of two, cursor to cursor, give every client once, in the sort's order."""
        whole = studio.list_clients(ClientQuery(sort=sort, limit=500), owner).clients
        paged = list(studio.iter_clients(ClientQuery(sort=sort, limit=2), owner))
        assert [c.id for c in paged] == [c.id for c in whole]
        assert len(whole) == 5
        if sort is SortKey.NAME:
            assert [c.name for c in whole][:2] == ["Active", "Growing"]
        if sort is SortKey.SPEND:
            assert whole[0].email == "regular@example.com"

    @pytest.mark.parametrize("sort", list(SortKey))
    def test_summaries_stream_the_whole_list_from_a_cursor_on(
        self, studio: CRM, owner: Actor, sort: SortKey
    ) -> None:
        """`CRM.client_summaries` gives every client the pages give, in their order, as their
        summaries (whatever the limit), from a page's cursor on; filters and search apply."""
        whole = list(studio.iter_clients(ClientQuery(sort=sort, limit=2), owner))
        streamed = list(studio.client_summaries(ClientQuery(sort=sort, limit=1), owner))
        assert streamed == [ClientSummary.of(c) for c in whole]
        assert len(streamed) == 5
        first = studio.list_clients(ClientQuery(sort=sort, limit=2), owner)
        rest = studio.client_summaries(ClientQuery(sort=sort, cursor=first.next_cursor), owner)
        assert [s.id for s in rest] == [c.id for c in whole[2:]]
        beginners = studio.client_summaries(ClientQuery(sort=sort, tags_any={"Beginner"}), owner)
        assert sorted(s.email for s in beginners) == ["growing@example.com", "regular@example.com"]
        assert [s.email for s in studio.client_summaries(ClientQuery(search="zoe"), owner)] == [
            "zoe@example.com"
        ]
        assert list(studio.client_summaries(ClientQuery(search="nobody"), owner)) == []

    def test_a_member_streams_only_their_own_summary(self, studio: CRM, owner: Actor) -> None:
        """A member's summaries, like their list, hold their own record alone."""
        member = Actor("m1", owner.workspace_id, Role.MEMBER, email="active@example.com")
        mine = list(studio.client_summaries(ClientQuery(), member))
        assert [s.email for s in mine] == ["active@example.com"]
        assert mine[0].bookings == 1
        assert mine[0].spend == Decimal("10.00")

    def test_a_foreign_cursor_is_refused(self, studio: CRM, owner: Actor) -> None:
        """A cursor from another sort, or garbage, raises `ValidationError` on `cursor`."""
        page = studio.list_clients(ClientQuery(limit=1), owner)
        assert page.next_cursor is not None
        for bad in (page.next_cursor, "garbage!"):
            with pytest.raises(ValidationError) as caught:
                studio.list_clients(
                    attrs.evolve(ClientQuery(sort=SortKey.NAME, limit=1), cursor=bad), owner
                )
            assert caught.value.field == "cursor"
