"""Contracts of the merge, timeline and match repositories, as the ports state them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from clientcrm.errors import NotFoundError
from clientcrm.models.client import Client
from clientcrm.models.merging import Distinction, MatchStatus, Merge, PendingMatch, Reason
from clientcrm.models.timeline import EntryKind, TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.ports import Store, UnitOfWork
from clientcrm.testing.conformance.base import StoreFixtures

__all__ = ["MatchRepositoryContract", "MergeRepositoryContract", "TimelineRepositoryContract"]

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _client(client_id: str, ws: str = "a") -> Client:
    return Client(client_id, ws, f"Client {client_id}", f"{client_id}@example.com", T0)


def _setup(uow: UnitOfWork) -> None:
    for ws in ("a", "b"):
        uow.workspaces.save(Workspace(ws, ws.upper()))


def _merge(merge_id: str, survivor: str, loser: str, minutes: int = 0, ws: str = "a") -> Merge:
    return Merge(
        id=merge_id,
        workspace_id=ws,
        survivor_id=survivor,
        loser_id=loser,
        merged_at=T0 + timedelta(minutes=minutes),
        actor_id="owner",
        survivor_before=_client(survivor, ws),
        loser=_client(loser, ws),
        booking_ids=("b1", "b2"),
        note_ids=("n1",),
    )


def _pending(match_id: str, minutes: int = 0, ws: str = "a") -> PendingMatch:
    return PendingMatch(
        id=match_id,
        workspace_id=ws,
        client_id=f"new-{match_id}",
        candidate_id="old",
        score=0.8125,
        reasons=(Reason("name", "the same name", 0.45), Reason("phone", "one digit off", 0.3625)),
        created_at=T0 + timedelta(minutes=minutes),
    )


class MergeRepositoryContract(StoreFixtures):
    """Merges are kept whole, found by either client, newest first."""

    def test_add_get_update_round_trip(self, store: Store) -> None:
        """What `add` stores, `get` returns; `update` replaces it; unknown ids are not found."""
        merge = _merge("m1", "s", "l")
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.merges.add(merge)
            uow.commit()
        undone = attrs.evolve(merge, undone_at=T0 + timedelta(days=1))
        with store.unit_of_work() as uow:
            assert uow.merges.get("a", "m1") == merge
            uow.merges.update(undone)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.merges.get("a", "m1") == undone
            with pytest.raises(NotFoundError):
                uow.merges.get("b", "m1")
            with pytest.raises(NotFoundError):
                uow.merges.update(attrs.evolve(merge, id="m9"))

    def test_for_client_finds_either_side_newest_first(self, store: Store) -> None:
        """A client's merges as survivor or loser, newest first; other workspaces apart."""
        with store.unit_of_work() as uow:
            _setup(uow)
            for merge in (
                _merge("m1", "x", "y", 0),
                _merge("m2", "z", "x", 5),
                _merge("m3", "p", "q", 9),
                _merge("m4", "x", "w", 5, ws="b"),
            ):
                uow.merges.add(merge)
            uow.commit()
        with store.unit_of_work() as uow:
            assert [m.id for m in uow.merges.for_client("a", "x")] == ["m2", "m1"]
            assert [m.id for m in uow.merges.for_client("b", "x")] == ["m4"]


