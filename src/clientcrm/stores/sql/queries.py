"""The client list query compiled to one SQL statement (SPEC section 10).

A statement is built once per *shape* of query (which filters are present, how many tags and
words, the sort, the engine's search plan) with every value a bind parameter, and memoised:
repeated list calls reuse the statement object and SQLAlchemy's compiled form, and only the
parameters change. Searches take their parameters from `clientcrm.stores.sql.search`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import attrs
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
    true,
    tuple_,
    type_coerce,
)

from clientcrm.models.client import Flag, StatusPill
from clientcrm.models.query import SortKey
from clientcrm.rules.query import ClientCriteria
from clientcrm.stores.sql.rows import FLAG_COLUMNS
from clientcrm.stores.sql.search import has_words
from clientcrm.stores.sql.tables import client_tags, clients
from clientcrm.stores.sql.types import LabelSet

__all__ = ["list_clients"]

_SORT_COLUMN = {
    SortKey.RECENCY: clients.c.last_activity_at,
    SortKey.SPEND: clients.c.spend,
    SortKey.BOOKINGS: clients.c.bookings,
    SortKey.NAME: clients.c.name_key,
    SortKey.CREDITS: clients.c.credits_available,
    SortKey.PURCHASED_CREDITS: clients.c.credits_purchased,
}
_Compare = Callable[[ColumnElement[Any], BindParameter[Any]], ColumnElement[bool]]


def _at_least(column: ColumnElement[Any], value: BindParameter[Any]) -> ColumnElement[bool]:
    return column >= value


def _at_most(column: ColumnElement[Any], value: BindParameter[Any]) -> ColumnElement[bool]:
    return column <= value


def _below(column: ColumnElement[Any], value: BindParameter[Any]) -> ColumnElement[bool]:
    return column < value


_RANGES: dict[str, tuple[ColumnElement[Any], _Compare]] = {
    "bookings_min": (clients.c.bookings, _at_least),
    "bookings_max": (clients.c.bookings, _at_most),
    "spend_min": (clients.c.spend, _at_least),
    "spend_max": (clients.c.spend, _at_most),
    "credits_min": (clients.c.credits_available, _at_least),
    "credits_max": (clients.c.credits_available, _at_most),
    "activity_before": (clients.c.last_activity_at, _below),
    "activity_from": (clients.c.last_activity_at, _at_least),
    "created_from": (clients.c.created_at, _at_least),
    "created_before": (clients.c.created_at, _below),
}


@attrs.frozen
class _Shape:
    """Everything about a query that changes its SQL text (and nothing that does not)."""

    sort: SortKey
    after: bool
    ranges: tuple[str, ...]
    statuses: tuple[StatusPill, ...]
    stages: bool
    paused_credits: bool | None
    flags: tuple[Flag, ...]
    exclude_inactive: bool
    tags_any: bool
    tags_all: int
    words: int
    dialect: str
    searches: bool
    few_matches: bool
    client_ids: bool | None
    summary: bool


_SUMMARY = "client_id name email phone tags bookings spend first_booking_at last_booking_at"
SUMMARY_COLUMNS = tuple(
    type_coerce(clients.c.tags, LabelSet()) if name == "tags" else clients.c[name]
    for name in _SUMMARY.split()
)
"""The columns of a `clientcrm.models.client.ClientSummary`, in its fields' order."""


def _param(name: str, column: ColumnElement[Any]) -> BindParameter[Any]:
    return bindparam(name, type_=column.type)


def _pill(status: StatusPill, dialect: str) -> ColumnElement[bool]:
    # A pill holds a large share of clients. On SQLite "bookings + 0" keeps the planner from
    # choosing the bookings index and sorting every match, so the sort's index drives the
    # page; PostgreSQL estimates from statistics, which the expression would hide.
    bookings = clients.c.bookings + 0 if dialect == "sqlite" else clients.c.bookings
    last = clients.c.last_booking_at
    recent = last >= _param("lapsed_before", last)
    regular_min = bindparam("regular_min", type_=clients.c.bookings.type)
    if status is StatusPill.NEW:
        return bookings == 0
    if status is StatusPill.LAPSED:
        return and_(bookings > 0, last < _param("lapsed_before", last))
    if status is StatusPill.REGULAR:
        return and_(bookings >= regular_min, recent)
    return and_(bookings > 0, bookings < regular_min, recent)


