"""The client list's filters and sort as command-line options, shared by every command that
works on a selection of clients (``clients``, ``export clients``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import click

from clientcrm.models.client import Flag, StatusPill
from clientcrm.models.journey import Stage
from clientcrm.models.query import ClientQuery, SortKey

__all__ = ["filter_options", "query_of"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _choice(enum: type[StatusPill | Flag | SortKey | Stage]) -> click.Choice[str]:
    return click.Choice([member.value for member in enum], case_sensitive=False)


_OPTIONS = (
    click.option("--search", "-s", help="Words that start a name, an email or phone digits."),
    click.option("--status", "statuses", multiple=True, type=_choice(StatusPill), help="Pill(s)."),
    click.option("--growing", is_flag=True, help="Only clients with 3-5 bookings, not lapsed."),
    click.option("--stage", "stages", multiple=True, type=_choice(Stage), help="Stage(s)."),
    click.option("--flag", "flags", multiple=True, type=_choice(Flag), help="Manual flag(s)."),
    click.option("--tag", "tags_any", multiple=True, help="Any of these tags (repeatable)."),
    click.option("--all-tags", "tags_all", multiple=True, help="All of these tags (repeatable)."),
    click.option("--min-bookings", type=click.IntRange(min=0)),
    click.option("--max-bookings", type=click.IntRange(min=0)),
    click.option("--min-spend", type=Decimal),
    click.option("--max-spend", type=Decimal),
    click.option(
        "--with-credits/--no-credits",
        "has_credits",
        default=None,
        help="Clients with credits available (or without).",
    ),
    click.option("--paused-credits", is_flag=True, help="Clients holding paused credits."),
    click.option("--min-credits", type=click.IntRange(min=0)),
    click.option("--max-credits", type=click.IntRange(min=0)),
    click.option(
        "--inactive-days", type=click.IntRange(min=0), help="At least N days since activity."
    ),
    click.option(
        "--active-within", type=click.IntRange(min=0), help="At most N days since activity."
    ),
    click.option("--registered-from", type=click.DateTime(["%Y-%m-%d"])),
    click.option("--registered-to", type=click.DateTime(["%Y-%m-%d"])),
    click.option("--include-inactive", is_flag=True, help="Also archived (INACTIVE) clients."),
    click.option("--sort", type=_choice(SortKey), default="recency", show_default=True),
)


def filter_options(command: _F) -> _F:
    """Give ``command`` the list's filter and sort options."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def query_of(options: dict[str, Any], **page: Any) -> ClientQuery:
    """The `ClientQuery` the filter options ask for (and ``page``: limit, cursor)."""
    o = options
    return ClientQuery(
        search=o["search"],
        statuses=frozenset(o["statuses"]),
        growing=o["growing"],
        stages=frozenset(o["stages"]),
        flags=frozenset(o["flags"]),
        tags_any=frozenset(o["tags_any"]),
        tags_all=frozenset(o["tags_all"]),
        bookings_min=o["min_bookings"],
        bookings_max=o["max_bookings"],
        spend_min=o["min_spend"],
        spend_max=o["max_spend"],
        has_credits=o["has_credits"],
        paused_credits=o["paused_credits"] or None,
        credits_min=o["min_credits"],
        credits_max=o["max_credits"],
        inactive_days_min=o["inactive_days"],
        inactive_days_max=o["active_within"],
        registered_from=_day(o["registered_from"]),
        registered_to=_day(o["registered_to"]),
        include_inactive=o["include_inactive"],
        sort=SortKey(o["sort"]),
        **page,
    )
