"""Who may do what (SPEC section 13), through every CRM method."""

import pytest

from clientcrm import (
    CRM,
    Actor,
    Client,
    Flag,
    NoteVisibility,
    Permission,
    PermissionDeniedError,
    Role,
    Workspace,
)
from clientcrm.models.query import ClientQuery
from clientcrm.policies import NotePolicy, Policies
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance import event


@pytest.fixture
def kate(crm: CRM, owner: Actor) -> Client:
    return crm.record(event("completed", "k1"), owner)


@pytest.fixture
def ben(crm: CRM, owner: Actor) -> Client:
    return crm.record(event("completed", "b1", email="ben@example.com", name="Ben"), owner)


def staff(*permissions: Permission, actor_id: str = "s1") -> Actor:
    return Actor(actor_id, "ws-a", Role.STAFF, frozenset(permissions))


def member_for(client: Client) -> Actor:
    return Actor("m1", "ws-a", Role.MEMBER, email=client.email)


def test_private_note_is_its_authors_alone(
    crm: CRM, owner: Actor, kate: Client, clock: FrozenClock
) -> None:
    """Another staff member with view_notes, and the owner, do not see a private note."""
    teacher = staff(Permission.VIEW_NOTES, actor_id="teacher")
    crm.add_note(kate.id, "Nervous about backbends", teacher, visibility=NoteVisibility.PRIVATE)
    clock.advance(minutes=1)
    crm.add_note(kate.id, "Prefers the 6 pm class", teacher, visibility=NoteVisibility.TEAM)
    other = staff(Permission.VIEW_NOTES, actor_id="other")
    assert [n.text for n in crm.notes(kate.id, teacher)] == [
        "Prefers the 6 pm class",
        "Nervous about backbends",
    ]
    assert [n.text for n in crm.notes(kate.id, other)] == ["Prefers the 6 pm class"]
    assert [n.text for n in crm.notes(kate.id, owner)] == ["Prefers the 6 pm class"]


def test_members_see_no_notes_and_only_themselves(
    crm: CRM, owner: Actor, kate: Client, ben: Client
) -> None:
    """A member lists only their own record and cannot open another client or any notes."""
    crm.add_note(kate.id, "team note", owner, visibility=NoteVisibility.TEAM)
    member = member_for(kate)
    assert [c.id for c in crm.list_clients(ClientQuery(), member).clients] == [kate.id]
    assert crm.client_detail(kate.id, member).client.id == kate.id
    for call in (
        lambda: crm.client_detail(ben.id, member),
        lambda: crm.get_client(ben.id, member),
        lambda: crm.find_client(ben.email, member),
        lambda: crm.notes(kate.id, member),
        lambda: crm.add_note(kate.id, "hi", member),
        lambda: crm.tag(kate.id, ["x"], member),
        lambda: crm.flag(kate.id, Flag.VIP, member),
        lambda: crm.edit_client(kate.id, member, name="Me"),
        lambda: crm.rebuild(member),
        lambda: crm.record(event("booked", "m-9", email=ben.email), member),
    ):
        with pytest.raises(PermissionDeniedError):
            call()


def test_member_books_for_themselves(crm: CRM, kate: Client) -> None:
    """A member may record their own booking, and it lands on their record."""
    client = crm.record(event("booked", "own-1", email=kate.email), member_for(kate))
    assert client.id == kate.id


def test_staff_need_named_permissions(crm: CRM, kate: Client) -> None:
    """Staff without add_participants or view_notes are refused those actions."""
    bare = staff()
    with pytest.raises(PermissionDeniedError):
        crm.add_client(bare, name="New", email="new@example.com")
    with pytest.raises(PermissionDeniedError):
        crm.record(event("booked", "x1", email="x@example.com"), bare)
    with pytest.raises(PermissionDeniedError):
        crm.notes(kate.id, bare)
    with pytest.raises(PermissionDeniedError):
        crm.flag(kate.id, Flag.VIP, staff(Permission.ADD_PARTICIPANTS))
    allowed = staff(Permission.ADD_PARTICIPANTS)
    assert crm.add_client(allowed, name="New", email="new@example.com").name == "New"
    assert crm.get_client(kate.id, bare).id == kate.id


def test_only_the_author_edits_or_deletes(crm: CRM, owner: Actor, kate: Client) -> None:
    """Edit and delete are the author's; an owner may delete team notes only by policy."""
    teacher = staff(Permission.VIEW_NOTES, actor_id="teacher")
    note = crm.add_note(kate.id, "Knee", teacher, visibility=NoteVisibility.TEAM)
    with pytest.raises(PermissionDeniedError):
        crm.edit_note(note.id, "changed", owner)
    with pytest.raises(PermissionDeniedError):
        crm.delete_note(note.id, owner)
    lenient = Policies(notes=NotePolicy(owner_can_delete=True))
    crm.save_workspace(
        Workspace("ws-a", "Studio A", timezone="Europe/London", policies=lenient), owner
    )
    crm.delete_note(note.id, owner)
    assert crm.notes(kate.id, teacher) == []
