"""The SQL repositories of smart client detection and merging.

Each record is kept whole as JSON in a ``body`` column, beside the columns that queries
select and order by; these tables are small beside clients and bookings, and read by key.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypeVar

import attrs
from sqlalchemy import (
    CompoundSelect,
    Connection,
    Integer,
    Table,
    bindparam,
    delete,
    insert,
    or_,
    select,
    union_all,
    update,
)

from clientcrm.errors import NotFoundError
from clientcrm.models.merging import Distinction, MatchStatus, Merge, PendingMatch
from clientcrm.models.timeline import TimelineEntry
from clientcrm.serialization import converter
from clientcrm.stores.sql.bulk import driver_rows, executemany
from clientcrm.stores.sql.tables import distinctions, match_keys, merges, pending_matches, timeline

__all__ = ["SQLMatches", "SQLMerges", "SQLTimeline"]

T = TypeVar("T")

_CHUNK = 500
_KEYS_PER_STATEMENT = 50
"""Keys one holders statement reads (a compound SELECT of one part per key)."""


_DELETE_KEYS = delete(match_keys).where(
    match_keys.c.workspace_id == bindparam("ws"), match_keys.c.client_id == bindparam("client_id")
)
_INSERT_KEYS = insert(match_keys)


@functools.cache
def _holders_statement(count: int) -> CompoundSelect[Any]:
    """The holders of ``count`` keys, each read from the primary key and cut at ``cap``, so
    a key that half the workspace holds costs no more than a rare one."""
    t = match_keys
    per_key = [
        select(t.c.match_key, t.c.client_id)
        .where(t.c.workspace_id == bindparam("ws"), t.c.match_key == bindparam(f"k{n}"))
        .order_by(t.c.client_id)
        .limit(bindparam("cap", type_=Integer))
        .offset(bindparam("skip", type_=Integer))  # SQLite binds an offset with any limit
        .subquery()
        for n in range(count)
    ]
    return union_all(*(select(held.c.match_key, held.c.client_id) for held in per_key))


def _body(record: object) -> str:
    return json.dumps(converter.unstructure(record), ensure_ascii=False, sort_keys=True)


def _load(kind: type[T], body: str, **columns: Any) -> T:
    return converter.structure(json.loads(body) | columns, kind)


def _get(
    conn: Connection, table: Table, kind: type[T], what: str, workspace_id: str, key: str
) -> T:
    """The record whose primary key is (``workspace_id``, ``key``); `NotFoundError` if none."""
    workspace, own = table.primary_key.columns
    stmt = select(table.c.body).where(workspace == workspace_id, own == key)
    body = conn.execute(stmt).scalar_one_or_none()
    if body is None:
        raise NotFoundError(what, key)
    return _load(kind, body)


def _replace(conn: Connection, table: Table, row: dict[str, Any], what: str, key: str) -> None:
    """Update the row with the primary key of ``row``; `NotFoundError` when there is none."""
    where = [c == row[c.name] for c in table.primary_key.columns]
    if conn.execute(update(table).where(*where).values(row)).rowcount == 0:
        raise NotFoundError(what, key)


class SQLMerges:
    """`clientcrm.ports.MergeRepository` on SQL."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @staticmethod
    def _row(merge: Merge) -> dict[str, Any]:
        return {
            "workspace_id": merge.workspace_id,
            "merge_id": merge.id,
            "survivor_id": merge.survivor_id,
            "loser_id": merge.loser_id,
            "merged_at": merge.merged_at,
            "body": _body(merge),
        }

    def add(self, merge: Merge) -> None:
        self._conn.execute(insert(merges), [self._row(merge)])

    def get(self, workspace_id: str, merge_id: str) -> Merge:
        return _get(self._conn, merges, Merge, "merge", workspace_id, merge_id)

    def update(self, merge: Merge) -> None:
        _replace(self._conn, merges, self._row(merge), "merge", merge.id)

    def for_client(self, workspace_id: str, client_id: str) -> list[Merge]:
        stmt = (
            select(merges.c.body)
            .where(
                merges.c.workspace_id == workspace_id,
                or_(merges.c.survivor_id == client_id, merges.c.loser_id == client_id),
            )
            .order_by(merges.c.merged_at.desc(), merges.c.merge_id.desc())
        )
        return [_load(Merge, body) for body in self._conn.execute(stmt).scalars()]