class TimelineRepositoryContract(StoreFixtures):
    """Timeline entries are listed newest first and can move to another client."""

    def test_entries_newest_first_and_moved(self, store: Store) -> None:
        """`for_client` orders by (at, id) descending; `move` gives entries to another client."""
        entries = [
            TimelineEntry(
                f"e{n}",
                "a",
                "c1",
                EntryKind.MERGED,
                T0 + timedelta(hours=n // 2),
                f"#{n}",
                data={"n": n},
            )
            for n in range(4)
        ]
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.timeline.add(entries)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.timeline.for_client("a", "c1") == entries[::-1]
            assert uow.timeline.for_client("b", "c1") == []
            uow.timeline.move("a", ["e1", "e3"], "c2")
            uow.commit()
        with store.unit_of_work() as uow:
            assert [e.id for e in uow.timeline.for_client("a", "c1")] == ["e2", "e0"]
            moved = uow.timeline.for_client("a", "c2")
            assert moved == [attrs.evolve(e, client_id="c2") for e in (entries[3], entries[1])]


class MatchRepositoryContract(StoreFixtures):
    """Blocking keys find candidates; pending matches and distinctions are kept."""

    def test_keys_find_their_holders_and_are_replaced(self, store: Store) -> None:
        """`holders` maps each held key to its clients, in the workspace only; `index`
        replaces a client's keys."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.matches.index("a", {"c2": ["k1", "k2"], "c1": ["k2"], "c3": ["k3"]})
            uow.matches.index("b", {"c9": ["k1"]})
            uow.commit()
        with store.unit_of_work() as uow:
            found = uow.matches.holders("a", ["k1", "k2", "k4"], 10)
            assert found == {"k1": ["c2"], "k2": ["c1", "c2"]}
            assert uow.matches.holders("a", [], 10) == {}
            uow.matches.index("a", {"c1": ["k3"], "c2": []})
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.matches.holders("a", ["k1", "k2", "k3"], 10) == {"k3": ["c1", "c3"]}
            assert uow.matches.holders("b", ["k1"], 10) == {"k1": ["c9"]}

    def test_a_common_key_says_so_without_every_holder(self, store: Store) -> None:
        """Past ``limit`` holders a key returns ``limit + 1`` of them, not all."""
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.matches.index("a", {f"c{n}": ["common"] for n in range(7)} | {"c9": ["rare"]})
            uow.commit()
        with store.unit_of_work() as uow:
            found = uow.matches.holders("a", ["common", "rare"], 4)
            assert (len(found["common"]), found["rare"]) == (5, ["c9"])
            assert set(found["common"]) < {f"c{n}" for n in range(7)}
            assert len(uow.matches.holders("a", ["common"], 7)["common"]) == 7

    def test_many_keys_are_read_at_once(self, store: Store) -> None:
        """A batch asks for the keys of hundreds of bookings in one call."""
        keys = [f"k{n:03}" for n in range(240)]
        held = {"c1": keys[::2], "c2": keys[::3]}
        with store.unit_of_work() as uow:
            _setup(uow)
            uow.matches.index("a", held)
            found = uow.matches.holders("a", keys, 10)
        wanted: dict[str, list[str]] = {}
        for client_id, client_keys in held.items():
            for key in client_keys:
                wanted.setdefault(key, []).append(client_id)
        assert found == wanted

    def test_pending_matches_round_trip_and_filter(self, store: Store) -> None:
        """Open matches oldest first; decided ones only with ``open_only=False``."""
        with store.unit_of_work() as uow:
            _setup(uow)
            for match in (_pending("p2", 5), _pending("p1", 0), _pending("p3", 9, ws="b")):
                uow.matches.add_pending(match)
            uow.commit()
        decided = attrs.evolve(
            _pending("p1", 0), status=MatchStatus.CREATED_NEW, decided_at=T0, decided_by="o"
        )
        with store.unit_of_work() as uow:
            assert uow.matches.get_pending("a", "p1") == _pending("p1", 0)
            assert [m.id for m in uow.matches.pending("a")] == ["p1", "p2"]
            uow.matches.update_pending(decided)
            uow.commit()
        with store.unit_of_work() as uow:
            assert [m.id for m in uow.matches.pending("a")] == ["p2"]
            assert uow.matches.pending("a", open_only=False)[0] == decided
            with pytest.raises(NotFoundError):
                uow.matches.get_pending("b", "p1")
            with pytest.raises(NotFoundError):
                uow.matches.update_pending(_pending("p9"))

    def test_distinctions_are_kept_per_pair(self, store: Store) -> None:
        """One distinction per pair (a later one replaces it), found by either client."""
        first = Distinction.of(_client("x"), _client("y"), T0, "o")
        again = Distinction.of(_client("y"), _client("x"), T0 + timedelta(days=1), "o2")
        other = Distinction.of(_client("p"), _client("q"), T0, "o")
        with store.unit_of_work() as uow:
            _setup(uow)
            for distinction in (first, other, again):
                uow.matches.add_distinction(distinction)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.matches.distinctions("a") == [other, again]
            assert uow.matches.distinctions("a", ["y"]) == [again]
            assert uow.matches.distinctions("b") == []
