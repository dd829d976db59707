"""Bulk deduplication: the people recorded more than once in a whole list.

Blocking proposes the pairs worth comparing (never all pairs), they are scored in batches
through the same scorer as one pair, and clusters grow through matching pairs only where no
pair inside would say "two people" (`clientcrm.matching.cluster`). Records come from a
workspace's clients, a file, or a DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from clientcrm.matching.cluster import complete_linkage
from clientcrm.matching.features import Columns, PairFeatures
from clientcrm.matching.normalise import normalised
from clientcrm.matching.records import Evidence, Record
from clientcrm.matching.score import MatchLevel, MatchResult, explain, pair_scores
from clientcrm.models.client import Client
from clientcrm.policies import MatchPolicy

__all__ = [
    "DuplicateCluster",
    "Duplicates",
    "PairMatch",
    "Progress",
    "find_duplicates",
    "records_of",
]

Floats = npt.NDArray[np.float64]
Progress = Callable[[str, int, int], None]
"""Told ``(stage, done, total)`` as a long run goes."""

CHUNK = 500_000
"""Pairs scored at a time: bounds the memory of the feature arrays."""


@attrs.frozen
class PairMatch:
    """Two records of one cluster and how alike they are."""

    a: str
    b: str
    result: MatchResult


@attrs.frozen
class DuplicateCluster:
    """Records that are one person: joined by matching pairs, and no pair of them below the
    policy's cluster floor (nothing that says two people).

    Attributes:
        ids: the records' ids, in input order.
        pairs: every pair of them, with its score and reasons.
    """

    ids: tuple[str, ...]
    pairs: tuple[PairMatch, ...]

    @property
    def score(self) -> float:
        """The weakest pair's score."""
        return min(p.result.score for p in self.pairs)

    @property
    def level(self) -> MatchLevel:
        """Exact when every pair is exact, else partial."""
        exact = all(p.result.level is MatchLevel.EXACT for p in self.pairs)
        return MatchLevel.EXACT if exact else MatchLevel.PARTIAL


@attrs.frozen
class Duplicates:
    """What a deduplication found.

    Attributes:
        clusters: the duplicate groups, strongest first.
        records: how many records were examined.
        candidate_pairs: how many pairs blocking proposed (all pairs would be
            ``records * (records - 1) / 2``).
        dropped_keys: blocking keys shared by too many records to be used.
    """

    clusters: tuple[DuplicateCluster, ...]
    records: int
    candidate_pairs: int
    dropped_keys: int

    def pairs(self) -> Iterator[PairMatch]:
        """Every matching pair, cluster by cluster."""
        for cluster in self.clusters:
            yield from cluster.pairs


def records_of(rows: Any) -> Iterator[Record]:
    """Records from clients, `Record` objects, mappings or a DataFrame.

    A mapping (or a DataFrame row) is read by its keys: ``id`` (else its position), ``name``
    (or ``first_name`` and ``last_name``), ``email``, ``phone``; every other key goes to
    ``extra``. pandas and polars DataFrames and pyarrow tables are read row by row.
    """
    for method, args in (("to_dicts", ()), ("to_pylist", ()), ("to_dict", ("records",))):
        if hasattr(rows, method) and not isinstance(rows, Mapping):
            rows = getattr(rows, method)(*args)
            break
    for position, row in enumerate(rows):
        if isinstance(row, Record):
            yield row
        elif isinstance(row, Client):
            yield Record.of_client(row)
        else:
            yield Record.of_mapping(row, str(position))


def find_duplicates(
    records: Iterable[Record | Client | Mapping[str, Any]] | Any,
    *,
    policy: MatchPolicy | None = None,
    region: str | None = None,
    evidence: Sequence[Evidence] = (),
    max_block: int = 100,
    progress: Progress | None = None,
    distinct: Iterable[tuple[str, str]] = (),
) -> Duplicates:
    """Find the people recorded more than once.

    Args:
        records: clients, `Record` objects, mappings, or a DataFrame (see `records_of`).
        policy: the partial threshold (a cluster is joined by pairs at or above it) and the
            cluster floor (no pair in a cluster scores below it).
        region: the region in which phones without ``+`` are read.
        evidence: extra columns to compare (birth date, postcode, city, address).
        max_block: blocking keys shared by more records than this are not used.
        progress: told how far each stage has come.
        distinct: pairs of record ids known to be different people (a reviewer said so):
            they never share a cluster.

    Returns:
        Clusters joined by matching pairs in which every pair scores at least the floor;
        an exact cluster is one every pair of which is exact.
    """
    policy = policy or MatchPolicy()
    evidence = tuple(evidence)
    tell = progress or (lambda stage, done, total: None)
    builder, index = normalised(
        records_of(records), evidence, region, lambda done: tell("normalising", done, 0)
    )
    tell("normalising", index.size, index.size)
    candidates = index.candidates(max_block)
    del index
    columns = builder.build()
    del builder
    apart = _Apart.of(columns.ids, distinct)

    def score_more(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return apart.zeroed(a, b, pair_scores(columns, a, b, evidence))

    scores = np.empty(len(candidates), dtype=np.float64)
    for start in range(0, len(candidates), CHUNK):
        stop = min(start + CHUNK, len(candidates))
        chunk = slice(start, stop)
        scores[chunk] = score_more(candidates.left[chunk], candidates.right[chunk])
        tell("scoring", stop, len(candidates))

    groups = complete_linkage(
        candidates.left,
        candidates.right,
        scores,
        policy.partial_threshold,
        score_more,
        policy.cluster_floor,
    )
    tell("clustering", len(groups), len(groups))
    clusters = _explained(groups, columns, evidence, policy)
    return Duplicates(
        tuple(sorted(clusters, key=lambda c: (-c.score, c.ids))),
        len(columns),
        len(candidates),
        candidates.dropped_keys,
    )


@attrs.frozen
class _Apart:
    """Pairs known to be different people, as sorted codes of their record positions."""

    size: int
    codes: npt.NDArray[np.int64]

    @classmethod
    def of(cls, ids: Sequence[str], pairs: Iterable[tuple[str, str]]) -> _Apart:
        position = {record_id: n for n, record_id in enumerate(ids)}
        size = len(ids)
        codes = [
            min(position[a], position[b]) * size + max(position[a], position[b])
            for a, b in pairs
            if a in position and b in position
        ]
        return cls(size, np.unique(np.array(codes, dtype=np.int64)))

    def zeroed(
        self, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], scores: Floats
    ) -> Floats:
        """``scores`` with the pairs known to be apart set to 0."""
        if len(self.codes):
            codes = np.minimum(left, right) * self.size + np.maximum(left, right)
            scores[np.isin(codes, self.codes)] = 0.0
        return scores


def _explained(
    groups: list[list[int]], columns: Columns, evidence: tuple[Evidence, ...], policy: MatchPolicy
) -> list[DuplicateCluster]:
    """The clusters with the reasons of each of their pairs."""
    pairs = [(a, b) for group in groups for i, a in enumerate(group) for b in group[i + 1 :]]
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    features = PairFeatures.compute(columns, left, right, evidence)
    results = iter(explain(features, columns, left, right, evidence, policy))
    ids = columns.ids
    clusters = []
    for group in groups:
        matches = [
            PairMatch(ids[a], ids[b], next(results))
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        ]
        clusters.append(DuplicateCluster(tuple(ids[x] for x in group), tuple(matches)))
    return clusters
