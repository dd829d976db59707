"""Clustering scored pairs into people without chaining strangers together.

Single linkage (join whatever any strong pair links) lets one weak link chain two people:
Kate shares a phone with her typo'd copy, the copy shares a family email with Kate's husband.
Here two groups join through a strong pair (at or above the threshold, strongest first) only
when *every* pair across them scores at least the floor: complete linkage at the floor. With
the floor at the threshold every pair of a cluster matches; a lower floor lets a person's
phone-only copy and email-only copy meet through the record that has both, while a pair that
disagrees (two given names, two birth dates, a household) still keeps groups apart. Pairs
that blocking never proposed are scored when a join needs them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["complete_linkage"]

Positions = npt.NDArray[np.int64]
Scorer = Callable[[Positions, Positions], npt.NDArray[np.float64]]


def _components(left: Positions, right: Positions) -> list[list[int]]:
    """The connected components of the graph of these edges, with two or more members."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in parent:
        groups.setdefault(root(x), []).append(x)
    return list(groups.values())


def complete_linkage(
    left: Positions,
    right: Positions,
    scores: npt.NDArray[np.float64],
    threshold: float,
    score_pairs: Scorer,
    floor: float | None = None,
) -> list[list[int]]:
    """Group records into clusters joined by pairs scoring at least ``threshold``, in which
    every pair scores at least ``floor`` (the threshold when not given).

    Args:
        left: the first record of each scored pair (``left[k] < right[k]``).
        right: the second.
        scores: each pair's score.
        threshold: the lowest score of a pair inside a cluster.
        score_pairs: scores further pairs ``(a[k], b[k])`` when a join needs them.
        floor: the lowest score of any pair inside a cluster.

    Returns:
        The clusters of two or more records, each sorted, in order of their first record.
    """
    strong = scores >= threshold
    known = {
        (a, b): s
        for a, b, s in zip(
            left[strong].tolist(), right[strong].tolist(), scores[strong].tolist(), strict=True
        )
    }
    clusters: list[list[int]] = []
    large: list[list[int]] = []
    for component in _components(left[strong], right[strong]):
        (clusters if len(component) == 2 else large).append(sorted(component))
    if large:
        _fill_in(large, left, right, scores, known, score_pairs)
        for component in large:
            floor_ = threshold if floor is None else min(floor, threshold)
            clusters.extend(_agglomerate(component, known, threshold, floor_))
    return sorted(clusters)


def _fill_in(
    components: list[list[int]],
    left: Positions,
    right: Positions,
    scores: npt.NDArray[np.float64],
    known: dict[tuple[int, int], float],
    score_pairs: Scorer,
) -> None:
    """Add the score of every pair inside the components: weak candidate pairs from
    ``scores``, pairs blocking never proposed from ``score_pairs``."""
    label = np.full(int(max(left.max(), right.max())) + 1, -1, dtype=np.int64)
    for n, component in enumerate(components):
        label[component] = n
    inside = (label[left] >= 0) & (label[left] == label[right])
    pairs = zip(left[inside].tolist(), right[inside].tolist(), strict=True)
    known.update(zip(pairs, scores[inside].tolist(), strict=True))
    missing = [
        (a, b)
        for component in components
        for i, a in enumerate(component)
        for b in component[i + 1 :]
        if (a, b) not in known
    ]
    if missing:
        a_side = np.array([a for a, _ in missing], dtype=np.int64)
        b_side = np.array([b for _, b in missing], dtype=np.int64)
        known.update(zip(missing, score_pairs(a_side, b_side).tolist(), strict=True))


def _agglomerate(
    component: list[int], known: dict[tuple[int, int], float], threshold: float, floor: float
) -> list[list[int]]:
    """Clusters of one component: strong pairs join, strongest first, groups whose every
    cross pair reaches the floor."""
    cluster_of = {x: frozenset({x}) for x in component}
    pairs = sorted(
        ((known[(a, b)], a, b) for i, a in enumerate(component) for b in component[i + 1 :]),
        reverse=True,
    )
    for s, a, b in pairs:
        if s < threshold:
            break
        ca, cb = cluster_of[a], cluster_of[b]
        if ca is cb:
            continue
        if all(known[(min(x, y), max(x, y))] >= floor for x in ca for y in cb):
            joined = ca | cb
            for x in joined:
                cluster_of[x] = joined
    unique = {id(c): c for c in cluster_of.values() if len(c) > 1}
    return [sorted(c) for c in unique.values()]
