"""Workspace aggregates in SQL: each insight is one statement the database answers.

The per-client outcome columns (``made``, ``completed``, ``cancelled``, ``no_shows``) make
the insights page a scan of the clients table rather than of every booking. Cohorts need
the bookings themselves; months are counted in the workspace timezone (PostgreSQL converts
with ``AT TIME ZONE``; SQLite, which knows no timezones, joins each booking's UTC month to
the UTC instants the local months begin at, computed here).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    values,
)

from clientcrm.models.booking import BookingStatus
from clientcrm.models.client import Client
from clientcrm.models.insights import WorkspaceCounts, month_number, month_starting
from clientcrm.rules.slipping import SlippingWindow
from clientcrm.stores.sql.rows import client_from_row
from clientcrm.stores.sql.tables import bookings, clients
from clientcrm.stores.sql.types import Amount, UTCDateTime, minor_units, sqlite_time

__all__ = ["SQLInsights"]

_C, _B = clients.c, bookings.c
_PILLS = ("new", "active", "regular", "lapsed")
_WS: BindParameter[str] = bindparam("ws")
_MINE = _C.workspace_id == _WS


def _text(value: str) -> ColumnElement[str]:
    """A text literal written into the statement (never a value from outside)."""
    return literal_column(f"'{value}'", String)


_pill = case(
    (_C.bookings == literal_column("0"), _text("new")),
    (_C.last_booking_at < bindparam("cut", type_=UTCDateTime), _text("lapsed")),
    (_C.bookings >= bindparam("regular"), _text("regular")),
    else_=_text("active"),
)
_COUNTS = select(
    func.count(),
    *(func.coalesce(func.sum(case((_pill == _text(p), 1), else_=0)), 0) for p in _PILLS),
    func.coalesce(func.sum(_C.made), 0),
    func.coalesce(func.sum(_C.completed), 0),
    func.coalesce(func.sum(_C.cancelled), 0),
    func.coalesce(func.sum(_C.no_shows), 0),
    type_coerce(func.coalesce(func.sum(_C.spend), 0), Amount()),
    func.coalesce(func.sum(_C.bookings), 0),
    func.coalesce(func.sum(case((_C.credits_available > literal_column("0"), 1), else_=0)), 0),
).where(_MINE)
_TOP = (
    select(clients)
    .where(_MINE, _C.completed > 0)
    .order_by(_C.completed.desc(), _C.name_key, _C.client_id)
    .limit(bindparam("n"))
)
_CLIENTS = select(clients).where(_MINE, _C.client_id.in_(bindparam("ids", expanding=True)))
_MISSED = _C.cancelled + _C.no_shows
_AT_RISK = and_(
    _MINE, _C.made > bindparam("more"), _MISSED * bindparam("den") > bindparam("num") * _C.made
)
_LIST_AT_RISK = (
    select(_C.client_id, func.count().over().label("found"))
    .where(_AT_RISK)
    .order_by((cast(_MISSED, Float) / _C.made).desc(), _C.made.desc(), _C.client_id)
    .limit(bindparam("n"))
)
# A literal, not a parameter: SQLite uses a partial index only for a predicate it can see.
_STILL_BOOKED = _B.status == _text("booked")
_AFTER = bindparam("after", type_=UTCDateTime)
_AHEAD = and_(_B.workspace_id == _WS, _STILL_BOOKED, _B.starts_at > _AFTER)
_IN_SERIES = and_(_AHEAD, _B.series_id.is_not(None))
_RECURRING = select(func.count(func.distinct(_B.client_id))).where(_IN_SERIES)
_RECURRING_OF = (
    select(_B.client_id)
    .distinct()
    .where(_IN_SERIES, _B.client_id.in_(bindparam("ids", expanding=True)))
)
_UNTIL = bindparam("until", type_=UTCDateTime)
_SINCE = bindparam("since", type_=UTCDateTime)
_COUNTED = and_(
    or_(_B.amount_paid == literal_column("0"), _B.amount_refunded < _B.amount_paid),
    or_(
        _B.status == _text("completed"),
        and_(
            _B.status.in_([_text("no_show"), _text("cancelled")]),
            _B.amount_paid > _B.amount_refunded,
        ),
    ),
)
# The index on (workspace, spend) answers it from its last entry.
_TOP_SPEND = select(type_coerce(func.coalesce(func.max(_C.spend), 0), Amount())).where(_MINE)
_BIN = type_coerce(_C.spend, Integer) // bindparam("width", type_=Integer)
_SPEND_BINS = select(_BIN, func.count()).where(_MINE, _C.bookings > 0).group_by(_BIN)
_SPAN = select(func.min(_C.first_booking_at), func.max(_C.last_booking_at)).where(_MINE)
_NOTHING_AHEAD = ~exists().where(
    _B.workspace_id == _C.workspace_id, _B.client_id == _C.client_id, _AHEAD
)
_CANDIDATES = (
    select(clients)
    .where(
        _MINE,
        _C.completed >= bindparam("min_visits"),
        _C.last_booking_at >= bindparam("lapsed_before", type_=UTCDateTime),
        _C.last_attended_at <= bindparam("last_visit_by", type_=UTCDateTime),
        _NOTHING_AHEAD,
    )
    .order_by(_C.client_id)
)
_VISITS = (
    select(_B.client_id, _B.starts_at)
    .where(
        _B.workspace_id == _WS,
        _B.client_id.in_(bindparam("ids", expanding=True)),
        _B.status == _text("completed"),
    )
    .order_by(_B.client_id, _B.starts_at)
)
_CHUNK = 500


class SQLInsights:
    """`clientcrm.ports.InsightRepository` in SQL."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def counts(
        self, workspace_id: str, lapsed_before: datetime, regular_min: int
    ) -> WorkspaceCounts:
        params = {"ws": workspace_id, "cut": lapsed_before, "regular": regular_min}
        row = self._conn.execute(_COUNTS, params).one()
        *numbers, revenue, counted, with_credits = row
        clients, new, active, regular, lapsed, made, completed, cancelled, no_shows = map(
            int, numbers
        )
        return WorkspaceCounts(
            clients, new, active, regular, lapsed, made, completed, cancelled, no_shows,
            revenue, int(counted), int(with_credits),
        )  # fmt: skip

    def top_completed(self, workspace_id: str, limit: int) -> list[Client]:
        rows = self._conn.execute(_TOP, {"ws": workspace_id, "n": limit}).mappings()
        return [client_from_row(row) for row in rows]

    def at_risk(
        self, workspace_id: str, more_than: int, above: Decimal, limit: int
    ) -> tuple[int, list[Client]]:
        num, den = above.as_integer_ratio()
        params = {"ws": workspace_id, "more": more_than, "num": num, "den": den, "n": limit}
        listed = self._conn.execute(_LIST_AT_RISK, params).all()
        if not listed:
            return 0, []
        count, ids = int(listed[0].found), [row.client_id for row in listed]
        rows = self._conn.execute(_CLIENTS, {"ws": workspace_id, "ids": ids}).mappings()
        found = {row["client_id"]: client_from_row(row) for row in rows}
        return count, [found[i] for i in ids]

    def recurring(self, workspace_id: str, after: datetime) -> int:
        params = {"ws": workspace_id, "after": after}
        return int(self._conn.execute(_RECURRING, params).scalar_one())

    def recurring_of(self, workspace_id: str, after: datetime, among: Collection[str]) -> set[str]:
        params = {"ws": workspace_id, "after": after, "ids": list(among)}
        return set(self._conn.execute(_RECURRING_OF, params).scalars())

    def cohorts(
        self, workspace_id: str, timezone: ZoneInfo, until: datetime
    ) -> dict[tuple[date, date], int]:
        first, last = self._conn.execute(_SPAN, {"ws": workspace_id}).one()
        if first is None:
            return {}
        month, source = self._local_month(timezone, first, min(last, until))
        visits = (
            select(_B.client_id.label("client_id"), month.label("month"))
            .select_from(source)
            .where(_B.workspace_id == _WS, _B.starts_at <= _UNTIL, _COUNTED)
            .group_by(_B.client_id, month)
            .cte("visits")
        )
        firsts = (
            select(visits.c.client_id, func.min(visits.c.month).label("first"))
            .group_by(visits.c.client_id)
            .cte("firsts")
        )
        query = (
            select(firsts.c.first, visits.c.month, func.count())
            .join_from(visits, firsts, visits.c.client_id == firsts.c.client_id)
            .group_by(firsts.c.first, visits.c.month)
        )
        rows = self._conn.execute(query, {"ws": workspace_id, "until": until})
        return {(_month(a), _month(b)): int(n) for a, b, n in rows}

    def monthly(
        self, workspace_id: str, timezone: ZoneInfo, since: datetime, until: datetime
    ) -> dict[tuple[date, BookingStatus], int]:
        month, source = self._local_month(timezone, since, until)
        query = (
            select(month, _B.status, func.count())
            .select_from(source)
            .where(_B.workspace_id == _WS, _B.starts_at >= _SINCE, _B.starts_at < _UNTIL)
            .group_by(month, _B.status)
        )
        rows = self._conn.execute(query, {"ws": workspace_id, "since": since, "until": until})
        return {(_month(m), BookingStatus(status)): int(n) for m, status, n in rows}

    def top_spend(self, workspace_id: str) -> Decimal:
        top: Decimal = self._conn.execute(_TOP_SPEND, {"ws": workspace_id}).scalar_one()
        return top

    def spend_bins(self, workspace_id: str, width: Decimal) -> dict[int, int]:
        params = {"ws": workspace_id, "width": minor_units(width)}
        return {int(b): int(n) for b, n in self._conn.execute(_SPEND_BINS, params)}

    def _local_month(
        self, timezone: ZoneInfo, first: datetime, last: datetime
    ) -> tuple[ColumnElement[Any], Any]:
        """The month (``YYYY-MM`` in ``timezone``) a booking starts in, and what to select
        it from, for bookings starting from ``first`` to ``last``.

        On SQLite the UTC month of the stored text is right except within a day of a month's
        end (no timezone is more than 14 hours from UTC); only those bookings look their
        month up among the local months' UTC bounds.
        """
        if self._conn.dialect.name == "postgresql":
            local = func.to_char(func.timezone(timezone.key, _B.starts_at), "YYYY-MM")
            return local, bookings
        bounds = _month_bounds(first, last, timezone)
        utc_month = func.substr(_B.starts_at, 1, 7)
        near_edge = (
            select(
                case(
                    (_B.starts_at < bounds.c.starts, bounds.c.prev),
                    (_B.starts_at >= bounds.c.ends, bounds.c.next),
                    else_=bounds.c.ym,
                )
            )
            .where(bounds.c.ym == utc_month)
            .scalar_subquery()
        )
        mid_month = func.substr(_B.starts_at, 9, 2).between(_text("02"), _text("27"))
        return case((mid_month, utc_month), else_=near_edge), bookings

    def visits(
        self, workspace_id: str, window: SlippingWindow
    ) -> Iterator[tuple[Client, list[datetime]]]:
        params = {
            "ws": workspace_id,
            "min_visits": window.min_visits,
            "lapsed_before": window.lapsed_before,
            "last_visit_by": window.last_visit_by,
            "after": window.now,
        }
        rows = self._conn.execute(_CANDIDATES, params).mappings()
        candidates = [client_from_row(row) for row in rows]
        for start in range(0, len(candidates), _CHUNK):
            chunk = candidates[start : start + _CHUNK]
            found: dict[str, list[datetime]] = {c.id: [] for c in chunk}
            ids = {"ws": workspace_id, "ids": list(found)}
            for client_id, starts_at in self._conn.execute(_VISITS, ids):
                found[client_id].append(starts_at)
            for client in chunk:
                yield client, found[client.id]


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _month_bounds(first: datetime, last: datetime, tz: ZoneInfo) -> Any:
    """For each UTC month from ``first``'s to ``last``'s (and one either side): the UTC
    instants the local month of the same name begins and ends at, and its neighbours' names."""
    rows = [
        (
            _name(index),
            sqlite_time(datetime.combine(month_starting(index), time(0), tz)),
            sqlite_time(datetime.combine(month_starting(index + 1), time(0), tz)),
            _name(index - 1),
            _name(index + 1),
        )
        for index in range(month_number(first) - 1, month_number(last) + 2)
    ]
    names = ("ym", "starts", "ends", "prev", "next")
    return values(*(column(n, String) for n in names), name="bounds").data(rows).cte("bounds")


def _name(number: int) -> str:
    return month_starting(number).isoformat()[:7]
