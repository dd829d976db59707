"""Contracts: credit packages and their ledgers (seed 001), kept by every store the same way.

The ledger is the truth: whatever happens to a client's packages, each balance is the sum of
its ledger, the client's credit summary is what its packages hold, and no balance goes below
the policy's overdraft.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.errors import CRMError, InsufficientBalanceError, ValidationError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import Client, Flag
from clientcrm.models.credits import CreditEntry, CreditPackage, EntryKind, PackageState
from clientcrm.models.query import ClientQuery, SortKey
from clientcrm.models.workspace import Workspace
from clientcrm.policies import CreditPolicy, Policies
from clientcrm.rules.credits import summarise
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures, event
from clientcrm.testing.conformance.properties import SHARED_STORE, fresh_workspace

__all__ = ["CreditContract", "CreditRepositoryContract"]

T0 = datetime(2026, 1, 10, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def _client(crm: CRM, actor: Actor, email: str = "kate@example.com") -> Client:
    return crm.add_client(actor, name=email.partition("@")[0].title(), email=email)


def _check_ledger(crm: CRM, actor: Actor, client_id: str, overdraft: int = 0) -> None:
    """Each balance is its ledger's sum, never below the overdraft; the summary agrees."""
    packages = crm.credits.packages(client_id, actor)
    ledger = crm.credits.ledger(client_id, actor)
    for package in packages:
        mine = sorted((e for e in ledger if e.package_id == package.id), key=lambda e: e.seq)
        assert [e.seq for e in mine] == list(range(package.entries))
        assert sum(e.credits for e in mine) == package.balance
        assert all(e.balance >= -overdraft for e in mine)
        assert mine[-1].balance == package.balance
    assert crm.get_client(client_id, actor).credits == summarise(packages)


