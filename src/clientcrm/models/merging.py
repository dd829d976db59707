"""What smart client detection and merging keep: merges, pending matches, distinct pairs."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import attrs

from clientcrm.models.client import Client

__all__ = [
    "Distinction",
    "MatchStatus",
    "Merge",
    "PendingMatch",
    "Reason",
    "fingerprint",
]


@attrs.frozen
class Reason:
    """One thing that moved a match score; the contributions of a result add up to its score.

    Attributes:
        feature: ``name``, ``email``, ``phone``, an evidence column, or ``rule``.
        detail: what was found, in words a dashboard can show.
        contribution: what it added to (or took from) the score.
    """

    feature: str
    detail: str
    contribution: float


@attrs.frozen
class Merge:
    """One client merged into another, with what it takes to undo it.

    Attributes:
        id: the merge's id.
        workspace_id: the workspace.
        survivor_id: the client that remains.
        loser_id: the client merged away.
        merged_at: when.
        actor_id: who asked for it.
        survivor_before: the survivor's record just before the merge.
        loser: the loser's record just before the merge.
        booking_ids: the bookings that moved from the loser.
        note_ids: the notes that moved from the loser.
        entry_ids: the timeline entries that moved from the loser.
        order_ids: the orders that moved from the loser.
        activity_ids: the activities that moved from the loser.
        package_ids: the credit packages that moved from the loser.
        purchase_ids: the external purchases that moved from the loser.
        undone_at: when it was undone, if it was.
    """

    id: str
    workspace_id: str
    survivor_id: str
    loser_id: str
    merged_at: datetime
    actor_id: str
    survivor_before: Client
    loser: Client
    booking_ids: tuple[str, ...] = ()
    note_ids: tuple[str, ...] = ()
    entry_ids: tuple[str, ...] = ()
    undone_at: datetime | None = None
    order_ids: tuple[str, ...] = ()
    activity_ids: tuple[str, ...] = ()
    package_ids: tuple[str, ...] = ()
    purchase_ids: tuple[str, ...] = ()


class MatchStatus(enum.StrEnum):
    """Where a pending match stands."""

    OPEN = "open"
    USED_EXISTING = "used_existing"
    """The provisional client was merged into the existing one."""
    CREATED_NEW = "created_new"
    """They are different people; the provisional client stays, and the pair is remembered."""
    IGNORED = "ignored"
    """Dismissed without a decision; the provisional client stays."""


@attrs.frozen
class PendingMatch:
    """A booking from an unknown email that partly matches an existing client.

    The booking is held by a provisional client until someone decides.

    Attributes:
        id: the pending match's id.
        workspace_id: the workspace.
        client_id: the provisional client created for the booking.
        candidate_id: the existing client it may be.
        score: how alike they are, in the partial band.
        reasons: why, feature by feature.
        created_at: when the booking arrived.
        status: open, or the decision taken.
        decided_at: when it was decided.
        decided_by: who decided.
    """

    id: str
    workspace_id: str
    client_id: str
    candidate_id: str
    score: float
    reasons: tuple[Reason, ...]
    created_at: datetime
    status: MatchStatus = MatchStatus.OPEN
    decided_at: datetime | None = None
    decided_by: str | None = None


def fingerprint(client: Client) -> str:
    """A digest of what identifies a client (name, emails, phones): it changes when they do."""
    emails, phones = (",".join(sorted(values)) for values in (client.emails, client.phones))
    text = f"{client.name}\x1f{emails}\x1f{phones}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@attrs.frozen
class Distinction:
    """Two clients someone said are different people.

    Remembered while neither changes its name, email or phone: the fingerprints say when.

    Attributes:
        workspace_id: the workspace.
        a_id: one client (the lower id).
        b_id: the other client.
        a_print: `fingerprint` of ``a`` when it was decided.
        b_print: `fingerprint` of ``b`` when it was decided.
        decided_at: when.
        decided_by: who.
    """

    workspace_id: str
    a_id: str
    b_id: str
    a_print: str
    b_print: str
    decided_at: datetime
    decided_by: str

    @classmethod
    def of(cls, a: Client, b: Client, at: datetime, actor_id: str) -> Distinction:
        """The distinction of two clients as they are now."""
        if b.id < a.id:
            a, b = b, a
        return cls(a.workspace_id, a.id, b.id, fingerprint(a), fingerprint(b), at, actor_id)

    def holds(self, a: Client, b: Client) -> bool:
        """Whether it still applies to these two clients as they are now."""
        if b.id < a.id:
            a, b = b, a
        return (a.id, b.id) == (self.a_id, self.b_id) and (fingerprint(a), fingerprint(b)) == (
            self.a_print,
            self.b_print,
        )
