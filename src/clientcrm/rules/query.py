"""Resolving a `ClientQuery` at a moment into criteria every store can run, and its cursors.

The calendar is applied here once: "lapsed", "days since last activity" and registration
dates become instants, so a store compares columns with values and needs no timezone logic.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models.client import Client, Flag, StatusPill
from clientcrm.models.journey import Stage
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.policies import StatusPolicy
from clientcrm.rules.search import fold, query_words, search_terms
from clientcrm.rules.status import days_ago_cutoff, pill

__all__ = [
    "ClientCriteria",
    "SortPosition",
    "encode_cursor",
    "matches",
    "resolve",
    "sort_value",
]

SortValue = datetime | Decimal | int | str


@attrs.frozen
class SortPosition:
    """Where a page ends: the sort value and id of its last client."""

    value: SortValue
    client_id: str


@attrs.frozen
class ClientCriteria:
    """A `ClientQuery` resolved at a moment: plain comparisons a store can run.

    Attributes:
        words: each must be a prefix of one of the client's search terms.
        statuses: the pills to keep (empty: all).
        lapsed_before: a client whose last counted booking is before this is lapsed.
        regular_min: counted bookings that make a client regular.
        stages: the journey stages to keep (empty: all).
        bookings_min / bookings_max: counted bookings range, inclusive.
        spend_min / spend_max: lifetime spend range, inclusive.
        credits_min / credits_max: credits available range, inclusive.
        paused_credits: keep clients with (``True``) or without (``False``) paused credits.
        activity_before: keep clients whose last activity is before this.
        activity_from: keep clients whose last activity is at or after this.
        created_from / created_before: "client since" in [from, before).
        flags: flags the client must all carry.
        exclude_inactive: hide INACTIVE clients.
        tags_any / tags_all: tag filters.
        client_ids: restrict to these clients (a member sees only their own).
        sort: the order; descending for recency, spend and bookings, ascending for name.
        after: the position the previous page ended at.
        limit: how many clients to return at most.
    """

    words: tuple[str, ...] = ()
    statuses: frozenset[StatusPill] = frozenset()
    lapsed_before: datetime | None = None
    regular_min: int = 5
    stages: frozenset[Stage] = frozenset()
    bookings_min: int | None = None
    bookings_max: int | None = None
    spend_min: Decimal | None = None
    spend_max: Decimal | None = None
    credits_min: int | None = None
    credits_max: int | None = None
    paused_credits: bool | None = None
    activity_before: datetime | None = None
    activity_from: datetime | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    flags: frozenset[Flag] = frozenset()
    exclude_inactive: bool = True
    tags_any: frozenset[str] = frozenset()
    tags_all: frozenset[str] = frozenset()
    client_ids: frozenset[str] | None = None
    sort: SortKey = SortKey.RECENCY
    after: SortPosition | None = None
    limit: int = 50

    @property
    def descending(self) -> bool:
        """Whether the sort runs from high to low."""
        return self.sort is not SortKey.NAME


def _tighter_min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _tighter_max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def resolve(
    query: ClientQuery,
    *,
    now: datetime,
    tz: ZoneInfo,
    policy: StatusPolicy,
    client_ids: frozenset[str] | None = None,
) -> ClientCriteria:
    """Resolve ``query`` at ``now`` in the workspace's timezone and status policy."""
    lapsed_before = days_ago_cutoff(now, tz, policy.lapsed_after_days)
    bookings_min, bookings_max = query.bookings_min, query.bookings_max
    statuses = query.statuses
    if query.growing:
        bookings_min = _tighter_min(bookings_min, policy.growing_min_bookings)
        bookings_max = _tighter_max(bookings_max, policy.growing_max_bookings)
        not_lapsed = frozenset(StatusPill) - {StatusPill.LAPSED}
        statuses = statuses & not_lapsed if statuses else not_lapsed
    activity_before = activity_from = None
    if query.inactive_days_min is not None:
        activity_before = days_ago_cutoff(now, tz, query.inactive_days_min)
    if query.inactive_days_max is not None:
        activity_from = days_ago_cutoff(now, tz, query.inactive_days_max + 1)
    credits_min, credits_max = query.credits_min, query.credits_max
    if query.has_credits is True:
        credits_min = _tighter_min(credits_min, 1)
    elif query.has_credits is False:
        credits_max = _tighter_max(credits_max, 0)
    created_from = created_before = None
    if query.registered_from is not None:
        created_from = _midnight(query.registered_from, tz)
    if query.registered_to is not None:
        created_before = _midnight(query.registered_to + timedelta(days=1), tz)
    return ClientCriteria(
        words=query_words(query.search) if query.search else (),
        statuses=statuses,
        lapsed_before=lapsed_before,
        regular_min=policy.regular_min_bookings,
        stages=query.stages,
        bookings_min=bookings_min,
        bookings_max=bookings_max,
        spend_min=query.spend_min,
        spend_max=query.spend_max,
        credits_min=credits_min,
        credits_max=credits_max,
        paused_credits=query.paused_credits,
        activity_before=activity_before,
        activity_from=activity_from,
        created_from=created_from,
        created_before=created_before,
        flags=query.flags,
        exclude_inactive=not query.include_inactive and Flag.INACTIVE not in query.flags,
        tags_any=query.tags_any,
        tags_all=query.tags_all,
        client_ids=client_ids,
        sort=query.sort,
        after=decode_cursor(query.cursor, query.sort) if query.cursor else None,
        limit=query.limit,
    )


