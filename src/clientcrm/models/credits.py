"""Credit packages (seed 001): credits a client bought, and the ledger of every change."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["CreditEntry", "CreditPackage", "CreditSummary", "EntryKind", "PackageState"]


class EntryKind(enum.StrEnum):
    """What changed a package."""

    PURCHASE = "purchase"
    TOP_UP = "top_up"
    CONSUME = "consume"
    """A booking took credits."""
    RESTORE = "restore"
    """A booking cancelled in time gave them back."""
    ADJUST = "adjust"
    """A staff member added or removed credits, with a reason."""
    EXPIRE = "expire"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"


class PackageState(enum.StrEnum):
    """Where a package stands."""

    ACTIVE = "active"
    PAUSED = "paused"
    """Its credits cannot be used, and its expiry clock is stopped."""
    EXPIRED = "expired"


@attrs.frozen
class CreditPackage:
    """A package of credits a client holds.

    Attributes:
        id: the package's id.
        workspace_id: the workspace.
        client_id: the holder.
        name: what was bought ("10-class pass").
        purchased_at: when.
        credits: the credits bought: the purchase and its top-ups.
        balance: the credits left: the sum of the package's ledger.
        expires_at: when its credits lapse (``None``: never); pauses push it out.
        paused_at: when it was paused, while it is.
        expired_at: when it expired, once it has.
        entries: how many ledger entries it has (the next one's ``seq``).
    """

    id: str
    workspace_id: str
    client_id: str
    name: str
    purchased_at: datetime
    credits: int
    balance: int
    expires_at: datetime | None = None
    paused_at: datetime | None = None
    expired_at: datetime | None = None
    entries: int = 1

    @property
    def state(self) -> PackageState:
        """Active, paused or expired."""
        if self.expired_at is not None:
            return PackageState.EXPIRED
        return PackageState.ACTIVE if self.paused_at is None else PackageState.PAUSED


@attrs.frozen
class CreditEntry:
    """One line of a package's ledger.

    Attributes:
        workspace_id: the workspace.
        package_id: the package.
        client_id: the holder.
        seq: the line's place in the package's ledger, from 0.
        kind: what changed.
        credits: the change to the balance (negative for consumption, expiry...).
        balance: the balance after it.
        at: when.
        actor_id: who did it, when a person did.
        booking_id: the booking that consumed or got back credits.
        reason: why (required for a manual adjustment).
        expires_at: the package's expiry after it (for extensions and resumptions).
    """

    workspace_id: str
    package_id: str
    client_id: str
    seq: int
    kind: EntryKind
    credits: int
    balance: int
    at: datetime
    actor_id: str | None = None
    booking_id: str | None = None
    reason: str | None = None
    expires_at: datetime | None = None


@attrs.frozen
class CreditSummary:
    """A client's credits at a glance, kept beside their figures for the list.

    Attributes:
        available: credits the client can use: the balance of their active packages.
        paused: credits held in paused packages.
        purchased: every credit the client ever bought (purchases and top-ups).
    """

    available: int = 0
    paused: int = 0
    purchased: int = 0
