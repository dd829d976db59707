"""Notes staff keep about a client."""

from __future__ import annotations

from datetime import datetime

import attrs

from clientcrm.policies import NoteVisibility

__all__ = ["Note", "NoteVisibility"]


@attrs.frozen
class Note:
    """A free-text note about a client.

    Attributes:
        id: clientcrm's id of the note.
        workspace_id: the workspace.
        client_id: the client it is about.
        author_id: the actor who wrote it; only they may delete it (unless policy says otherwise).
        text: up to the policy's limit (2,000 characters by default).
        visibility: private (author only) or team.
        pinned: pinned notes are listed first.
        created_at: when it was written.
        updated_at: when it was last edited or pinned.
    """

    id: str
    workspace_id: str
    client_id: str
    author_id: str
    text: str
    visibility: NoteVisibility
    created_at: datetime
    updated_at: datetime
    pinned: bool = False
