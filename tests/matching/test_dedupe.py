"""Bulk deduplication: blocking, complete-linkage clusters, and every kind of input."""

from datetime import UTC, datetime

import attrs
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from clientcrm import Client, ValidationError
from clientcrm.matching import Compare, Evidence, MatchLevel, Record, find_duplicates, normalise
from clientcrm.matching.block import candidate_pairs, client_keys
from clientcrm.matching.records import Profile
from clientcrm.policies import MatchPolicy
from clientcrm.testing.people import EVIDENCE, labelled_people

KATE = Record("kate", "Kate Smith", "kate.smith@gmail.com", "+447700900123")
KATE_AGAIN = Record("kate-2", "Katherine Smith", "katesmith+yoga@gmail.com")
KATE_PHONE = Record("kate-3", "K. Smith", "kate.smith@googlemail.com", "07700 900123")
JOHN = Record("john", "John Smith", "kate.smith@gmail.com")  # her husband, on her email
STRANGER = Record("bob", "Bob Jones", "bob@jones.example")


def test_duplicates_are_clustered_with_their_reasons() -> None:
    """The three Kates form one cluster; every pair in it carries a score and reasons."""
    found = find_duplicates([KATE, KATE_AGAIN, KATE_PHONE, STRANGER], region="GB")
    assert [c.ids for c in found.clusters] == [("kate", "kate-2", "kate-3")]
    (cluster,) = found.clusters
    assert len(cluster.pairs) == 3
    assert cluster.level is MatchLevel.PARTIAL
    assert all(p.result.reasons for p in cluster.pairs)
    assert found.records == 4


def test_pairs_known_to_be_apart_never_share_a_cluster() -> None:
    """A reviewer's "not the same person" splits the pair, and nothing chains them back."""
    records = [KATE, KATE_AGAIN, KATE_PHONE, STRANGER]
    found = find_duplicates(records, region="GB", distinct=[("kate-3", "kate"), ("x", "kate")])
    together = {frozenset(c.ids) for c in found.clusters}
    assert all(not {"kate", "kate-3"} <= ids for ids in together)
    assert together, "the other pairs still match"


def test_copies_sharing_nothing_meet_through_the_record_that_has_both() -> None:
    """A phone-only and an email-only copy of Jennifer join her full record; with the floor
    at the threshold (every pair must match) they cannot."""
    full = Record("j", "Jennifer White", "jwhite@hotmail.es", "+447991814791")
    phone_only = Record("j-phone", "Jennifer White", None, "(07991) 814-791")
    email_only = Record("j-email", "Jenny White", "jwhite@hotmail.es")
    records = [full, phone_only, email_only, STRANGER]
    found = find_duplicates(records, region="GB")
    assert [c.ids for c in found.clusters] == [("j", "j-phone", "j-email")]
    strict = MatchPolicy(cluster_floor=0.75)
    assert [len(c.ids) for c in find_duplicates(records, policy=strict, region="GB").clusters] == [
        2
    ]
    with pytest.raises(ValidationError, match="cluster_floor"):
        MatchPolicy(partial_threshold=0.8, cluster_floor=0.9)


def test_a_household_is_never_chained_into_one_person() -> None:
    """John shares Kate's email, and her copy shares it too: John joins no one."""
    found = find_duplicates([KATE, JOHN, Record("k2", "Kate Smith", "kate.smith@gmail.com")])
    assert [c.ids for c in found.clusters] == [("kate", "k2")]
    assert found.clusters[0].level is MatchLevel.EXACT


def test_complete_linkage_scores_pairs_blocking_did_not_propose() -> None:
    """A joins B by email and B joins C by phone; A and C share no key, so they are scored
    when the cluster would hold them both: alike names let them in, different ones do not."""
    a = Record("a", "Kate Smith", "kate@studio.example")
    b = Record("b", "Kate Smith", "kate@studio.example", "+447700900123")
    c = Record("c", "Kate Smyth", "other@elsewhere.example", "+447700900123")
    (cluster,) = find_duplicates([a, b, c]).clusters
    assert cluster.ids == ("a", "b", "c")
    ac = next(p for p in cluster.pairs if {p.a, p.b} == {"a", "c"})
    assert MatchPolicy().cluster_floor <= ac.result.score < MatchPolicy().partial_threshold
    husband = Record("c", "John Smith", "other@elsewhere.example", "+447700900123")
    assert [cl.ids for cl in find_duplicates([a, b, husband]).clusters] == [("a", "b")]


