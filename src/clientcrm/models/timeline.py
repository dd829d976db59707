"""The timeline: what happened to a client, as entries the CRM records."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

__all__ = ["EntryKind", "TimelineEntry"]


class EntryKind(enum.StrEnum):
    """What a timeline entry records."""

    MERGED = "merged"
    UNMERGED = "unmerged"
    MATCH_LINKED = "match_linked"
    MATCH_PENDING = "match_pending"
    MATCH_DECIDED = "match_decided"


@attrs.frozen
class TimelineEntry:
    """One thing that happened to a client.

    Attributes:
        id: the entry's id.
        workspace_id: the workspace.
        client_id: the client it is about.
        kind: what happened.
        at: when.
        actor_id: who did it (``None`` for what a booking did).
        summary: one line a person can read.
        data: the details, JSON-able.
    """

    id: str
    workspace_id: str
    client_id: str
    kind: EntryKind
    at: datetime
    summary: str
    actor_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=dict, hash=False)
