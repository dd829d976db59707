"""The feed's page: search, counts, type filter, keyset paging and days, as properties."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from clientcrm.models.timeline import FeedItem, FeedKind, TimelineQuery
from clientcrm.rules.search import fold
from clientcrm.rules.timeline import feed_page

T0 = datetime(2026, 3, 28, 22, tzinfo=UTC)  # the night Europe/Berlin moves its clocks
WORDS = ["Müller", "knee", "Vinyasa", "flow", "café"]

items = st.lists(
    st.builds(
        FeedItem,
        at=st.integers(0, 72).map(lambda h: T0 + timedelta(hours=h)),  # ties happen
        kind=st.sampled_from(FeedKind),
        id=st.text("abc", min_size=1, max_size=3),
        title=st.sampled_from(WORDS),
        detail=st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join),
    ),
    max_size=40,
    unique_by=lambda i: (i.kind, i.id),
).map(lambda found: sorted(found, key=lambda i: (i.at, i.kind.value, i.id), reverse=True))


@given(
    items,
    st.integers(1, 7),
    st.frozensets(st.sampled_from(FeedKind), max_size=3),
    st.sampled_from([None, "muller", "KNEE flow", "cafe"]),
)
def test_paging_walks_the_filtered_feed_once_in_order(
    feed: list[FeedItem], limit: int, kinds: frozenset[FeedKind], search: str | None
) -> None:
    """Following the cursors gives every item the search and filter keep, each once, in
    order; each page's counts are the search's counts by type; days are Berlin days."""
    berlin = ZoneInfo("Europe/Berlin")
    words = fold(search or "").split()
    found = [i for i in feed if all(w in fold(f"{i.title} {i.detail}") for w in words)]
    wanted = [i for i in found if not kinds or i.kind in kinds]
    walked: list[FeedItem] = []
    cursor = None
    while True:
        page = feed_page(feed, TimelineQuery(search, kinds, limit, cursor), berlin)
        assert len(page.items) <= limit
        assert page.counts == dict(Counter(i.kind for i in found))
        for day in page.days:
            assert {i.at.astimezone(berlin).date() for i in day.items} == {day.day}
        walked += page.items
        if (cursor := page.next_cursor) is None:
            break
    assert walked == wanted