class CreditContract(StoreFixtures):
    """Buying, booking with, restoring, adjusting, pausing, extending and expiring credits."""

    def test_a_booking_takes_from_the_package_that_expires_first(
        self, crm: CRM, owner: Actor
    ) -> None:
        kate = _client(crm, owner)
        later = crm.credits.purchase(
            kate.id, 5, owner, name="5 classes", expires_at=T0 + 90 * DAY, at=T0
        )
        sooner = crm.credits.purchase(
            kate.id, 1, owner, name="Trial", expires_at=T0 + 30 * DAY, at=T0
        )
        entry = crm.credits.consume(kate.id, "bk-1", owner, at=T0 + DAY)
        assert (entry.package_id, entry.kind, entry.credits, entry.balance) == (
            sooner.id,
            EntryKind.CONSUME,
            -1,
            0,
        )
        assert crm.credits.consume(kate.id, "bk-1", owner, at=T0 + DAY) == entry  # once
        second = crm.credits.consume(kate.id, "bk-2", owner, at=T0 + DAY)
        assert second.package_id == later.id
        summary = crm.get_client(kate.id, owner).credits
        assert (summary.available, summary.paused, summary.purchased) == (4, 0, 6)
        _check_ledger(crm, owner, kate.id)

    def test_the_last_credit_cannot_be_taken_twice(self, crm: CRM, owner: Actor) -> None:
        kate = _client(crm, owner)
        crm.credits.purchase(kate.id, 1, owner, at=T0)
        crm.credits.consume(kate.id, "bk-1", owner, at=T0)
        before = crm.credits.ledger(kate.id, owner)
        with pytest.raises(InsufficientBalanceError) as refused:
            crm.credits.consume(kate.id, "bk-2", owner, at=T0)
        assert (refused.value.unit, refused.value.available, refused.value.requested) == (
            "credits",
            0,
            1,
        )
        assert crm.credits.ledger(kate.id, owner) == before

    def test_an_overdraft_policy_lets_a_balance_go_below_zero_so_far(
        self, crm: CRM, owner: Actor
    ) -> None:
        policies = Policies(credits=CreditPolicy(overdraft=1))
        crm.save_workspace(Workspace("ws-a", "Studio", policies=policies), owner)
        kate = _client(crm, owner)
        package = crm.credits.purchase(kate.id, 1, owner, at=T0)
        crm.credits.consume(kate.id, "bk-1", owner, at=T0)
        assert crm.credits.consume(kate.id, "bk-2", owner, at=T0).balance == -1
        with pytest.raises(InsufficientBalanceError):
            crm.credits.consume(kate.id, "bk-3", owner, at=T0)
        with pytest.raises(InsufficientBalanceError):
            crm.credits.adjust(package.id, -1, "Goodwill reversal", owner, at=T0)
        _check_ledger(crm, owner, kate.id, overdraft=1)

    def test_a_cancellation_in_time_gets_the_credit_back_and_a_late_one_does_not(
        self, crm: CRM, owner: Actor
    ) -> None:
        """The default notice is 12 hours before the booking starts."""
        starts = T0 + 3 * DAY
        for booking_id in ("early", "late"):
            crm.record(event("booked", booking_id, at=T0, starts_at=starts), owner)
        kate = crm.find_client("kate@example.com", owner)
        crm.credits.purchase(kate.id, 2, owner, at=T0)
        for booking_id in ("early", "late"):
            crm.credits.consume(kate.id, booking_id, owner, at=T0)
        back = crm.credits.restore("early", owner, at=starts - timedelta(hours=12))
        assert back is not None
        assert (back.kind, back.credits, back.booking_id) == (EntryKind.RESTORE, 1, "early")
        assert crm.credits.restore("early", owner, at=starts) == back  # once only
        late = starts - timedelta(hours=11, minutes=59)
        assert crm.credits.restore("late", owner, at=late) is None
        assert crm.credits.restore("never-booked", owner, at=T0) is None
        assert crm.get_client(kate.id, owner).credits.available == 1
        _check_ledger(crm, owner, kate.id)

    def test_adjustments_name_their_reason_and_actor(self, crm: CRM, owner: Actor) -> None:
        kate = _client(crm, owner)
        package = crm.credits.purchase(kate.id, 3, owner, at=T0)
        crm.credits.adjust(package.id, 2, "Missed class refund", owner, at=T0 + DAY)
        crm.credits.adjust(package.id, -5, "Sold by mistake", owner, at=T0 + 2 * DAY)
        with pytest.raises(InsufficientBalanceError):
            crm.credits.adjust(package.id, -1, "Too far", owner, at=T0 + 3 * DAY)
        with pytest.raises(ValidationError) as missing:
            crm.credits.adjust(package.id, 1, "  ", owner)
        assert missing.value.field == "reason"
        ledger = crm.credits.ledger(kate.id, owner)
        assert [(e.kind, e.credits, e.reason, e.actor_id) for e in ledger[1:]] == [
            (EntryKind.ADJUST, 2, "Missed class refund", owner.id),
            (EntryKind.ADJUST, -5, "Sold by mistake", owner.id),
        ]
        _check_ledger(crm, owner, kate.id)

    def test_pausing_stops_the_expiry_clock(self, crm: CRM, owner: Actor) -> None:
        """Paused for 10 days: the credits cannot be used meanwhile, the package does not
        expire, and it expires 10 days later than it would have."""
        kate = _client(crm, owner)
        package = crm.credits.purchase(kate.id, 4, owner, expires_at=T0 + 30 * DAY, at=T0)
        crm.credits.pause(package.id, owner, at=T0 + 20 * DAY)
        assert crm.get_client(kate.id, owner).credits.paused == 4
        with pytest.raises(InsufficientBalanceError):
            crm.credits.consume(kate.id, "bk-1", owner, at=T0 + 21 * DAY)
        assert crm.credits.expire(T0 + 31 * DAY, owner) == 0
        resumed = crm.credits.resume(package.id, owner, at=T0 + 30 * DAY)
        assert resumed.expires_at == T0 + 40 * DAY
        assert resumed.state is PackageState.ACTIVE
        with pytest.raises(ValidationError):
            crm.credits.resume(package.id, owner, at=T0 + 31 * DAY)
        _check_ledger(crm, owner, kate.id)

    def test_the_daily_job_expires_packages_at_their_expiry(self, crm: CRM, owner: Actor) -> None:
        kate = _client(crm, owner)
        package = crm.credits.purchase(kate.id, 5, owner, expires_at=T0 + 30 * DAY, at=T0)
        crm.credits.consume(kate.id, "bk-1", owner, at=T0 + DAY)
        extended = crm.credits.extend(
            package.id, T0 + 60 * DAY, owner, reason="Injury", at=T0 + 2 * DAY
        )
        assert extended.expires_at == T0 + 60 * DAY
        with pytest.raises(ValidationError):
            crm.credits.extend(package.id, T0 + 50 * DAY, owner)
        report = crm.run_scheduled(T0 + 100 * DAY, owner)
        assert report.credits_expired == 1
        assert crm.run_scheduled(T0 + 100 * DAY, owner).credits_expired == 0
        [expired] = crm.credits.packages(kate.id, owner)
        assert (expired.state, expired.expired_at, expired.balance) == (
            PackageState.EXPIRED,
            T0 + 60 * DAY,
            0,
        )
        last = crm.credits.ledger(kate.id, owner)[-1]
        assert (last.kind, last.credits, last.at) == (EntryKind.EXPIRE, -4, T0 + 60 * DAY)
        with pytest.raises(ValidationError):
            crm.credits.top_up(package.id, 1, owner)
        _check_ledger(crm, owner, kate.id)

    def test_tabs_ranges_sorting_and_totals(self, crm: CRM, owner: Actor) -> None:
        """Seed 001's tabs: with credits, paused credits, no credits, inactive; a credits
        range; sorting by credits bought; the dashboard's totals."""
        ana, ben, cy, dee = (_client(crm, owner, f"{n}@example.com") for n in "abcd")
        crm.credits.purchase(ana.id, 10, owner, at=T0)
        crm.credits.purchase(ben.id, 3, owner, at=T0)
        paused = crm.credits.purchase(cy.id, 20, owner, at=T0)
        crm.credits.pause(paused.id, owner, at=T0)
        crm.flag(dee.id, Flag.INACTIVE, owner)

        def emails(query: ClientQuery) -> list[str]:
            return [c.email for c in crm.list_clients(query, owner).clients]

        assert sorted(emails(ClientQuery(has_credits=True))) == ["a@example.com", "b@example.com"]
        assert emails(ClientQuery(paused_credits=True)) == ["c@example.com"]
        assert sorted(emails(ClientQuery(has_credits=False))) == ["c@example.com"]
        assert emails(ClientQuery(flags=[Flag.INACTIVE])) == ["d@example.com"]
        assert emails(ClientQuery(credits_min=4, credits_max=10)) == ["a@example.com"]
        assert emails(ClientQuery(sort=SortKey.PURCHASED_CREDITS))[:3] == [
            "c@example.com",
            "a@example.com",
            "b@example.com",
        ]
        first = crm.list_clients(ClientQuery(sort=SortKey.CREDITS, limit=1), owner)
        assert [c.email for c in first.clients] == ["a@example.com"]
        rest = ClientQuery(sort=SortKey.CREDITS, limit=1, cursor=first.next_cursor)
        assert [c.email for c in crm.list_clients(rest, owner).clients] == ["b@example.com"]
        crm.record(event("booked", "b1"), owner)
        crm.record(event("completed", "b1"), owner)
        crm.record(event("paid", "b1", amount="18.50"), owner)
        totals = crm.totals(owner)
        assert (totals.customers, totals.with_credits, totals.bookings) == (5, 2, 1)
        assert str(totals.revenue) == "18.50"

    def test_a_merge_moves_the_losers_packages_and_an_unmerge_gives_them_back(
        self, crm: CRM, owner: Actor
    ) -> None:
        kate, other = _client(crm, owner), _client(crm, owner, "k.smith@example.com")
        crm.credits.purchase(kate.id, 2, owner, at=T0)
        package = crm.credits.purchase(other.id, 5, owner, at=T0)
        crm.credits.consume(other.id, "bk-1", owner, at=T0 + DAY)
        merge = crm.merge(kate.id, other.id, owner)
        assert crm.get_client(kate.id, owner).credits.available == 6
        assert {p.id for p in crm.credits.packages(kate.id, owner)} >= {package.id}
        _check_ledger(crm, owner, kate.id)
        crm.unmerge(merge.id, owner)
        assert [p.id for p in crm.credits.packages(other.id, owner)] == [package.id]
        assert crm.get_client(kate.id, owner).credits.available == 2
        _check_ledger(crm, owner, other.id)

    def test_only_owners_and_admins_manage_packages(self, crm: CRM, owner: Actor) -> None:
        kate = _client(crm, owner)
        package = crm.credits.purchase(kate.id, 2, owner, at=T0)
        staff = Actor("s1", "ws-a", Role.STAFF)
        member = Actor("m1", "ws-a", Role.MEMBER, email="kate@example.com")
        stranger = Actor("m2", "ws-a", Role.MEMBER, email="someone@example.com")
        for actor in (staff, member):
            with pytest.raises(CRMError):
                crm.credits.top_up(package.id, 1, actor)
        assert crm.credits.consume(kate.id, "bk-1", member, at=T0).credits == -1
        with pytest.raises(CRMError):
            crm.credits.packages(kate.id, stranger)
        with pytest.raises(CRMError):
            crm.credits.consume(kate.id, "bk-2", staff, at=T0)  # no add_participants

    @SHARED_STORE
    @given(data=st.data())
    def test_any_sequence_of_changes_keeps_the_ledger_true(
        self, crm: CRM, data: st.DataObject
    ) -> None:
        """Whatever is done, in whatever order, and whichever changes are refused: every
        balance is its ledger's sum, never below zero, and the summary agrees."""
        actor = fresh_workspace(crm)
        kate = _client(crm, actor)
        packages: list[str] = []
        at = T0
        for step in range(data.draw(st.integers(1, 12))):
            at += timedelta(hours=data.draw(st.integers(0, 24 * 20)))
            action = data.draw(st.sampled_from(_ACTIONS if packages else ("purchase",)))
            package_id = data.draw(st.sampled_from(packages)) if packages else ""
            number = data.draw(st.integers(-3, 6))
            try:
                if action == "purchase":
                    expiry = at + timedelta(days=data.draw(st.integers(1, 60)))
                    made = crm.credits.purchase(kate.id, number, actor, expires_at=expiry, at=at)
                    packages.append(made.id)
                elif action == "consume":
                    crm.credits.consume(kate.id, f"bk-{step % 4}", actor, credits=1, at=at)
                elif action == "restore":
                    crm.credits.restore(f"bk-{step % 4}", actor, at=at)
                elif action == "adjust":
                    crm.credits.adjust(package_id, number, "Test", actor, at=at)
                elif action == "top_up":
                    crm.credits.top_up(package_id, number, actor, at=at)
                elif action in ("pause", "resume"):
                    getattr(crm.credits, action)(package_id, actor, at=at)
                elif action == "extend":
                    crm.credits.extend(package_id, at + 30 * DAY, actor, at=at)
                else:
                    crm.run_scheduled(at, actor)
            except (InsufficientBalanceError, ValidationError):
                pass  # refused: nothing changed, which the checks below also see
            _check_ledger(crm, actor, kate.id)


