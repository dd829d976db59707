"""Merging clients: what moves, where later bookings go, what the timeline says, undoing."""

import pytest

from clientcrm import CRM, Actor, Flag, PermissionDeniedError, ValidationError
from clientcrm.models.actor import Role
from clientcrm.models.timeline import FeedKind, TimelineQuery
from clientcrm.testing.conformance import event


@pytest.fixture
def pair(crm: CRM, owner: Actor) -> tuple[str, str]:
    kate = crm.record(event("completed", "b1", amount=None), owner)
    crm.record(event("paid", "b1", amount="20.00"), owner)
    other = crm.record(
        event("completed", "b2", email="katesmith+yoga@gmail.com", name="Katherine Smith"), owner
    )
    crm.record(event("paid", "b2", email="katesmith+yoga@gmail.com", amount="15.50"), owner)
    crm.flag(other.id, Flag.VIP, owner)
    crm.tag(other.id, ["Injury"], owner)
    crm.add_note(other.id, "Knee injury", owner)
    return kate.id, other.id


def test_merge_moves_everything_and_routes_later_bookings(
    crm: CRM, owner: Actor, pair: tuple[str, str]
) -> None:
    """Bookings, spend, flags, tags and notes move; the loser's email books the survivor."""
    kate_id, other_id = pair
    merge = crm.merge(kate_id, other_id, owner)
    kate = crm.get_client(kate_id, owner)
    assert (kate.figures.bookings, kate.figures.spend) == (2, 35.5)
    assert "katesmith+yoga@gmail.com" in kate.aliases
    assert Flag.VIP in kate.flags
    assert "Injury" in kate.tags
    assert [n.text for n in crm.notes(kate_id, owner)] == ["Knee injury"]
    later = crm.record(event("booked", "b3", email="katesmith+yoga@gmail.com"), owner)
    assert later.id == kate_id
    [entry] = crm.timeline(kate_id, owner, TimelineQuery(kinds=frozenset({FeedKind.MERGE}))).items
    assert entry.title == "Merged"
    assert entry.detail.endswith("<katesmith+yoga@gmail.com> merged into this client")
    assert crm.merges(kate_id, owner) == [merge]


def test_unmerge_restores_both_and_keeps_later_bookings_with_the_survivor(
    crm: CRM, owner: Actor, pair: tuple[str, str]
) -> None:
    """After undoing, each client has its own again; what came after stays with the survivor."""
    kate_id, other_id = pair
    merge = crm.merge(kate_id, other_id, owner)
    crm.record(event("completed", "b3"), owner)
    crm.unmerge(merge.id, owner)
    assert crm.unmerge(merge.id, owner).undone_at is not None  # idempotent
    kate, other = crm.get_client(kate_id, owner), crm.get_client(other_id, owner)
    assert (kate.figures.bookings, other.figures.bookings) == (2, 1)
    assert (other.aliases, kate.aliases) == (frozenset(), frozenset())
    assert (Flag.VIP in other.flags, Flag.VIP in kate.flags) == (True, False)
    merges = crm.timeline(other_id, owner, TimelineQuery(kinds=frozenset({FeedKind.MERGE})))
    assert [e.title for e in merges.items] == ["Unmerged"]


def test_a_later_merge_blocks_undoing_an_earlier_one(
    crm: CRM, owner: Actor, pair: tuple[str, str]
) -> None:
    """Undo is possible only until another merge touches either client."""
    kate_id, other_id = pair
    first = crm.merge(kate_id, other_id, owner)
    third = crm.record(event("booked", "b9", email="k.smith@work.example"), owner)
    second = crm.merge(kate_id, third.id, owner)
    with pytest.raises(ValidationError, match="undo it first"):
        crm.unmerge(first.id, owner)
    crm.unmerge(second.id, owner)
    crm.unmerge(first.id, owner)
    assert crm.get_client(other_id, owner).figures.bookings == 1


def test_merge_refuses_itself_and_non_admins(crm: CRM, owner: Actor, pair: tuple[str, str]) -> None:
    """A client is not merged into itself; staff who are not admins may not merge."""
    kate_id, other_id = pair
    with pytest.raises(ValidationError, match="loser_id"):
        crm.merge(kate_id, kate_id, owner)
    staff = Actor("t1", owner.workspace_id, Role.STAFF)
    with pytest.raises(PermissionDeniedError):
        crm.merge(kate_id, other_id, staff)
    assert crm.get_client(other_id, owner).figures.bookings == 1
