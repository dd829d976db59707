"""The CRM facade's rules: clients, flags, tags, notes, limits, events."""

import time
import uuid
from datetime import timedelta

import attrs
import pytest

from clientcrm import (
    CRM,
    Actor,
    BlockedClientError,
    DuplicateClientError,
    Flag,
    NotFoundError,
    PlanLimitError,
    Source,
    ValidationError,
    Workspace,
)
from clientcrm.models.events import BookingRecorded, ClientCreated, DomainEvent, StageChanged
from clientcrm.models.query import ClientQuery
from clientcrm.service.crm import _new_id
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance import event


def test_bookings_create_clients_by_normalised_email(crm: CRM, owner: Actor) -> None:
    """A guest booking creates the client; the same email in another case links to it."""
    first = crm.record(event("booked", "b1", email="Guest@Example.com", name=None), owner)
    second = crm.record(event("completed", "b2", email="guest@example.COM"), owner)
    assert first.id == second.id
    assert first.name == "guest"
    assert first.source is Source.BOOKING
    assert second.figures.bookings == 1


def test_manual_add_requires_a_unique_email(crm: CRM, owner: Actor) -> None:
    """Adding an email that exists raises DuplicateClientError naming the existing client."""
    kate = crm.add_client(owner, name="Kate", email="kate@example.com", phone="07700 900123")
    assert kate.phone == "+447700900123"
    with pytest.raises(DuplicateClientError) as caught:
        crm.add_client(owner, name="Other Kate", email=" KATE@example.com")
    assert caught.value.existing_client_id == kate.id
    for bad in ({"name": " ", "email": "x@example.com"}, {"name": "X", "email": "nope"}):
        with pytest.raises(ValidationError):
            crm.add_client(owner, **bad)
    with pytest.raises(ValidationError) as phone:
        crm.add_client(owner, name="X", email="x@example.com", phone="12")
    assert phone.value.field == "phone"
    assert crm.list_clients(ClientQuery(), owner).clients == [kate]


def test_blocked_clients_refuse_new_bookings(crm: CRM, owner: Actor) -> None:
    """BLOCKED refuses a new booking, but the client's existing bookings still update."""
    kate = crm.record(event("booked", "b1"), owner)
    crm.flag(kate.id, Flag.BLOCKED, owner)
    with pytest.raises(BlockedClientError):
        crm.record(event("booked", "b2"), owner)
    assert crm.record(event("completed", "b1"), owner).figures.bookings == 1
    crm.flag(kate.id, Flag.BLOCKED, owner, on=False)
    assert crm.record(event("booked", "b2"), owner).figures.bookings == 1


def test_the_plan_limit_holds(crm: CRM, owner: Actor) -> None:
    """A free plan of 2 clients refuses the third, by booking and by hand."""
    crm.save_workspace(Workspace("ws-a", "Free", client_limit=2), owner)
    crm.record(event("booked", "b1", email="a@example.com"), owner)
    crm.add_client(owner, name="B", email="b@example.com")
    with pytest.raises(PlanLimitError):
        crm.record(event("booked", "b3", email="c@example.com"), owner)
    with pytest.raises(PlanLimitError):
        crm.add_client(owner, name="C", email="c@example.com")
    assert crm.record(event("booked", "b4", email="a@example.com"), owner).email == "a@example.com"


def test_money_in_another_currency_is_refused(crm: CRM, owner: Actor) -> None:
    """A payment in a currency other than the workspace's changes nothing."""
    with pytest.raises(ValidationError) as caught:
        crm.record(event("paid", "b1", amount="10.00", currency="USD"), owner)
    assert caught.value.field == "amount"
    with pytest.raises(NotFoundError):
        crm.find_client("kate@example.com", owner)


def test_a_booking_cannot_change_hands(crm: CRM, owner: Actor) -> None:
    """An event naming another email for a known booking is refused."""
    crm.record(event("booked", "b1"), owner)
    with pytest.raises(ValidationError) as caught:
        crm.record(event("completed", "b1", email="someone@example.com"), owner)
    assert caught.value.field == "email"
    with pytest.raises(NotFoundError):
        crm.find_client("someone@example.com", owner)


