"""Smart client detection in the booking flow, the pending queue, and remembered decisions."""

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from clientcrm import CRM, Actor, ClientQuery, Workspace
from clientcrm.errors import ValidationError
from clientcrm.matching.block import client_keys
from clientcrm.models.events import BookingEvent
from clientcrm.models.merging import MatchStatus
from clientcrm.models.timeline import FeedKind, TimelineQuery
from clientcrm.policies import MatchMode, MatchPolicy, Policies
from clientcrm.service.detection import Detector, incoming_keys
from clientcrm.stores.memory import MemoryStore
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.conformance import event

KATE = {"email": "kate.smith@gmail.com", "name": "Kate Smith"}


@pytest.fixture(params=["memory", "sqlite"])
def crm(request: pytest.FixtureRequest, clock: FrozenClock, tmp_path: Path) -> Iterator[CRM]:
    store = MemoryStore() if request.param == "memory" else SQLStore(f"sqlite:///{tmp_path}/s.db")
    crm = CRM(store, clock=clock)
    workspace = Workspace("ws-a", "Studio A", timezone="Europe/London", phone_region="GB")
    crm.save_workspace(workspace, Actor.owner("ws-a"))
    yield crm
    store.close()


@pytest.fixture
def kate(crm: CRM, owner: Actor) -> str:
    booked = attrs.evolve(event("booked", "b1", **KATE), phone="+44 7700 900123")
    return crm.record(booked, owner).id


def _held(crm: CRM, owner: Actor, client_id: str) -> int:
    return len(crm.client_detail(client_id, owner).bookings)


def _booking(booking_id: str, email: str, name: str, phone: str | None = None) -> BookingEvent:
    return attrs.evolve(event("booked", booking_id, email=email, name=name), phone=phone)


def test_exact_match_links_and_keeps_the_new_email_as_an_alias(
    crm: CRM, owner: Actor, kate: str
) -> None:
    """Same name and same phone: the booking is Kate's, and the new email routes to her."""
    linked = crm.record(_booking("b2", "kate@work.example", "Kate Smith", "07700 900123"), owner)
    assert linked.id == kate
    assert "kate@work.example" in linked.aliases
    assert _held(crm, owner, kate) == 2
    assert crm.pending_matches(owner) == []
    assert _recorded(crm, owner, kate)[0] == "Match linked"


def test_partial_match_waits_in_the_queue_with_a_provisional_client(
    crm: CRM, owner: Actor, kate: str
) -> None:
    """Katherine Smith on a Gmail variant: a pending match, the booking held meanwhile."""
    incoming = _booking("b2", "katesmith+yoga@gmail.com", "Katherine Smith", "+447700900123")
    provisional = crm.record(incoming, owner)
    assert provisional.id != kate
    assert _held(crm, owner, provisional.id) == 1
    (review,) = crm.pending_matches(owner)
    assert (review.client.id, review.candidate.id) == (provisional.id, kate)
    assert 0.75 <= review.match.score < 1.0
    assert {r.feature for r in review.match.reasons} >= {"name", "email", "phone"}
    assert _recorded(crm, owner, provisional.id)[0] == "Match pending"


def test_use_existing_merges_and_is_idempotent(crm: CRM, owner: Actor, kate: str) -> None:
    """Use Existing merges the provisional client away; repeating it changes nothing."""
    crm.record(_booking("b2", "katesmith+yoga@gmail.com", "Katherine Smith"), owner)
    (review,) = crm.pending_matches(owner)
    decided = crm.use_existing(review.match.id, owner)
    assert crm.use_existing(review.match.id, owner) == decided
    assert _held(crm, owner, kate) == 2
    later = crm.record(_booking("b3", "katesmith+yoga@gmail.com", "Katherine Smith"), owner)
    assert later.id == kate
    assert crm.pending_matches(owner) == []
    with pytest.raises(ValidationError, match="already decided"):
        crm.create_new(review.match.id, owner)
    recorded = _recorded(crm, owner, kate)
    assert "Match decided" in recorded
    assert "Merged" in recorded


def test_a_merged_phone_is_an_alias_that_finds_the_client(
    crm: CRM, owner: Actor, kate: str
) -> None:
    """The loser's phone stays with the survivor: a later booking with it links to her, a
    search by it finds her, and undoing the merge takes it back."""
    work = crm.record(_booking("b2", "k.smith@work.example", "Kate Smith", "07700 900999"), owner)
    merge = crm.merge(kate, work.id, owner)
    merged = crm.get_client(kate, owner)
    assert (merged.phone, merged.phone_aliases) == ("+447700900123", {"+447700900999"})
    later = crm.record(_booking("b3", "kate@new.example", "Kate Smith", "+44 7700 900999"), owner)
    assert later.id == kate
    found = crm.list_clients(ClientQuery(search="7700 900999"), owner).clients
    assert [c.id for c in found] == [kate]
    crm.unmerge(merge.id, owner)
    assert crm.get_client(kate, owner).phone_aliases == frozenset()
    assert crm.get_client(work.id, owner).phone == "+447700900999"