def test_blocking_never_proposes_all_pairs() -> None:
    """Strangers share no key: n strangers make no candidate pairs at all."""
    strangers = [Record(str(n), f"Person{n} Name{n}", f"p{n}@x{n}.example") for n in range(200)]
    profiles = [Profile.of(r) for r in strangers]
    assert len(candidate_pairs(profiles)) == 0


def test_oversized_blocks_are_dropped_and_counted() -> None:
    """A phone shared by everyone says nothing: its keys are dropped, and the report says so."""
    office = [Record(str(n), f"Person{n} Name{n}", None, "+441632960001") for n in range(150)]
    found = find_duplicates(office, max_block=100)
    assert found.dropped_keys > 0
    assert found.clusters == ()


def test_evidence_columns_tell_a_father_from_his_son() -> None:
    """One name, one home phone, two birth dates: two people."""
    born = Evidence("born", Compare.DATE)
    father = Record("f", "John Smith", None, "+441632960001", {"born": "1961-04-02"})
    son = Record("s", "John Smith", None, "+441632960001", {"born": "1990-07-19"})
    assert find_duplicates([father, son]).clusters != ()  # without the evidence: exact
    assert find_duplicates([father, son], evidence=[born]).clusters == ()


def test_rows_clients_and_records_are_all_inputs() -> None:
    """Mappings are read by their keys (first and last names joined); clients as records."""
    client = Client("c1", "ws", "Kate Smith", "kate.smith@x.com", datetime.now(UTC))
    rows = [
        {"id": "row-1", "first_name": "Kate", "last_name": "Smith", "email": "KATE.SMITH@x.com"},
        {"name": "Bob Jones", "email": "", "phone": float("nan"), "city": "Leeds"},
    ]
    found = find_duplicates([client, *rows])
    assert [c.ids for c in found.clusters] == [("c1", "row-1")]


def test_dataframes_are_inputs() -> None:
    """pandas and polars DataFrames and pyarrow tables are read row by row."""
    data = {
        "id": ["1", "2", "3"],
        "name": ["Kate Smith", "Katherine Smith", "Bob Jones"],
        "email": ["kate.smith@gmail.com", "katesmith+yoga@gmail.com", "bob@jones.example"],
    }
    for frame in (pd.DataFrame(data), pl.DataFrame(data), pa.table(data)):
        found = find_duplicates(frame)
        assert [c.ids for c in found.clusters] == [("1", "2")], type(frame)


def test_progress_is_reported() -> None:
    """Each stage reports how far it has come."""
    stages = []
    find_duplicates([KATE, KATE_AGAIN], progress=lambda stage, done, total: stages.append(stage))
    assert {"normalising", "scoring", "clustering"} <= set(stages)


def test_normalising_in_processes_finds_what_one_process_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks normalised by worker processes and merged back give the very same clusters."""
    people = labelled_people(600, seed=9)
    alone = find_duplicates(people.records, region="GB", evidence=EVIDENCE)
    monkeypatch.setattr(normalise, "CHUNK_RECORDS", 70)
    together = find_duplicates(people.records, region="GB", evidence=EVIDENCE)
    assert together == alone
    assert len(alone.clusters) > 20


def test_a_client_is_keyed_under_every_phone_even_without_a_primary_one() -> None:
    """A phone alias finds its client whether or not the client still has a primary phone."""
    made = datetime(2026, 1, 1, tzinfo=UTC)
    kate = Client("k", "ws", "Kate Smith", "kate@example.com", made, phone="+447700900123")
    kate = attrs.evolve(kate, phone_aliases=frozenset({"+447700900999"}))
    for client in (kate, attrs.evolve(kate, phone=None)):
        keys = client_keys(client, "GB")
        assert "p:700900999" in keys
        assert ("p:700900123" in keys) is (client.phone is not None)
