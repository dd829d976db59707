"""Credit packages as pure rules: each change is a ledger entry and the package after it.

A package's balance is the sum of its ledger, and never goes below ``-overdraft``
(`clientcrm.policies.CreditPolicy`). Expiry is dated at the package's expiry, not when it
was noticed; pausing stops the expiry clock, and resuming pushes the expiry out by the pause.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from clientcrm.errors import InsufficientBalanceError, ValidationError
from clientcrm.models.credits import (
    CreditEntry,
    CreditPackage,
    CreditSummary,
    EntryKind,
    PackageState,
)
from clientcrm.policies import CreditPolicy

__all__ = [
    "Change",
    "adjust",
    "choose",
    "consume",
    "expire_due",
    "extend",
    "pause",
    "purchase",
    "restore",
    "resume",
    "summarise",
    "top_up",
]

Change = tuple[CreditPackage, CreditEntry]
"""A package after a change, and the ledger entry that records it."""


def _credits(value: int, field: str = "credits") -> int:
    if type(value) is not int or value < 1:
        raise ValidationError(field, "must be a whole number of at least 1")
    return value


def _entry(
    package: CreditPackage,
    kind: EntryKind,
    credits: int,
    at: datetime,
    *,
    actor_id: str | None = None,
    booking_id: str | None = None,
    reason: str | None = None,
    expires_at: datetime | None = None,
) -> Change:
    """Record ``kind`` changing ``package``'s balance by ``credits`` at ``at`` (an extension
    or a resumption records the new ``expires_at`` too)."""
    balance = package.balance + credits
    changed = attrs.evolve(package, balance=balance, entries=package.entries + 1)
    entry = CreditEntry(
        package.workspace_id,
        package.id,
        package.client_id,
        package.entries,
        kind,
        credits,
        balance,
        at,
        actor_id,
        booking_id,
        reason,
        expires_at,
    )
    return changed, entry


def _usable(package: CreditPackage, field: str = "package_id") -> None:
    if package.state is PackageState.EXPIRED:
        raise ValidationError(field, f"package {package.id} expired on {package.expired_at}")


def purchase(
    workspace_id: str,
    client_id: str,
    package_id: str,
    name: str,
    credits: int,
    at: datetime,
    *,
    expires_at: datetime | None = None,
    actor_id: str | None = None,
) -> Change:
    """A new package of ``credits``, bought at ``at``."""
    credits = _credits(credits)
    if expires_at is not None and expires_at <= at:
        raise ValidationError("expires_at", "must be after the purchase")
    package = CreditPackage(
        package_id, workspace_id, client_id, name, at, credits, 0, expires_at, entries=0
    )
    return _entry(package, EntryKind.PURCHASE, credits, at, actor_id=actor_id)


def top_up(package: CreditPackage, credits: int, at: datetime, actor_id: str | None) -> Change:
    """Add ``credits`` to a package that has not expired."""
    _usable(package)
    credits = _credits(credits)
    changed, entry = _entry(package, EntryKind.TOP_UP, credits, at, actor_id=actor_id)
    return attrs.evolve(changed, credits=package.credits + credits), entry


def adjust(
    package: CreditPackage,
    credits: int,
    reason: str,
    at: datetime,
    actor_id: str,
    policy: CreditPolicy,
) -> Change:
    """Add (or, when negative, remove) credits by hand, saying why."""
    _usable(package)
    if type(credits) is not int or credits == 0:
        raise ValidationError("credits", "must be a whole number other than 0")
    if not reason or not reason.strip():
        raise ValidationError("reason", "an adjustment needs a reason")
    _may_take(package, -credits, policy)
    return _entry(package, EntryKind.ADJUST, credits, at, actor_id=actor_id, reason=reason.strip())


def _may_take(package: CreditPackage, credits: int, policy: CreditPolicy) -> None:
    if credits > 0 and package.balance - credits < -policy.overdraft:
        available = max(package.balance + policy.overdraft, 0)
        raise InsufficientBalanceError(package.client_id, "credits", available, credits)


def choose(
    packages: Iterable[CreditPackage], credits: int, policy: CreditPolicy, client_id: str
) -> CreditPackage:
    """The package a booking takes ``credits`` from: of the active ones that can pay, the one
    expiring first (never-expiring last), then the oldest.

    Raises:
        InsufficientBalanceError: no active package can pay, overdraft included.
    """
    active = sorted(
        (p for p in packages if p.state is PackageState.ACTIVE),
        key=lambda p: (p.expires_at is None, p.expires_at or p.purchased_at, p.purchased_at, p.id),
    )
    for package in active:
        if package.balance >= credits:
            return package
    for package in active:
        if package.balance - credits >= -policy.overdraft:
            return package
    available = sum(max(p.balance, 0) for p in active)
    raise InsufficientBalanceError(client_id, "credits", available, credits)


def consume(
    package: CreditPackage,
    credits: int,
    booking_id: str,
    at: datetime,
    actor_id: str | None,
    policy: CreditPolicy,
) -> Change:
    """A booking takes ``credits`` from an active package."""
    credits = _credits(credits)
    if package.state is not PackageState.ACTIVE:
        raise ValidationError("package_id", f"package {package.id} is {package.state}")
    _may_take(package, credits, policy)
    return _entry(
        package, EntryKind.CONSUME, -credits, at, actor_id=actor_id, booking_id=booking_id
    )


def restore(
    package: CreditPackage, consumed: CreditEntry, at: datetime, actor_id: str | None
) -> Change | None:
    """Give a cancelled booking's credits back to the package they came from; ``None`` when
    that package has expired (its credits lapsed with it)."""
    if package.state is PackageState.EXPIRED:
        return None
    return _entry(
        package,
        EntryKind.RESTORE,
        -consumed.credits,
        at,
        actor_id=actor_id,
        booking_id=consumed.booking_id,
    )


def expire_due(package: CreditPackage, now: datetime) -> Change | None:
    """Expire an active package whose expiry has come by ``now``, dated at its expiry: what
    is left of its balance lapses."""
    expires = package.expires_at
    if package.state is not PackageState.ACTIVE or expires is None or expires > now:
        return None
    changed, entry = _entry(package, EntryKind.EXPIRE, -max(package.balance, 0), expires)
    return attrs.evolve(changed, expired_at=expires), entry


def pause(package: CreditPackage, at: datetime, actor_id: str | None) -> Change:
    """Stop the package's credits being used, and its expiry clock."""
    _usable(package)
    if package.paused_at is not None:
        raise ValidationError("package_id", f"package {package.id} is paused already")
    if package.expires_at is not None and package.expires_at <= at:
        raise ValidationError("at", f"package {package.id} expired at {package.expires_at}")
    changed, entry = _entry(package, EntryKind.PAUSE, 0, at, actor_id=actor_id)
    return attrs.evolve(changed, paused_at=at), entry


