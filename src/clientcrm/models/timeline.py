"""The timeline: what happened to a client, as entries the CRM records, and the one feed
(SPEC section 9) of everything about them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

from clientcrm.models.money import Money

__all__ = [
    "EntryKind",
    "FeedItem",
    "FeedKind",
    "TimelineDay",
    "TimelineEntry",
    "TimelinePage",
    "TimelineQuery",
]


class EntryKind(enum.StrEnum):
    """What a timeline entry records."""

    MERGED = "merged"
    UNMERGED = "unmerged"
    MATCH_LINKED = "match_linked"
    MATCH_PENDING = "match_pending"
    MATCH_DECIDED = "match_decided"
    MESSAGE_SENT = "message_sent"


@attrs.frozen
class TimelineEntry:
    """One thing that happened to a client.

    Attributes:
        id: the entry's id.
        workspace_id: the workspace.
        client_id: the client it is about.
        kind: what happened.
        at: when.
        actor_id: who did it (``None`` for what a booking did).
        summary: one line a person can read.
        data: the details, JSON-able.
    """

    id: str
    workspace_id: str
    client_id: str
    kind: EntryKind
    at: datetime
    summary: str
    actor_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=dict, hash=False)


class FeedKind(enum.StrEnum):
    """The types of a client's feed, each with its own count."""

    BOOKING = "booking"
    ORDER = "order"
    PURCHASE = "purchase"
    FORM = "form"
    REFERRAL = "referral"
    REVIEW = "review"
    SOCIAL_SHARE = "social_share"
    REDEMPTION = "redemption"
    NOTE = "note"
    CREDIT = "credit"
    STAGE = "stage"
    MILESTONE = "milestone"
    MERGE = "merge"
    MATCH = "match"
    MESSAGE = "message"


@attrs.frozen
class FeedItem:
    """One line of a client's feed.

    Attributes:
        at: when it happened (a booking: when it starts).
        kind: its type.
        id: the id of what it shows (a booking's, a note's...), unique within its type.
        title: what a person reads first ("Vinyasa Flow", "Note").
        detail: the rest ("completed, paid 20.00"), or ``""``.
        amount: the money involved, if any.
    """

    at: datetime
    kind: FeedKind
    id: str
    title: str
    detail: str = ""
    amount: Money | None = None


@attrs.frozen
class TimelineQuery:
    """What part of a client's feed to show.

    Attributes:
        search: words every shown item's title or detail holds (any case, any accents).
        kinds: the types to show; empty shows every type.
        limit: the most items on a page.
        cursor: where the previous page ended (`TimelinePage.next_cursor`).
    """

    search: str | None = None
    kinds: frozenset[FeedKind] = frozenset()
    limit: int = 50
    cursor: str | None = None


@attrs.frozen
class TimelineDay:
    """The items of one day in the workspace's timezone, newest first."""

    day: date
    items: tuple[FeedItem, ...]


@attrs.frozen
class TimelinePage:
    """One page of a client's feed, newest first, grouped by day.

    Attributes:
        days: the page's items, by day in the workspace's timezone.
        counts: how many items of each type the search finds (before the type filter), for
            the filter's labels; types with none are left out.
        next_cursor: the cursor of the next page, or ``None`` on the last.
    """

    days: tuple[TimelineDay, ...]
    counts: Mapping[FeedKind, int] = attrs.field(factory=dict, hash=False)
    next_cursor: str | None = None

    @property
    def items(self) -> list[FeedItem]:
        """The page's items, newest first."""
        return [item for day in self.days for item in day.items]