_ACTIONS = (
    "purchase", "consume", "restore", "adjust", "top_up", "pause", "resume", "extend", "run",
)  # fmt: skip


class CreditRepositoryContract(StoreFixtures):
    """`clientcrm.ports.CreditRepository`: packages and ledgers, stored and found by key."""

    def test_saved_packages_and_entries_read_back(self, crm: CRM, owner: Actor) -> None:
        kate = _client(crm, owner)
        package = CreditPackage("p-1", "ws-a", kate.id, "Pass", T0, 5, 4, T0 + 30 * DAY, entries=2)
        entries = [
            CreditEntry("ws-a", "p-1", kate.id, 0, EntryKind.PURCHASE, 5, 5, T0, "owner"),
            CreditEntry(
                "ws-a", "p-1", kate.id, 1, EntryKind.CONSUME, -1, 4, T0 + DAY, booking_id="b-1"
            ),
        ]
        with crm.store.unit_of_work() as uow:
            uow.credits.save([package], entries)
            uow.commit()
        with crm.store.unit_of_work() as uow:
            assert uow.credits.get("ws-a", "p-1") == package
            assert uow.credits.for_client("ws-a", kate.id) == [package]
            assert uow.credits.ledger("ws-a", kate.id) == entries
            assert uow.credits.for_booking("ws-a", "b-1") == entries[1:]
            assert uow.credits.expiring("ws-a", T0 + 30 * DAY, 10) == [package]
            assert uow.credits.expiring("ws-a", T0 + 29 * DAY, 10) == []
            assert uow.credits.for_client("ws-b", kate.id) == []

    def test_an_entry_is_written_once(self, crm: CRM, owner: Actor) -> None:
        kate = _client(crm, owner)
        crm.credits.purchase(kate.id, 1, owner, at=T0, package_id="p-1")
        [entry] = crm.credits.ledger(kate.id, owner)

        def write_again() -> None:
            with crm.store.unit_of_work() as uow:
                uow.credits.save([], [entry])
                uow.commit()

        with pytest.raises(CRMError):
            write_again()
        assert crm.credits.ledger(kate.id, owner) == [entry]