def resume(package: CreditPackage, at: datetime, actor_id: str | None) -> Change:
    """Let the package's credits be used again; its expiry moves out by the pause."""
    paused_at = package.paused_at
    if paused_at is None:
        raise ValidationError("package_id", f"package {package.id} is not paused")
    if at < paused_at:
        raise ValidationError("at", "a package cannot resume before it was paused")
    expires = package.expires_at
    later = None if expires is None else expires + (at - paused_at)
    changed, entry = _entry(package, EntryKind.RESUME, 0, at, actor_id=actor_id, expires_at=later)
    return attrs.evolve(changed, paused_at=None, expires_at=later), entry


def extend(
    package: CreditPackage,
    expires_at: datetime | None,
    at: datetime,
    actor_id: str | None,
    reason: str | None = None,
) -> Change:
    """Move the package's expiry later (``None``: it never expires)."""
    _usable(package)
    current = package.expires_at
    if expires_at is not None and (current is None or expires_at <= current):
        raise ValidationError("expires_at", f"must be later than the current expiry {current}")
    changed, entry = _entry(
        package, EntryKind.EXTEND, 0, at, actor_id=actor_id, reason=reason, expires_at=expires_at
    )
    return attrs.evolve(changed, expires_at=expires_at), entry


def summarise(packages: Iterable[CreditPackage]) -> CreditSummary:
    """A client's credits at a glance, from their packages."""
    available = paused = purchased = 0
    for package in packages:
        purchased += package.credits
        if package.state is PackageState.ACTIVE:
            available += package.balance
        elif package.state is PackageState.PAUSED:
            paused += package.balance
    return CreditSummary(available, paused, purchased)