def _has_tag(tags: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(
        client_tags.c.workspace_id == bindparam("ws"),
        client_tags.c.client_id == clients.c.client_id,
        tags,
    )


@lru_cache(maxsize=256)
def _statement(shape: _Shape) -> Select[Any]:
    col = clients.c
    where: list[ColumnElement[bool]] = [col.workspace_id == bindparam("ws")]
    if shape.client_ids is not None:
        where.append(
            col.client_id.in_(bindparam("client_ids", expanding=True))
            if shape.client_ids
            else false()
        )
    if shape.exclude_inactive:
        where.append(col.flag_inactive == false())
    where += [clients.c[FLAG_COLUMNS[flag]] == true() for flag in shape.flags]
    if shape.statuses:
        where.append(or_(*(_pill(status, shape.dialect) for status in shape.statuses)))
    if shape.stages:
        where.append(col.stage.in_(bindparam("stages", expanding=True)))
    if shape.paused_credits is not None:
        paused = col.credits_paused > 0
        where.append(paused if shape.paused_credits else ~paused)
    for name in shape.ranges:
        column, compare = _RANGES[name]
        where.append(compare(column, _param(name, column)))
    if shape.tags_any:
        where.append(_has_tag(client_tags.c.tag.in_(bindparam("tags_any", expanding=True))))
    where += [_has_tag(client_tags.c.tag == bindparam(f"tag_{n}")) for n in range(shape.tags_all)]
    if shape.searches:
        where.append(has_words(shape.dialect, shape.words, few=shape.few_matches))
    key = _SORT_COLUMN[shape.sort]
    descending = shape.sort is not SortKey.NAME
    if shape.after:
        position = tuple_(key, col.client_id)
        mark = tuple_(_param("after_value", key), _param("after_id", col.client_id))
        where.append(position < mark if descending else position > mark)
    order = (key.desc(), col.client_id.desc()) if descending else (key, col.client_id)
    chosen = select(*SUMMARY_COLUMNS) if shape.summary else select(clients)
    return chosen.where(*where).order_by(*order).limit(bindparam("limit"))


def list_clients(
    workspace_id: str, c: ClientCriteria, *, dialect: str, few_matches: bool, summary: bool = False
) -> tuple[Select[Any], dict[str, Any]]:
    """The statement that returns a page of clients for ``c`` (their `SUMMARY_COLUMNS`
    alone, with ``summary``), and its parameters.

    A search's own parameters (`clientcrm.stores.sql.search.search_params`) are added by the
    caller; ``few_matches`` chooses its plan.
    """
    ranges = tuple(name for name in _RANGES if getattr(c, name) is not None)
    statuses = tuple(sorted(c.statuses)) if c.lapsed_before is not None else ()
    tags_all = sorted(c.tags_all)
    shape = _Shape(
        sort=c.sort,
        after=c.after is not None,
        ranges=ranges,
        statuses=statuses,
        stages=bool(c.stages),
        paused_credits=c.paused_credits,
        flags=tuple(sorted(c.flags)),
        exclude_inactive=c.exclude_inactive,
        tags_any=bool(c.tags_any),
        tags_all=len(tags_all),
        words=len(c.words),
        dialect=dialect,
        searches=bool(c.words),
        few_matches=few_matches and bool(c.words),
        client_ids=None if c.client_ids is None else bool(c.client_ids),
        summary=summary,
    )
    params: dict[str, Any] = {"ws": workspace_id, "limit": c.limit}
    params.update((name, getattr(c, name)) for name in ranges)
    if statuses:
        params.update(lapsed_before=c.lapsed_before, regular_min=c.regular_min)
    if c.client_ids:
        params["client_ids"] = sorted(c.client_ids)
    if c.tags_any:
        params["tags_any"] = sorted(c.tags_any)
    if c.stages:
        params["stages"] = sorted(stage.value for stage in c.stages)
    params.update((f"tag_{n}", tag) for n, tag in enumerate(tags_all))
    if c.after is not None:
        params.update(after_value=c.after.value, after_id=c.after.client_id)
    return _statement(shape), params
