"""Every fixed statement of the SQL store, built once with bind parameters.

Building a statement costs more than running it on SQLite; prebuilt statements hit
SQLAlchemy's compiled cache directly. Values always travel as bound parameters.
"""

from __future__ import annotations

from sqlalchemy import (
    BindParameter,
    Insert,
    Table,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from clientcrm.stores.sql.rows import FIGURE_COLUMNS
from clientcrm.stores.sql.tables import (
    bookings,
    client_emails,
    client_tags,
    clients,
    notes,
    workspaces,
)
from clientcrm.stores.sql.types import Amount

__all__ = [
    "BOOKING_IDS",
    "BOOKING_IDS_ANY",
    "COUNT_CLIENTS",
    "DELETE_EMAILS",
    "DELETE_NOTE",
    "DELETE_TAGS",
    "DUE_CLIENTS",
    "FIND_BY_EMAIL",
    "FIND_BY_EMAILS",
    "FOR_CLIENTS",
    "GET_BOOKING",
    "GET_BOOKINGS",
    "GET_CLIENT",
    "GET_CLIENTS",
    "GET_NOTE",
    "GET_WORKSPACE",
    "INSERT_BOOKINGS",
    "INSERT_CLIENTS",
    "INSERT_EMAILS",
    "INSERT_NOTE",
    "INSERT_TAGS",
    "INSERT_WORKSPACE",
    "ISSUE_CLIENT_KEYS",
    "KEYS",
    "KEYS_PER_STATEMENT",
    "NOTES_OF_CLIENT",
    "PAGE_OF_CLIENTS",
    "STAGE_COUNTS",
    "TOTALS",
    "UPDATE_CLIENT",
    "UPDATE_FIGURES",
    "UPDATE_NOTE",
    "UPDATE_WORKSPACE",
    "upsert",
]

WS: BindParameter[str] = bindparam("ws")

GET_WORKSPACE = select(workspaces).where(workspaces.c.workspace_id == WS)
UPDATE_WORKSPACE = update(workspaces).where(workspaces.c.workspace_id == bindparam("b_ws"))
# A new workspace takes the next ordinal: the high bits of its clients' search keys.
INSERT_WORKSPACE = insert(workspaces).values(
    ordinal=select(func.coalesce(func.max(workspaces.c.ordinal), 0) + 1).scalar_subquery(),
    client_keys=0,
)
ISSUE_CLIENT_KEYS = (
    update(workspaces)
    .where(workspaces.c.workspace_id == WS)
    .values(client_keys=workspaces.c.client_keys + bindparam("count"))
    .returning(workspaces.c.ordinal, workspaces.c.client_keys)
)

GET_CLIENT = select(clients).where(
    clients.c.workspace_id == WS, clients.c.client_id == bindparam("client_id")
)
GET_CLIENTS = select(clients).where(clients.c.workspace_id == WS)
"""Clients of a workspace: add a condition on ``client_id``."""
_BY_EMAIL = select(client_emails.c.email.label("matched_email"), clients).join(
    clients,
    (clients.c.workspace_id == client_emails.c.workspace_id)
    & (clients.c.client_id == client_emails.c.client_id),
)
# One key is by far the most common lookup; "= :key" spares the IN list's per-call expansion.
FIND_BY_EMAIL = _BY_EMAIL.where(
    client_emails.c.workspace_id == WS, client_emails.c.email == bindparam("email")
)
FIND_BY_EMAILS = _BY_EMAIL.where(
    client_emails.c.workspace_id == WS,
    client_emails.c.email.in_(bindparam("emails", expanding=True)),
)
COUNT_CLIENTS = select(func.count()).select_from(clients).where(clients.c.workspace_id == WS)
PAGE_OF_CLIENTS = (
    select(clients)
    .where(clients.c.workspace_id == WS, clients.c.client_id > bindparam("after"))
    .order_by(clients.c.client_id)
    .limit(bindparam("size"))
)
_THIS_CLIENT = (clients.c.workspace_id == bindparam("b_ws")) & (
    clients.c.client_id == bindparam("b_client_id")
)
UPDATE_CLIENT = update(clients).where(_THIS_CLIENT)
DUE_CLIENTS = (
    select(clients)
    .where(clients.c.workspace_id == WS, clients.c.journey_due <= bindparam("until"))
    .order_by(clients.c.journey_due, clients.c.client_id)
    .limit(bindparam("size"))
)
STAGE_COUNTS = (
    select(clients.c.stage, func.count())
    .where(clients.c.workspace_id == WS)
    .group_by(clients.c.stage)
)
TOTALS = select(
    func.count(),
    func.coalesce(func.sum(case((clients.c.credits_available > 0, 1), else_=0)), 0),
    type_coerce(func.coalesce(func.sum(clients.c.spend), 0), Amount()),
    func.coalesce(func.sum(clients.c.bookings), 0),
).where(clients.c.workspace_id == WS)
UPDATE_FIGURES = (
    update(clients).where(_THIS_CLIENT).values({name: bindparam(name) for name in FIGURE_COLUMNS})
)
DELETE_TAGS = delete(client_tags).where(
    client_tags.c.workspace_id == WS, client_tags.c.client_id == bindparam("client_id")
)
DELETE_EMAILS = delete(client_emails).where(
    client_emails.c.workspace_id == WS,
    client_emails.c.email.in_(bindparam("emails", expanding=True)),
)

GET_BOOKING = select(bookings).where(
    bookings.c.workspace_id == WS, bookings.c.booking_id == bindparam("id")
)
KEYS_PER_STATEMENT = 500
"""Keys per ``IN (...)`` list: far below every engine's parameter limit."""
KEYS: list[BindParameter[str]] = [bindparam(f"key_{n}") for n in range(KEYS_PER_STATEMENT)]
"""A fixed list of binds, so the statement compiles once; short lists repeat their last key."""
BOOKING_IDS = select(bookings.c.booking_id).where(
    bookings.c.workspace_id == WS, bookings.c.booking_id.in_(KEYS)
)
# PostgreSQL takes the ids as one array (one plan whatever their number), sent as JSON text:
# the driver adapts a list of thousands of strings to an array in Python, several times slower.
_IDS_ARRAY = text("(ARRAY(SELECT json_array_elements_text(:ids)))").bindparams(
    bindparam("ids", type_=postgresql.JSON)
)
BOOKING_IDS_ANY = select(bookings.c.booking_id).where(
    bookings.c.workspace_id == WS, bookings.c.booking_id == any_(_IDS_ARRAY)
)
GET_BOOKINGS = select(bookings).where(
    bookings.c.workspace_id == WS, bookings.c.booking_id.in_(bindparam("ids", expanding=True))
)
FOR_CLIENTS = (
    select(bookings)
    .where(
        bookings.c.workspace_id == WS, bookings.c.client_id.in_(bindparam("ids", expanding=True))
    )
    .order_by(bookings.c.client_id, bookings.c.starts_at, bookings.c.booking_id)
)

_THIS_NOTE = (notes.c.workspace_id == bindparam("b_ws")) & (
    notes.c.note_id == bindparam("b_note_id")
)
GET_NOTE = select(notes).where(_THIS_NOTE)
UPDATE_NOTE = update(notes).where(_THIS_NOTE)
DELETE_NOTE = delete(notes).where(_THIS_NOTE)
NOTES_OF_CLIENT = (
    select(notes)
    .where(notes.c.workspace_id == WS, notes.c.client_id == bindparam("client_id"))
    .order_by(notes.c.pinned.desc(), notes.c.created_at.desc(), notes.c.note_id.desc())
)

_UPSERTS: dict[tuple[str, str], Insert] = {}


def upsert(table: Table, dialect_name: str) -> Insert | None:
    """The dialect's insert-or-replace by primary key, or ``None`` where it has none."""
    key = (table.name, dialect_name)
    if key not in _UPSERTS:
        if dialect_name not in ("sqlite", "postgresql"):
            return None
        dialect = sqlite if dialect_name == "sqlite" else postgresql
        stmt = dialect.insert(table)
        keys = [c.name for c in table.primary_key.columns]
        changed = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
        _UPSERTS[key] = stmt.on_conflict_do_update(index_elements=keys, set_=changed)
    return _UPSERTS[key]


INSERT_CLIENTS = insert(clients)
INSERT_EMAILS = insert(client_emails)
INSERT_TAGS = insert(client_tags)
INSERT_BOOKINGS = insert(bookings)
INSERT_NOTE = insert(notes)
