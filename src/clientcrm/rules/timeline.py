"""A client's feed (SPEC section 9): everything held about them as dated items, and one page
of it: searched, filtered by type with a count per type, grouped by day, keyset-paged."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from decimal import Decimal
from itertools import groupby

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models.activity import Activity
from clientcrm.models.booking import Booking
from clientcrm.models.credits import CreditEntry
from clientcrm.models.journey import JourneyHistory
from clientcrm.models.money import Money
from clientcrm.models.note import Note
from clientcrm.models.order import Order
from clientcrm.models.purchases import ExternalPurchase
from clientcrm.models.timeline import (
    EntryKind,
    FeedItem,
    FeedKind,
    TimelineDay,
    TimelineEntry,
    TimelinePage,
    TimelineQuery,
)
from clientcrm.rules.search import fold

__all__ = ["FeedSources", "feed", "feed_page"]

_RECORDED = {
    EntryKind.MERGED: FeedKind.MERGE,
    EntryKind.UNMERGED: FeedKind.MERGE,
    EntryKind.MATCH_LINKED: FeedKind.MATCH,
    EntryKind.MATCH_PENDING: FeedKind.MATCH,
    EntryKind.MATCH_DECIDED: FeedKind.MATCH,
    EntryKind.MESSAGE_SENT: FeedKind.MESSAGE,
}


@attrs.frozen
class FeedSources:
    """Everything held about one client that the feed shows (the notes: those the reader
    may see)."""

    currency: str
    bookings: Iterable[Booking] = ()
    orders: Iterable[Order] = ()
    purchases: Iterable[ExternalPurchase] = ()
    activities: Iterable[Activity] = ()
    notes: Iterable[Note] = ()
    credits: Iterable[CreditEntry] = ()
    history: JourneyHistory = attrs.field(factory=JourneyHistory)
    entries: Iterable[TimelineEntry] = ()


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _money(amount: Decimal, currency: str) -> str:
    return str(Money(amount, currency))


def _items(s: FeedSources) -> Iterator[FeedItem]:
    cur = s.currency
    for b in s.bookings:
        parts = [b.status.value]
        if b.amount_paid:
            parts.append(f"paid {_money(b.amount_paid, cur)}")
        if b.amount_refunded:
            parts.append(f"refunded {_money(b.amount_refunded, cur)}")
        parts += [f"at {b.location}"] * bool(b.location) + [f"with {b.staff}"] * bool(b.staff)
        kept = Money(b.amount_paid - b.amount_refunded, cur) if b.amount_paid else None
        yield FeedItem(b.starts_at, FeedKind.BOOKING, b.id, b.service, ", ".join(parts), kept)
    for o in s.orders:
        yield FeedItem(
            o.placed_at, FeedKind.ORDER, o.id, o.description, o.status.value, Money(o.amount, cur)
        )
    for p in s.purchases:
        detail = f"{p.platform} {p.transaction_id}, {p.status.value}"
        yield FeedItem(p.purchased_at, FeedKind.PURCHASE, p.id, p.product, detail, p.price)
    for a in s.activities:
        detail = f"{a.points} points" if a.points else ""
        yield FeedItem(a.at, FeedKind(a.kind.value), a.id, a.title or _label(a.kind), detail)
    for n in s.notes:
        title = "Pinned note" if n.pinned else "Note"
        yield FeedItem(n.created_at, FeedKind.NOTE, n.id, title, n.text)
    for e in s.credits:
        detail = f"{_label(e.kind)} {e.credits:+d}, balance {e.balance}"
        detail += f" ({e.reason})" if e.reason else ""
        yield FeedItem(e.at, FeedKind.CREDIT, f"{e.package_id}/{e.seq}", "Credits", detail)
    for c in s.history.changes:
        title = f"Stage: {_label(c.stage)}"
        yield FeedItem(c.at, FeedKind.STAGE, f"{c.seq}", title, c.trigger)
    for m in s.history.milestones:
        yield FeedItem(m.at, FeedKind.MILESTONE, m.kind.value, _label(m.kind), m.trigger)
    for r in s.entries:
        yield FeedItem(r.at, _RECORDED[r.kind], r.id, _label(r.kind), r.summary)


def _order(item: FeedItem) -> tuple[datetime, str, str]:
    return item.at, item.kind.value, item.id


def feed(sources: FeedSources) -> list[FeedItem]:
    """Every item about the client, newest first (ties: by type, then id, both reversed)."""
    return sorted(_items(sources), key=_order, reverse=True)


def feed_page(items: list[FeedItem], query: TimelineQuery, tz: tzinfo) -> TimelinePage:
    """The page of ``items`` (newest first) that ``query`` asks for, grouped by day in
    ``tz``.

    Raises:
        ValidationError: the limit is below 1, or the cursor is not one this made.
    """
    if query.limit < 1:
        raise ValidationError("limit", "must be at least 1")
    words = fold(query.search or "").split()
    found = [i for i in items if all(w in fold(f"{i.title} {i.detail}") for w in words)]
    counts = dict(sorted(Counter(i.kind for i in found).items()))
    shown = [i for i in found if not query.kinds or i.kind in query.kinds]
    if query.cursor is not None:
        after = _decode(query.cursor)
        shown = [i for i in shown if _order(i) < after]
    page, more = shown[: query.limit], len(shown) > query.limit
    days = tuple(
        TimelineDay(day, tuple(group))
        for day, group in groupby(page, key=lambda i: i.at.astimezone(tz).date())
    )
    return TimelinePage(days, counts, _encode(page[-1]) if more else None)


def _encode(item: FeedItem) -> str:
    raw = json.dumps([item.at.isoformat(), item.kind.value, item.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, kind, item_id = json.loads(raw)
        return datetime.fromisoformat(at), FeedKind(kind).value, str(item_id)
    except (ValueError, TypeError) as error:
        raise ValidationError("cursor", "is not a cursor of this feed") from error
