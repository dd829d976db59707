"""The client list query (SPEC section 10) and its answer."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models.client import Client, Flag, StatusPill
from clientcrm.models.journey import Stage

__all__ = ["ClientPage", "ClientQuery", "SortKey"]

MAX_PAGE = 500


class SortKey(enum.StrEnum):
    """How the list is ordered. Recency, spend and bookings sort high first; name A to Z."""

    RECENCY = "recency"
    SPEND = "spend"
    BOOKINGS = "bookings"
    NAME = "name"
    CREDITS = "credits"
    """Credits available, most first."""
    PURCHASED_CREDITS = "purchased_credits"
    """Credits ever bought, most first."""


def _limit(_: object, __: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= MAX_PAGE:
        raise ValidationError("limit", f"must be between 1 and {MAX_PAGE}")


def _pills(values: Iterable[StatusPill | str]) -> frozenset[StatusPill]:
    return frozenset(StatusPill(v) for v in values)


def _stages(values: Iterable[Stage | str]) -> frozenset[Stage]:
    return frozenset(Stage(v) for v in values)


def _flags(values: Iterable[Flag | str]) -> frozenset[Flag]:
    return frozenset(Flag(v) for v in values)


def _tags(values: Iterable[str]) -> frozenset[str]:
    return frozenset([values] if isinstance(values, str) else values)


def _range(low: object, high: object, field: str) -> None:
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        raise ValidationError(field, f"the minimum {low} is above the maximum {high}")


@attrs.frozen
class ClientQuery:
    """What to list: search, filters, sort and page.

    Every filter left at ``None`` (or empty) does not filter. Clients flagged INACTIVE are
    hidden unless ``include_inactive`` is set or ``flags`` asks for INACTIVE.

    Attributes:
        search: words that must each start a word of the name, the email, or the phone digits.
        statuses: keep clients whose pill (at the query's moment) is one of these.
        growing: keep only the "growing" clients (3-5 counted bookings, not lapsed).
        stages: keep clients in one of these journey stages.
        flags: keep clients carrying every one of these flags.
        tags_any: keep clients with at least one of these tags.
        tags_all: keep clients with all of these tags.
        bookings_min / bookings_max: counted bookings range, inclusive.
        spend_min / spend_max: lifetime spend range, inclusive.
        credits_min / credits_max: credits available range, inclusive.
        has_credits: ``True`` keeps clients with credits available (seed 001's "With
            credits" tab), ``False`` those without ("No credits").
        paused_credits: ``True`` keeps clients holding credits in a paused package ("Paused
            credits"), ``False`` those who do not.
        inactive_days_min / inactive_days_max: calendar days since the last activity.
        registered_from / registered_to: "client since" date range, inclusive, workspace dates.
        include_inactive: also list clients flagged INACTIVE.
        sort: the order; ties are broken by id so paging is stable.
        limit: the page size (1-500).
        cursor: the opaque ``next_cursor`` of the previous page.
    """

    search: str | None = None
    statuses: frozenset[StatusPill] = attrs.field(default=frozenset(), converter=_pills)
    growing: bool = False
    stages: frozenset[Stage] = attrs.field(default=frozenset(), converter=_stages)
    flags: frozenset[Flag] = attrs.field(default=frozenset(), converter=_flags)
    tags_any: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    tags_all: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    bookings_min: int | None = None
    bookings_max: int | None = None
    spend_min: Decimal | None = None
    spend_max: Decimal | None = None
    credits_min: int | None = None
    credits_max: int | None = None
    has_credits: bool | None = None
    paused_credits: bool | None = None
    inactive_days_min: int | None = None
    inactive_days_max: int | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    include_inactive: bool = False
    sort: SortKey = attrs.field(default=SortKey.RECENCY, converter=SortKey)
    limit: int = attrs.field(default=50, validator=_limit)
    cursor: str | None = None

    def __attrs_post_init__(self) -> None:
        _range(self.bookings_min, self.bookings_max, "bookings_min")
        _range(self.spend_min, self.spend_max, "spend_min")
        _range(self.credits_min, self.credits_max, "credits_min")
        _range(self.inactive_days_min, self.inactive_days_max, "inactive_days_min")
        _range(self.registered_from, self.registered_to, "registered_from")
        for name in ("bookings_min", "bookings_max", "inactive_days_min", "inactive_days_max"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError(name, "must not be negative")


@attrs.frozen
class ClientPage:
    """One page of clients and the cursor of the next (``None`` on the last page)."""

    clients: Sequence[Client]
    next_cursor: str | None