class SQLTimeline:
    """`clientcrm.ports.TimelineRepository` on SQL."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, entries: Sequence[TimelineEntry]) -> None:
        if entries:
            values = [
                {
                    "workspace_id": e.workspace_id,
                    "entry_id": e.id,
                    "client_id": e.client_id,
                    "at": e.at,
                    "body": _body(e),
                }
                for e in entries
            ]
            self._conn.execute(insert(timeline), values)

    def for_client(self, workspace_id: str, client_id: str) -> list[TimelineEntry]:
        stmt = (
            select(timeline.c.body, timeline.c.client_id)
            .where(timeline.c.workspace_id == workspace_id, timeline.c.client_id == client_id)
            .order_by(timeline.c.at.desc(), timeline.c.entry_id.desc())
        )
        return [
            _load(TimelineEntry, row.body, client_id=row.client_id)
            for row in self._conn.execute(stmt)
        ]

    def redact(self, workspace_id: str, client_id: str, summary: str) -> None:
        t = timeline.c
        named = or_(t.client_id == client_id, t.body.contains(json.dumps(client_id)))
        stmt = select(t.entry_id, t.client_id, t.body).where(t.workspace_id == workspace_id, named)
        for entry_id, owner, body in self._conn.execute(stmt).all():
            entry = _load(TimelineEntry, body, client_id=owner)
            if owner != client_id and client_id not in entry.data.values():
                continue  # the id was in the summary's text, not in the data
            redacted = attrs.evolve(entry, summary=summary, data={})
            where = (t.workspace_id == workspace_id, t.entry_id == entry_id)
            self._conn.execute(update(timeline).where(*where).values(body=_body(redacted)))

    def move(self, workspace_id: str, entry_ids: Collection[str], client_id: str) -> None:
        ids = sorted(entry_ids)
        for start in range(0, len(ids), _CHUNK):
            stmt = (
                update(timeline)
                .where(
                    timeline.c.workspace_id == workspace_id,
                    timeline.c.entry_id.in_(ids[start : start + _CHUNK]),
                )
                .values(client_id=client_id)
            )
            self._conn.execute(stmt)


class SQLMatches:
    """`clientcrm.ports.MatchRepository` on SQL."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def index(self, workspace_id: str, keys: Mapping[str, Collection[str]]) -> None:
        gone = [{"ws": workspace_id, "client_id": client_id} for client_id in sorted(keys)]
        executemany(self._conn, _DELETE_KEYS, gone)
        values = [
            {"workspace_id": workspace_id, "match_key": key, "client_id": client_id}
            for client_id, client_keys in keys.items()
            for key in sorted(set(client_keys))
        ]
        executemany(self._conn, _INSERT_KEYS, values)

    def holders(self, workspace_id: str, keys: Collection[str], limit: int) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        ordered = sorted(keys)
        for start in range(0, len(ordered), _KEYS_PER_STATEMENT):
            chunk = ordered[start : start + _KEYS_PER_STATEMENT]
            params: dict[str, Any] = {f"k{n}": key for n, key in enumerate(chunk)}
            statement = _holders_statement(len(chunk))
            params |= {"ws": workspace_id, "cap": limit + 1, "skip": 0}
            for key, client_id in driver_rows(self._conn, statement, params):
                found.setdefault(key, []).append(client_id)
        return found

    @staticmethod
    def _row(match: PendingMatch) -> dict[str, Any]:
        return {
            "workspace_id": match.workspace_id,
            "match_id": match.id,
            "status": match.status.value,
            "created_at": match.created_at,
            "body": _body(match),
        }

    def add_pending(self, match: PendingMatch) -> None:
        self._conn.execute(insert(pending_matches), [self._row(match)])

    def get_pending(self, workspace_id: str, match_id: str) -> PendingMatch:
        args = (PendingMatch, "pending match", workspace_id, match_id)
        return _get(self._conn, pending_matches, *args)

    def update_pending(self, match: PendingMatch) -> None:
        _replace(self._conn, pending_matches, self._row(match), "pending match", match.id)

    def pending(self, workspace_id: str, *, open_only: bool = True) -> list[PendingMatch]:
        table = pending_matches
        stmt = select(table.c.body).where(table.c.workspace_id == workspace_id)
        if open_only:
            stmt = stmt.where(table.c.status == MatchStatus.OPEN.value)
        stmt = stmt.order_by(table.c.created_at, table.c.match_id)
        return [_load(PendingMatch, body) for body in self._conn.execute(stmt).scalars()]

    def add_distinction(self, distinction: Distinction) -> None:
        d = distinction
        key = {"workspace_id": d.workspace_id, "a_id": d.a_id, "b_id": d.b_id}
        self._conn.execute(
            delete(distinctions).where(*(distinctions.c[k] == v for k, v in key.items()))
        )
        self._conn.execute(insert(distinctions), [key | {"body": _body(d)}])

    def distinctions(
        self, workspace_id: str, client_ids: Collection[str] | None = None
    ) -> list[Distinction]:
        table = distinctions
        stmt = select(table.c.body).where(table.c.workspace_id == workspace_id)
        if client_ids is not None:
            ids = sorted(client_ids)
            stmt = stmt.where(or_(table.c.a_id.in_(ids), table.c.b_id.in_(ids)))
        stmt = stmt.order_by(table.c.a_id, table.c.b_id)
        return [_load(Distinction, body) for body in self._conn.execute(stmt).scalars()]

    def forget(self, workspace_id: str, client_id: str) -> None:
        self.index(workspace_id, {client_id: ()})
        for match in self.pending(workspace_id, open_only=False):
            if client_id in (match.client_id, match.candidate_id):
                p = pending_matches.c
                where = (p.workspace_id == workspace_id, p.match_id == match.id)
                self._conn.execute(delete(pending_matches).where(*where))
        d = distinctions.c
        named = or_(d.a_id == client_id, d.b_id == client_id)
        self._conn.execute(delete(distinctions).where(d.workspace_id == workspace_id, named))