def test_notes_are_limited_and_ordered(crm: CRM, owner: Actor, clock: FrozenClock) -> None:
    """2,000 characters is the limit; pinned first, then newest first."""
    kate = crm.record(event("booked", "b1"), owner)
    crm.add_note(kate.id, "x" * 2000, owner)
    with pytest.raises(ValidationError) as caught:
        crm.add_note(kate.id, "x" * 2001, owner)
    assert caught.value.field == "text"
    clock.advance(minutes=1)
    older = crm.add_note(kate.id, "older", owner)
    clock.advance(minutes=1)
    crm.add_note(kate.id, "newest", owner)
    crm.pin_note(older.id, owner)
    assert [n.text[:6] for n in crm.notes(kate.id, owner)] == ["older", "newest", "x" * 6]
    edited = crm.edit_note(older.id, "edited", owner)
    assert edited.updated_at > edited.created_at


def test_tags_are_cleaned(crm: CRM, owner: Actor) -> None:
    """Tags are trimmed with inner spaces collapsed; untagging removes only those given."""
    kate = crm.record(event("booked", "b1"), owner)
    kate = crm.tag(kate.id, ["  Recurring   weekly ", "Injury"], owner)
    assert kate.tags == {"Recurring weekly", "Injury"}
    assert crm.untag(kate.id, ["Injury", "absent"], owner).tags == {"Recurring weekly"}
    with pytest.raises(ValidationError):
        crm.tag(kate.id, [" "], owner)


def test_edit_client_changes_only_what_is_given(crm: CRM, owner: Actor) -> None:
    """Editing the name keeps the email; a taken email is refused."""
    kate = crm.add_client(owner, name="Kate", email="kate@example.com")
    crm.add_client(owner, name="Ben", email="ben@example.com")
    renamed = crm.edit_client(kate.id, owner, name="Katherine", custom={"level": 2})
    assert (renamed.name, renamed.email, renamed.custom) == ("Katherine", kate.email, {"level": 2})
    with pytest.raises(DuplicateClientError):
        crm.edit_client(kate.id, owner, email="ben@example.com")
    moved = crm.edit_client(kate.id, owner, email="kate@new.example.com")
    assert crm.find_client("kate@new.example.com", owner).id == moved.id
    with pytest.raises(NotFoundError):
        crm.find_client("kate@example.com", owner)


def test_events_reach_subscribers_after_commit_only(crm: CRM, owner: Actor) -> None:
    """Subscribers hear of committed work, and of nothing that rolled back."""
    heard: list[DomainEvent] = []
    crm.subscribe(heard.append)
    crm.record(event("booked", "b1"), owner)
    assert [type(e) for e in heard] == [ClientCreated, BookingRecorded, StageChanged]
    crm.save_workspace(Workspace("ws-a", "Full", client_limit=1), owner)
    heard.clear()
    with pytest.raises(PlanLimitError):
        crm.record_many(
            [event("booked", "b2"), event("booked", "b3", email="n@example.com")], owner
        )
    assert heard == []


def test_rebuild_repairs_figures_that_drifted(crm: CRM, owner: Actor) -> None:
    """Figures corrupted behind the CRM's back are found and repaired by rebuild."""
    kate = crm.record(event("completed", "b1"), owner)
    with crm.store.unit_of_work() as uow:
        broken = attrs.evolve(kate, figures=attrs.evolve(kate.figures, bookings=7))
        uow.clients.update_figures([broken])
        uow.commit()
    report = crm.rebuild(owner)
    assert [r.client_id for r in report.repaired] == [kate.id]
    assert report.repaired[0].stored.bookings == 7
    assert crm.get_client(kate.id, owner).figures.bookings == 1
    assert crm.rebuild(owner).repaired == []


def test_client_detail(crm: CRM, owner: Actor, clock: FrozenClock) -> None:
    """The detail has the pill, quick stats and bookings oldest first."""
    start = clock.now - timedelta(days=3)
    for n in range(3):
        at = start + timedelta(hours=n)
        crm.record(event("completed", f"b{n}", at=at, starts_at=at), owner)
        crm.record(event("paid", f"b{n}", at=at, starts_at=at, amount="15.00"), owner)
    kate = crm.find_client("kate@example.com", owner)
    detail = crm.client_detail(kate.id, owner)
    assert detail.status == "active"
    assert detail.growing is True
    assert [b.id for b in detail.bookings] == ["b0", "b1", "b2"]
    assert str(detail.stats.total_spend) == "45.00"


def test_new_ids_are_uuid7_and_ordered_by_creation() -> None:
    """Ids are UUIDv7 hex: unique, and later ones sort after earlier ones (by millisecond)."""
    ids = []
    for _ in range(3):
        ids += [_new_id() for _ in range(200)]
        time.sleep(0.002)
    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(hex=i) for i in ids]
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert all(i == u.hex for i, u in zip(ids, parsed, strict=True))
    assert max(ids[:200]) < min(ids[200:400]) < min(ids[400:])