def sort_value(client: Client, sort: SortKey) -> SortValue:
    """The value a client is ordered by under ``sort`` (ties broken by id)."""
    figures = client.figures
    if sort is SortKey.RECENCY:
        return figures.last_activity_at or client.created_at
    if sort is SortKey.SPEND:
        return figures.spend
    if sort is SortKey.BOOKINGS:
        return figures.bookings
    if sort is SortKey.CREDITS:
        return client.credits.available
    if sort is SortKey.PURCHASED_CREDITS:
        return client.credits.purchased
    return fold(client.name)


def encode_cursor(client: Client, sort: SortKey) -> str:
    """Return the opaque cursor of the page that ends with ``client``."""
    value = sort_value(client, sort)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    raw = json.dumps([sort.value, text, client.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_COUNTED = frozenset({SortKey.BOOKINGS, SortKey.CREDITS, SortKey.PURCHASED_CREDITS})


def decode_cursor(cursor: str, sort: SortKey) -> SortPosition:
    """Read a cursor back; a cursor made for another sort, or garbled, is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, text, client_id = json.loads(raw)
        value: SortValue
        if kind != sort.value:
            raise ValidationError("cursor", "was made for another sort order")
        if sort is SortKey.RECENCY:
            value = datetime.fromisoformat(text)
        elif sort is SortKey.SPEND:
            value = Decimal(text)
        elif sort in _COUNTED:
            value = int(text)
        else:
            value = str(text)
        return SortPosition(value, str(client_id))
    except ValidationError:
        raise
    except (ValueError, TypeError, binascii.Error, ArithmeticError):
        raise ValidationError("cursor", "is not a cursor this list returned") from None


def _within(value: SortValue, low: SortValue | None, high: SortValue | None) -> bool:
    return (low is None or low <= value) and (high is None or value <= high)  # type: ignore[operator]


def matches(client: Client, criteria: ClientCriteria) -> bool:
    """Whether ``client`` passes every filter of ``criteria`` (the reference semantics)."""
    figures = client.figures
    activity = figures.last_activity_at or client.created_at
    c = criteria
    return (
        (c.client_ids is None or client.id in c.client_ids)
        and not (c.exclude_inactive and Flag.INACTIVE in client.flags)
        and c.flags <= client.flags
        and (not c.tags_any or bool(c.tags_any & client.tags))
        and c.tags_all <= client.tags
        and (
            not c.statuses
            or c.lapsed_before is None
            or pill(figures, c.lapsed_before, c.regular_min) in c.statuses
        )
        and (not c.stages or (client.journey is not None and client.journey.stage in c.stages))
        and _within(figures.bookings, c.bookings_min, c.bookings_max)
        and _within(figures.spend, c.spend_min, c.spend_max)
        and _within(client.credits.available, c.credits_min, c.credits_max)
        and (c.paused_credits is None or (client.credits.paused > 0) == c.paused_credits)
        and (c.activity_before is None or activity < c.activity_before)
        and (c.activity_from is None or activity >= c.activity_from)
        and (c.created_from is None or client.created_at >= c.created_from)
        and (c.created_before is None or client.created_at < c.created_before)
        and (not c.words or _found(client, c.words))
    )


def _found(client: Client, words: tuple[str, ...]) -> bool:
    terms = search_terms(client.name, client.emails, client.phones)
    return all(any(term.startswith(word) for term in terms) for word in words)
