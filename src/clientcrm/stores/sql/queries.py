"""The client list query compiled to one SQL statement (SPEC section 10)."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    literal,
    or_,
    select,
    true,
    tuple_,
)

from clientcrm.models.client import StatusPill
from clientcrm.models.query import SortKey
from clientcrm.rules.query import ClientCriteria
from clientcrm.stores.sql.rows import FLAG_COLUMNS
from clientcrm.stores.sql.tables import client_tags, client_terms, clients

__all__ = ["list_clients"]

_SORT_COLUMN = {
    SortKey.RECENCY: clients.c.last_activity_at,
    SortKey.SPEND: clients.c.spend,
    SortKey.BOOKINGS: clients.c.bookings,
    SortKey.NAME: clients.c.name_key,
}
_TOP = "\U0010ffff"  # the highest code point: every string starting with p sorts below p + _TOP


def _pill(status: StatusPill, c: ClientCriteria) -> ColumnElement[bool]:
    # A pill holds a large share of clients: "bookings + 0" keeps the planner from choosing
    # the bookings index for it and sorting every match, so the sort's index drives the page.
    bookings, last = clients.c.bookings + 0, clients.c.last_booking_at
    if status is StatusPill.NEW:
        return bookings == 0
    if status is StatusPill.LAPSED:
        return and_(bookings > 0, last < c.lapsed_before)
    recent = last >= c.lapsed_before
    if status is StatusPill.REGULAR:
        return and_(bookings >= c.regular_min, recent)
    return and_(bookings > 0, bookings < c.regular_min, recent)


def _has_tag(workspace_id: str, tags: frozenset[str]) -> ColumnElement[bool]:
    return exists().where(
        client_tags.c.workspace_id == workspace_id,
        client_tags.c.client_id == clients.c.client_id,
        client_tags.c.tag.in_(sorted(tags)),
    )


def _has_term(workspace_id: str, word: str) -> ColumnElement[bool]:
    found = select(client_terms.c.client_id).where(
        client_terms.c.workspace_id == workspace_id,
        client_terms.c.term >= word,
        client_terms.c.term < word + _TOP,
    )
    return clients.c.client_id.in_(found)


def _filters(workspace_id: str, c: ClientCriteria) -> list[ColumnElement[bool]]:
    col = clients.c
    where: list[ColumnElement[bool]] = [col.workspace_id == workspace_id]
    if c.client_ids is not None:
        where.append(col.client_id.in_(sorted(c.client_ids)) if c.client_ids else false())
    if c.exclude_inactive:
        where.append(col.flag_inactive == false())
    where += [clients.c[FLAG_COLUMNS[flag]] == true() for flag in sorted(c.flags)]
    if c.statuses and c.lapsed_before is not None:
        where.append(or_(*(_pill(status, c) for status in sorted(c.statuses))))
    bounds = (
        (col.bookings, c.bookings_min, c.bookings_max),
        (col.spend, c.spend_min, c.spend_max),
    )
    for column, low, high in bounds:
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    if c.activity_before is not None:
        where.append(col.last_activity_at < c.activity_before)
    if c.activity_from is not None:
        where.append(col.last_activity_at >= c.activity_from)
    if c.created_from is not None:
        where.append(col.created_at >= c.created_from)
    if c.created_before is not None:
        where.append(col.created_at < c.created_before)
    if c.tags_any:
        where.append(_has_tag(workspace_id, c.tags_any))
    where += [_has_tag(workspace_id, frozenset({tag})) for tag in sorted(c.tags_all)]
    where += [_has_term(workspace_id, word) for word in c.words]
    return where


def list_clients(workspace_id: str, c: ClientCriteria) -> Select[tuple[object, ...]]:
    """The one statement that returns a page of clients for ``c``."""
    key = _SORT_COLUMN[c.sort]
    where = _filters(workspace_id, c)
    position = tuple_(key, clients.c.client_id)
    if c.after is not None:
        mark = tuple_(
            literal(c.after.value, key.type), literal(c.after.client_id, clients.c.client_id.type)
        )
        where.append(position < mark if c.descending else position > mark)
    order = (key.desc(), clients.c.client_id.desc()) if c.descending else (key, clients.c.client_id)
    return select(clients).where(*where).order_by(*order).limit(c.limit)
