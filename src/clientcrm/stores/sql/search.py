"""Client search in SQL: every query word must start one of the client's search terms.

Each client row carries its terms (`clientcrm.rules.search.search_terms`) as ``search_text``,
sorted, space-separated and space-framed: `` kate kate.smith@example.com smith ``. A word
starts a term exactly when ``" " + word`` occurs in that text, which every engine answers with
``LIKE``. On SQLite the FTS5 index `SQLITE_SEARCH_INDEX` answers it from an index instead, in
the workspace's range of search keys: the workspace's ``ordinal`` in the high 32 bits, a
per-workspace counter in the low ones.

A search that matches many clients is best served by walking the sort's index and checking
each client against the matches; one that matches few, by looking the matches up by key.
`count_matches` tells which, from the index alone, before the page is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    and_,
    bindparam,
    column,
    func,
    insert,
    literal_column,
    select,
    table,
)

from clientcrm.models.client import Client
from clientcrm.rules.search import search_terms
from clientcrm.stores.sql.bulk import executemany
from clientcrm.stores.sql.tables import clients, workspaces

__all__ = [
    "FEW_MATCHES",
    "count_matches",
    "first_key",
    "has_words",
    "index_new",
    "key_range",
    "search_params",
    "search_text",
]

KEY_BITS = 32
"""The low bits of a search key, which number a workspace's clients."""
FEW_MATCHES = 5000
"""Up to this many matches, a search looks its matches up by key."""

_fts = table("crm_client_search", column("rowid", BigInteger), column("search_text"))
_INDEX = insert(_fts)
_MATCHING_KEYS = select(_fts.c.rowid).where(
    literal_column(_fts.name).op("MATCH")(bindparam("match")),
    _fts.c.rowid.between(bindparam("key_low"), bindparam("key_high")),
)
_COUNT_MATCHES = select(func.count()).select_from(_MATCHING_KEYS.subquery())
_ORDINAL = select(workspaces.c.ordinal).where(workspaces.c.workspace_id == bindparam("ws"))


def search_text(client: Client) -> str:
    """The ``search_text`` of a client: its terms, sorted, space-separated and space-framed."""
    terms = search_terms(client.name, client.emails, client.phones)
    return f" {' '.join(sorted(terms))} "


def first_key(ordinal: int, issued: int) -> int:
    """The search key of the next client of the workspace numbered ``ordinal``."""
    return (ordinal << KEY_BITS) + issued + 1


def key_range(conn: Connection, workspace_id: str) -> tuple[int, int]:
    """The first and last search key a workspace can have."""
    ordinal = conn.execute(_ORDINAL, {"ws": workspace_id}).scalar_one_or_none() or 0
    return first_key(ordinal, 0), first_key(ordinal + 1, 0) - 2


def _match_expression(words: Sequence[str]) -> str:
    """The FTS5 query for terms starting with every word: ``"kate"* AND "smi"*``."""
    return " AND ".join('"{}"*'.format(word.replace('"', '""')) for word in words)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


def search_params(conn: Connection, workspace_id: str, words: Sequence[str]) -> dict[str, object]:
    """The bind parameters of a search for ``words`` in a workspace."""
    if conn.dialect.name == "sqlite":
        low, high = key_range(conn, workspace_id)
        return {"match": _match_expression(words), "key_low": low, "key_high": high}
    return {f"word_{n}": _like_pattern(word) for n, word in enumerate(words)}


def index_new(conn: Connection, client_rows: Sequence[dict[str, Any]]) -> None:
    """Add new clients' rows to SQLite's search index (other engines need nothing)."""
    if conn.dialect.name == "sqlite":
        entries = [{"rowid": r["search_key"], "search_text": r["search_text"]} for r in client_rows]
        executemany(conn, _INDEX, entries)


def count_matches(conn: Connection, params: dict[str, object]) -> int | None:
    """How many clients match a search, from SQLite's index; ``None`` on other engines."""
    if "match" not in params:
        return None
    return int(conn.execute(_COUNT_MATCHES, params).scalar_one())


def has_words(dialect: str, words: int, *, few: bool) -> ColumnElement[bool]:
    """The condition that a client has a term starting with each of ``words`` query words.

    On SQLite, ``few`` looks the matches up by key; otherwise ``search_key + 0`` keeps the
    planner from doing so, and the sort's index drives the page.
    """
    if dialect == "sqlite":
        key = clients.c.search_key if few else clients.c.search_key + 0
        return key.in_(_MATCHING_KEYS)
    text = clients.c.search_text
    return and_(*(text.like(bindparam(f"word_{n}"), escape="\\") for n in range(words)))