def test_create_new_is_remembered_until_a_record_changes(crm: CRM, owner: Actor, kate: str) -> None:
    """A pair said to be different is not suggested by bulk deduplication until one of the
    two changes its name, email or phone."""
    other = crm.record(
        _booking("b2", "katesmith+yoga@gmail.com", "Katherine Smith", "+447700900123"), owner
    )
    (review,) = crm.pending_matches(owner)
    assert crm.find_duplicates(owner).clusters, "before the decision, the pair is a duplicate"
    crm.create_new(review.match.id, owner)
    assert crm.find_duplicates(owner).clusters == ()
    assert crm.pending_matches(owner) == []
    crm.edit_client(other.id, owner, name="Kathy Smith")
    assert crm.find_duplicates(owner).clusters != ()


def test_ignore_dismisses_without_deciding(crm: CRM, owner: Actor, kate: str) -> None:
    """Ignore closes the suggestion and keeps both clients."""
    provisional = crm.record(_booking("b2", "katesmith+yoga@gmail.com", "Katherine Smith"), owner)
    (review,) = crm.pending_matches(owner)
    assert crm.ignore_match(review.match.id, owner).status is MatchStatus.IGNORED
    assert crm.pending_matches(owner) == []
    assert (_held(crm, owner, provisional.id), _held(crm, owner, kate)) == (1, 1)


def test_both_emails_in_one_batch_are_still_matched(crm: CRM, owner: Actor) -> None:
    """A client made earlier in the same batch is a candidate too."""
    first = attrs.evolve(event("booked", "b1", **KATE), phone="+447700900123")
    second = _booking("b2", "kate@work.example", "Kate Smith", "07700 900123")
    summary = crm.record_many([first, second], owner)
    assert summary.clients_created == 1
    assert crm.find_client("kate@work.example", owner).email == KATE["email"]


def test_a_key_half_the_workspace_holds_neither_floods_nor_hides_the_match(
    crm: CRM, owner: Actor
) -> None:
    """Many clients book from one company domain: that key singles nobody out, and the
    client who shares the booking's phone is still found among them."""
    colleagues = [_booking(f"c{n}", f"k{n}@acme.example", f"Kim Park{n}") for n in range(150)]
    crm.record_many(colleagues, owner)
    kate = crm.record(_booking("b1", "kate@acme.example", "Kate Smith", "07700 900123"), owner)
    later = crm.record(_booking("b2", "k.smith@acme.example", "Kate Smith", "07700900123"), owner)
    assert later.id == kate.id
    keys = incoming_keys(_booking("b3", "kim@acme.example", "Kim Lee"), crm.workspace(owner))
    with crm.store.unit_of_work() as uow:
        assert "d:acme.example:k" in keys
        assert Detector(uow, crm.workspace(owner)).candidates(keys) == []


def test_every_new_client_is_indexed_under_its_own_keys(crm: CRM, owner: Actor) -> None:
    """Keys a batch reuses from the booking are the keys of the client it made, whatever
    form the booking's name and phone came in."""
    bookings = [
        _booking("b1", "ana@studio.example", "Ana Lima", "+447700900111"),
        _booking("b2", "bo@studio.example", "Bo Chen", "07700 900222"),
        _booking("b3", "cy.diaz@studio.example", None, "+44 7700 900333"),
        _booking("b4", "dee@gmail.com", "Dee Okafor", "not a phone"),
    ]
    crm.record_many(bookings, owner)
    region = crm.workspace(owner).phone_region
    with crm.store.unit_of_work() as uow:
        for client in uow.clients.iter_workspace("ws-a"):
            keys = client_keys(client, region)
            held = uow.matches.holders("ws-a", keys, 10)
            assert keys, client.name
            assert all(client.id in held.get(key, ()) for key in keys), client.name


def test_email_only_mode_never_links_or_suggests(crm: CRM, owner: Actor, kate: str) -> None:
    """In email_only mode an unknown email is always a new client."""
    workspace = crm.workspace(owner)
    policies = attrs.evolve(workspace.policies, matching=MatchPolicy(MatchMode.EMAIL_ONLY))
    crm.save_workspace(attrs.evolve(workspace, policies=policies), owner)
    same = crm.record(_booking("b2", "kate@work.example", "Kate Smith", "07700 900123"), owner)
    assert same.id != kate
    assert crm.pending_matches(owner) == []
    assert Policies().matching.mode is MatchMode.SMART


def _recorded(crm: CRM, owner: Actor, client_id: str) -> list[str]:
    """The titles of the client's merges and matches on the timeline, newest first."""
    kinds = frozenset({FeedKind.MERGE, FeedKind.MATCH})
    return [i.title for i in crm.timeline(client_id, owner, TimelineQuery(kinds=kinds)).items]
