"""Credit packages (seed 001) as the `CRM` offers them: `CRM.credits`.

Every change is a ledger entry written in the same unit of work as its package and the
client's credit summary, so a balance always equals the sum of its ledger. Two bookings racing
for a client's last credit cannot both take it: the store's isolation fails the second unit of
work, which runs again and finds the balance spent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import attrs

from clientcrm.clock import Clock
from clientcrm.models._checks import require_aware, require_text
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.client import Client
from clientcrm.models.credits import CreditEntry, CreditPackage, EntryKind
from clientcrm.policies import CreditPolicy
from clientcrm.ports import UnitOfWork
from clientcrm.rules import credits as rules
from clientcrm.service import permissions as perm
from clientcrm.service.running import Runner

__all__ = ["Credits"]

_T = TypeVar("_T")


@attrs.define
class _Ledger:
    """One client's packages inside a unit of work, and the changes made to them."""

    uow: UnitOfWork
    client: Client
    policy: CreditPolicy
    packages: dict[str, CreditPackage]
    entries: list[CreditEntry] = attrs.Factory(list)

    def apply(self, change: rules.Change) -> rules.Change:
        package, entry = change
        self.packages[package.id] = package
        self.entries.append(entry)
        return change

    def settle(self, now: datetime) -> None:
        """Expire every package whose expiry has come by ``now``."""
        for package in list(self.packages.values()):
            if (expired := rules.expire_due(package, now)) is not None:
                self.apply(expired)

    def write(self) -> None:
        if not self.entries:
            return
        changed = {e.package_id for e in self.entries}
        self.uow.credits.save([self.packages[i] for i in sorted(changed)], self.entries)
        summary = rules.summarise(self.packages.values())
        self.uow.clients.update_figures([attrs.evolve(self.client, credits=summary)])


_Work = Callable[[_Ledger], _T]


def _may_book(actor: Actor, client: Client, action: str) -> None:
    """Members for themselves; staff when they may record bookings."""
    perm.require_client_access(actor, client, action)
    if actor.role is not Role.MEMBER:
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, action)


def _may_manage(actor: Actor, client: Client, action: str) -> None:
    perm.require_workspace(actor, client.workspace_id)
    perm.require_admin(actor, action)


