"""Calibration: precision and recall of each level on labelled people, where the truth is known.

The figures are printed in the run's summary ("matching calibration").
"""

from collections import Counter

import pytest

from clientcrm.matching import MatchLevel, find_duplicates, score
from clientcrm.testing.people import (
    EVIDENCE,
    Corruption,
    HardNegative,
    LabelledPeople,
    labelled_people,
)
from clientcrm.testing.people import iter_pairs as corrupted_pairs


@pytest.fixture(scope="module")
def people() -> LabelledPeople:
    return labelled_people(20_000, seed=11)


@pytest.mark.parametrize("with_evidence", [False, True], ids=["contact only", "with evidence"])
def test_precision_and_recall_of_each_level(
    people: LabelledPeople, with_evidence: bool, report: list[str]
) -> None:
    """Exact + partial: precision at least 0.98 and recall at least 0.95; exact alone: 0.99."""
    evidence = EVIDENCE if with_evidence else ()
    found = find_duplicates(people.records, region="GB", evidence=evidence)
    truth = people.true_pairs()
    by_level: dict[MatchLevel, set[tuple[str, str]]] = {}
    for pair in found.pairs():
        by_level.setdefault(pair.result.level, set()).add(tuple(sorted((pair.a, pair.b))))
    exact = by_level.get(MatchLevel.EXACT, set())
    both = exact | by_level.get(MatchLevel.PARTIAL, set())
    p_exact, r_exact = len(exact & truth) / len(exact), len(exact & truth) / len(truth)
    precision, recall = len(both & truth) / len(both), len(both & truth) / len(truth)
    label = "with evidence" if with_evidence else "contact only "
    report.append(
        f"{label}: {len(people.records):,} records, {len(truth):,} true pairs, "
        f"{found.candidate_pairs:,} candidates | exact P={p_exact:.4f} R={r_exact:.4f} | "
        f"exact+partial P={precision:.4f} R={recall:.4f}"
    )
    assert p_exact >= 0.99
    assert precision >= 0.98
    assert recall >= 0.95


def test_recall_of_each_corruption_and_false_positives_of_each_look_alike(
    people: LabelledPeople, report: list[str]
) -> None:
    """Every kind of duplicate is found at least 90% of the time (scored as a pair with its
    original); every kind of look-alike is taken for one person at most 2% of the time."""
    records = {r.id: r for r in people.records}
    recall = {}
    for kind in Corruption:
        pairs = list(corrupted_pairs(people, kind))
        hits = sum(
            score(records[a], records[b], region="GB").level is not MatchLevel.NONE
            for a, b in pairs
        )
        recall[kind] = hits / len(pairs)
    false_positives = {}
    for kind in HardNegative:
        pairs = people.negatives[kind]
        hits = Counter(
            score(records[a], records[b], region="GB").level is not MatchLevel.NONE
            for a, b in pairs
        )
        false_positives[kind] = hits[True] / len(pairs)
    report.append("recall by corruption: " + ", ".join(f"{k} {v:.3f}" for k, v in recall.items()))
    report.append(
        "false positives by look-alike: "
        + ", ".join(f"{k} {v:.3f}" for k, v in false_positives.items())
    )
    assert min(recall.values()) >= 0.9
    assert max(false_positives.values()) <= 0.02