@attrs.frozen
class Credits:
    """The credit packages of a workspace's clients.

    Members buy and book with credits for themselves; staff book with credits when they may
    record bookings (``add_participants``); topping up, adjusting, pausing, resuming and
    extending are for owners and admins. Each method takes ``at`` (default: now), the moment
    the change happened; packages whose expiry has come by then expire first.
    """

    _run: Runner
    _clock: Clock
    _ids: Callable[[], str]

    # -- buying and booking -------------------------------------------------------------------

    def purchase(
        self,
        client_id: str,
        credits: int,
        actor: Actor,
        *,
        name: str = "Credits",
        expires_at: datetime | None = None,
        at: datetime | None = None,
        package_id: str | None = None,
    ) -> CreditPackage:
        """A new package of ``credits`` for the client, expiring at ``expires_at`` (or never).

        Raises:
            ValidationError: ``credits`` is not a whole number of at least 1, or the expiry is
                not after the purchase.
        """
        when = self._when(at)
        name = require_text(name, "name", max_length=200)
        expiry = None if expires_at is None else require_aware(expires_at, "expires_at")
        new_id = package_id or self._ids()

        def work(ledger: _Ledger) -> CreditPackage:
            c = ledger.client
            change = rules.purchase(
                c.workspace_id, c.id, new_id, name, credits, when, expires_at=expiry,
                actor_id=actor.id,
            )  # fmt: skip
            return ledger.apply(change)[0]

        return self._change(actor, _may_book, "buy credits", when, work, client_id)

    def consume(
        self,
        client_id: str,
        booking_id: str,
        actor: Actor,
        *,
        credits: int = 1,
        at: datetime | None = None,
    ) -> CreditEntry:
        """Take ``credits`` for a booking from the client's active package that expires
        first. Taking them again for the same booking changes nothing (the first entry is
        returned) until the booking's credits are restored.

        Raises:
            InsufficientBalanceError: no active package can pay (overdraft included).
        """
        when = self._when(at)

        def work(ledger: _Ledger) -> CreditEntry:
            entries = ledger.uow.credits.for_booking(ledger.client.workspace_id, booking_id)
            if entries and (held := _latest(entries)).kind is EntryKind.CONSUME:
                return held
            c = ledger.client
            package = rules.choose(ledger.packages.values(), credits, ledger.policy, c.id)
            change = rules.consume(package, credits, booking_id, when, actor.id, ledger.policy)
            return ledger.apply(change)[1]

        return self._change(actor, _may_book, "book with credits", when, work, client_id)

    def restore(
        self, booking_id: str, actor: Actor, *, at: datetime | None = None
    ) -> CreditEntry | None:
        """Give a cancelled booking's credits back, when the cancellation (``at``) came at
        least the policy's notice before the booking starts.

        Returns the restoring entry (the earlier one, when they were restored already), or
        ``None`` when nothing comes back: the booking took no credits, the cancellation was
        late, or the package has expired since.
        """
        when = self._when(at)
        entries: list[CreditEntry] = []  # the booking's, read once per attempt

        def locate(uow: UnitOfWork) -> str:
            entries[:] = uow.credits.for_booking(actor.workspace_id, booking_id)
            if not entries:
                raise _NothingHeldError
            return entries[0].client_id

        def work(ledger: _Ledger) -> CreditEntry | None:
            latest = _latest(entries)
            if latest.kind is not EntryKind.CONSUME:
                return latest  # restored already
            ws = ledger.client.workspace_id
            booking = ledger.uow.bookings.get_many(ws, [booking_id]).get(booking_id)
            notice = timedelta(hours=ledger.policy.restore_notice_hours)
            if booking is not None and when > booking.starts_at - notice:
                return None
            change = rules.restore(ledger.packages[latest.package_id], latest, when, actor.id)
            return None if change is None else ledger.apply(change)[1]

        try:
            return self._change(actor, _may_book, "restore credits", when, work, locate)
        except _NothingHeldError:
            return None

    # -- managing packages --------------------------------------------------------------------

    def top_up(
        self, package_id: str, credits: int, actor: Actor, *, at: datetime | None = None
    ) -> CreditPackage:
        """Add ``credits`` to a package that has not expired."""
        when = self._when(at)
        return self._manage(
            actor, "top up credits", package_id, when,
            lambda p, _: rules.top_up(p, credits, when, actor.id),
        )  # fmt: skip

    def adjust(
        self,
        package_id: str,
        credits: int,
        reason: str,
        actor: Actor,
        *,
        at: datetime | None = None,
    ) -> CreditPackage:
        """Add credits to a package, or take them away (``credits`` below zero), saying why.

        Raises:
            InsufficientBalanceError: taking them would overdraw the package.
            ValidationError: no reason, or ``credits`` is 0.
        """
        when = self._when(at)
        why = require_text(reason, "reason", max_length=500)
        return self._manage(
            actor, "adjust credits", package_id, when,
            lambda p, policy: rules.adjust(p, credits, why, when, actor.id, policy),
        )  # fmt: skip

    def pause(self, package_id: str, actor: Actor, *, at: datetime | None = None) -> CreditPackage:
        """Stop a package's credits being used, and its expiry clock."""
        when = self._when(at)
        return self._manage(
            actor, "pause credits", package_id, when, lambda p, _: rules.pause(p, when, actor.id)
        )

    def resume(self, package_id: str, actor: Actor, *, at: datetime | None = None) -> CreditPackage:
        """Let a paused package's credits be used again; its expiry moves out by the pause."""
        when = self._when(at)
        return self._manage(
            actor, "resume credits", package_id, when, lambda p, _: rules.resume(p, when, actor.id)
        )

    def extend(
        self,
        package_id: str,
        expires_at: datetime | None,
        actor: Actor,
        *,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> CreditPackage:
        """Move a package's expiry later (``None``: it never expires).

        Raises:
            ValidationError: the new expiry is not later, or the package has expired.
        """
        when = self._when(at)
        expiry = None if expires_at is None else require_aware(expires_at, "expires_at")
        return self._manage(
            actor, "extend credits", package_id, when,
            lambda p, _: rules.extend(p, expiry, when, actor.id, reason),
        )  # fmt: skip

    # -- reading ------------------------------------------------------------------------------

    def packages(self, client_id: str, actor: Actor) -> list[CreditPackage]:
        """The client's packages, oldest first."""
        return self._read(actor, client_id, lambda uow, ws: uow.credits.for_client(ws, client_id))

    def ledger(self, client_id: str, actor: Actor) -> list[CreditEntry]:
        """Every change to the client's packages, oldest first: the credit history."""
        return self._read(actor, client_id, lambda uow, ws: uow.credits.ledger(ws, client_id))

    # -- the daily job ------------------------------------------------------------------------

    def expire(self, now: datetime, actor: Actor, *, batch_size: int = 1000) -> int:
        """Expire every package whose expiry has come by ``now``, dated at its expiry; return
        how many. Only the packages due are read (an index on the expiry). Idempotent."""
        perm.require_admin(actor, "expire credits")
        now = require_aware(now, "now")
        total = 0
        while True:

            def work(uow: UnitOfWork) -> int:
                ws = actor.workspace_id
                due = uow.credits.expiring(ws, now, batch_size)
                policy = uow.workspaces.get(ws).policies.credits
                for client_id in sorted({p.client_id for p in due}):
                    ledger = _open(uow, uow.clients.get(ws, client_id), policy)
                    ledger.settle(now)
                    ledger.write()
                return len(due)

            count = self._run(work)
            total += count
            if count < batch_size:
                return total

    # -- the machinery ------------------------------------------------------------------------

    def _when(self, at: datetime | None) -> datetime:
        return self._clock() if at is None else require_aware(at, "at")

    def _manage(
        self,
        actor: Actor,
        action: str,
        package_id: str,
        when: datetime,
        change: Callable[[CreditPackage, CreditPolicy], rules.Change],
    ) -> CreditPackage:
        def locate(uow: UnitOfWork) -> str:
            return uow.credits.get(actor.workspace_id, package_id).client_id

        def work(ledger: _Ledger) -> CreditPackage:
            return ledger.apply(change(ledger.packages[package_id], ledger.policy))[0]

        return self._change(actor, _may_manage, action, when, work, locate)

    def _change(
        self,
        actor: Actor,
        check: Callable[[Actor, Client, str], None],
        action: str,
        when: datetime,
        work: _Work[_T],
        client: str | Callable[[UnitOfWork], str],
    ) -> _T:
        """Run ``work`` on the ledger of a client (its id, or a function that finds it in
        the unit of work), and write what it changed."""

        def unit(uow: UnitOfWork) -> _T:
            ws = actor.workspace_id
            found = client if isinstance(client, str) else client(uow)
            client_record = uow.clients.get(ws, found)
            check(actor, client_record, action)
            ledger = _open(uow, client_record, uow.workspaces.get(ws).policies.credits)
            ledger.settle(when)
            result = work(ledger)
            ledger.write()
            return result

        return self._run(unit)

    def _read(
        self, actor: Actor, client_id: str, read: Callable[[UnitOfWork, str], list[_T]]
    ) -> list[_T]:
        def unit(uow: UnitOfWork) -> list[_T]:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_client_access(actor, client, "see credits")
            return read(uow, client.workspace_id)

        return self._run(unit)


def _open(uow: UnitOfWork, client: Client, policy: CreditPolicy) -> _Ledger:
    packages = uow.credits.for_client(client.workspace_id, client.id)
    return _Ledger(uow, client, policy, {p.id: p for p in packages})


class _NothingHeldError(Exception):
    """The booking took no credits: there is nothing to restore."""


def _latest(entries: list[CreditEntry]) -> CreditEntry:
    """A booking's latest entry: its consumption while it holds credits, else the
    restoration that gave them back."""
    return max(entries, key=lambda e: (e.at, e.seq))
