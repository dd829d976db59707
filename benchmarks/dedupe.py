"""Bulk deduplication against Splink, on the same labelled people, in the same run.

    python benchmarks/dedupe.py --records 100000
    python benchmarks/dedupe.py --records 1000000

The labelled generator of `clientcrm.testing` makes the records (duplicates with realistic
corruptions, and look-alikes who are different people) and knows who is who. The records go
to a Parquet file; clientcrm's `find_duplicates` and Splink (DuckDB backend, its guides'
blocking rules, comparisons and training steps) each run on it in a child process of their
own, so that each one's peak RSS is its own. Both are scored on the pairs their clusters
imply: precision, recall and F1 at clientcrm's exact+partial levels and at a range of
Splink's match probabilities; recall by kind of corruption; false positives by kind of
look-alike.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from clientcrm.matching import find_duplicates
from clientcrm.matching.names import parse_name
from clientcrm.testing.people import EVIDENCE, LabelledPeople, labelled_people

Labels = npt.NDArray[np.int64]
SPLINK_THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--no-splink", action="store_true", help="measure clientcrm alone")
    parser.add_argument(
        "--splink-minutes", type=float, default=30, help="stop Splink after this long"
    )
    parser.add_argument("--worker", choices=("clientcrm", "splink"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        WORKERS[args.worker](args.data)
        return
    started = time.perf_counter()
    people = labelled_people(args.records, seed=args.seed)
    print(f"{args.records:,} labelled records made in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        pq.write_table(_table(people), data / "records.parquet")
        truth = _Truth.of(people)
        ours = _child("clientcrm", data)
        assert ours is not None
        _report_ours(ours, truth, np.load(data / "clientcrm.npy"))
        if not args.no_splink:
            peer = _child("splink", data, args.splink_minutes)
            if peer is None:
                print(f"\nSplink (DuckDB): stopped, not done after {args.splink_minutes} minutes")
            else:
                _report_splink(peer, ours, truth, np.load(data / "splink.npz"))


def _table(people: LabelledPeople) -> pa.Table:
    rows = [
        {"id": r.id, "name": r.name, "email": r.email, "phone": r.phone, **r.extra}
        for r in people.records
    ]
    return pa.Table.from_pylist(rows)


def _child(worker: str, data: Path, minutes: float | None = None) -> dict[str, Any] | None:
    """Run one tool in a fresh process; its JSON line of figures, or ``None`` when it did not
    finish within ``minutes``."""
    command = [sys.executable, __file__, "--worker", worker, "--data", str(data)]
    timeout = None if minutes is None else minutes * 60
    try:
        done = subprocess.run(  # noqa: S603 - this very script, with our own arguments
            command, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        sys.exit(f"{worker} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the two tools, each in its own process --------------------------------------------------


def _run_clientcrm(data: Path) -> None:
    table = pq.read_table(data / "records.parquet")
    started = time.perf_counter()
    rows = (row for batch in table.to_batches(50_000) for row in batch.to_pylist())
    found = find_duplicates(rows, region="GB", evidence=EVIDENCE)
    seconds = time.perf_counter() - started
    position = {record_id: n for n, record_id in enumerate(table.column("id").to_pylist())}
    labels = np.full(len(position), -1, dtype=np.int64)
    for number, cluster in enumerate(found.clusters):
        labels[[position[i] for i in cluster.ids]] = number
    np.save(data / "clientcrm.npy", labels)
    figures = {"seconds": seconds, "rss_mb": _peak_rss_mb(), "candidates": found.candidate_pairs}
    print(json.dumps(figures))


def _splink_frame(rows: list[dict[str, Any]]) -> pa.Table:
    """The columns Splink's guides ask for: split, cleaned, blanks as nulls."""
    table: dict[str, list[Any]] = {
        k: [] for k in ("unique_id", "first_name", "surname", "dob", "city", "postcode")
    }
    table |= {"email": [], "phone": [], "full_name": []}
    for n, row in enumerate(rows):
        name = parse_name(row["name"]) if row["name"] else None
        first = name.first if name else None
        last = name.last if name else None
        phone = "".join(c for c in row["phone"] or "" if c.isdigit())[-10:] or None
        values = {
            "unique_id": n,
            "first_name": first,
            "surname": last,
            "full_name": f"{first} {last}" if first and last else None,
            "dob": row["birth_date"],
            "city": (row["city"] or "").lower() or None,
            "postcode": row["postcode"],
            "email": (row["email"] or "").lower() or None,
            "phone": phone,
        }
        for key, value in values.items():
            table[key].append(value)
    return pa.table(table)


def _run_splink(data: Path) -> None:
    import duckdb  # noqa: PLC0415 - benchmark-only dependencies
    import splink.comparison_library as cl  # noqa: PLC0415
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: PLC0415

    rows = pq.read_table(data / "records.parquet").to_pylist()
    frame = _splink_frame(rows)
    del rows
    started = time.perf_counter()
    spill = duckdb.connect(config={"temp_directory": str(data / "duckdb")})
    db_api = DuckDBAPI(connection=spill)
    settings = SettingsCreator(
        link_type="dedupe_only",
        # Splink's guides: keep each rule's comparisons countable. Blocking on the name
        # alone makes blocks of every John Smith (hundreds of GB of pairs at a million).
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname", "city"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("email"),
            block_on("phone"),
            block_on("postcode", "first_name"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="full_name"
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
        ],
    )
    linker = Linker(db_api.register(frame), settings, log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("email")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    # Two sessions whose blocks leave out each other's columns, as the guides train. The name
    # alone blocks too loosely here (about 130 million pairs at a million records, which
    # DuckDB scores all at once); with the city it stays in the millions.
    em_blocks = (block_on("first_name", "surname", "city"), block_on("dob"))
    for block in em_blocks:
        training.estimate_parameters_using_expectation_maximisation(block)
    predictions = linker.inference.predict(threshold_match_probability=min(SPLINK_THRESHOLDS))
    linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    seconds = time.perf_counter() - started
    pairs = predictions.as_duckdbpyrelation().fetch_arrow_table()
    np.savez(
        data / "splink.npz",
        left=pairs["unique_id_l"].to_numpy(),
        right=pairs["unique_id_r"].to_numpy(),
        probability=pairs["match_probability"].to_numpy(),
    )
    figures = {"seconds": seconds, "rss_mb": _peak_rss_mb(), "candidates": None}
    print(json.dumps(figures))


WORKERS = {"clientcrm": _run_clientcrm, "splink": _run_splink}


# -- scoring ---------------------------------------------------------------------------------


class _Truth:
    """The true pairs, the corruption of each, and the look-alike pairs, as row positions."""

    def __init__(
        self,
        size: int,
        pairs: dict[tuple[int, int], str],
        negatives: dict[tuple[int, int], str],
    ) -> None:
        self.size = size
        self.pairs = pairs
        self.negatives = negatives

    @classmethod
    def of(cls, people: LabelledPeople) -> _Truth:
        position = {r.id: n for n, r in enumerate(people.records)}

        def key(a: str, b: str) -> tuple[int, int]:
            x, y = position[a], position[b]
            return (x, y) if x < y else (y, x)

        pairs = {
            key(a, b): str(people.kind[max(a, b, key=position.__getitem__)])
            for a, b in people.true_pairs()
        }
        negatives = {
            key(a, b): str(kind) for kind, found in people.negatives.items() for a, b in found
        }
        return cls(len(people.records), pairs, negatives)


def _quality(labels: Labels, truth: _Truth) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of clusters given as a label per record (-1: alone)."""
    clustered = labels[labels >= 0]
    sizes = np.bincount(clustered) if len(clustered) else np.zeros(0, dtype=np.int64)
    predicted = int((sizes * (sizes - 1) // 2).sum())
    found = Counter(kind for (a, b), kind in truth.pairs.items() if _together(labels, a, b))
    wanted = Counter(truth.pairs.values())
    true_positives = sum(found.values())
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / len(truth.pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    false = Counter(k for (a, b), k in truth.negatives.items() if _together(labels, a, b))
    return {
        "pairs": predicted,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_by_corruption": {k: found[k] / n for k, n in sorted(wanted.items())},
        "false_by_negative": {
            k: (false[k], n) for k, n in sorted(Counter(truth.negatives.values()).items())
        },
    }


def _together(labels: Labels, a: int, b: int) -> bool:
    return bool(labels[a] >= 0 and labels[a] == labels[b])


def _components(size: int, left: Labels, right: Labels) -> Labels:
    """Connected components of the pairs (how Splink clusters), as labels; -1 alone."""
    parent = np.arange(size)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return int(x)

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([root(x) for x in range(size)])
    labels = np.full(size, -1, dtype=np.int64)
    linked = np.zeros(size, dtype=np.bool_)
    linked[left] = linked[right] = True
    labels[linked] = roots[linked]
    return labels


def _report_ours(figures: dict[str, Any], truth: _Truth, labels: Labels) -> None:
    quality = _quality(labels, truth)
    figures["quality"] = quality
    print(
        f"\nclientcrm find_duplicates: {figures['seconds']:.1f} s, "
        f"peak RSS {figures['rss_mb']:,.0f} MB, {figures['candidates']:,} candidate pairs "
        f"(all pairs: {truth.size * (truth.size - 1) // 2:,})"
    )
    _print_quality("exact+partial", quality)
    print("  recall by corruption: " + _shares(quality["recall_by_corruption"]))
    print("  false positives by look-alike kind: " + _falses(quality["false_by_negative"]))


def _report_splink(
    figures: dict[str, Any], ours: dict[str, Any], truth: _Truth, pairs: Any
) -> None:
    print(f"\nSplink (DuckDB): {figures['seconds']:.1f} s, peak RSS {figures['rss_mb']:,.0f} MB")
    best: dict[str, Any] | None = None
    for threshold in SPLINK_THRESHOLDS:
        keep = pairs["probability"] >= threshold
        labels = _components(truth.size, pairs["left"][keep], pairs["right"][keep])
        quality = _quality(labels, truth)
        _print_quality(f"p >= {threshold}", quality)
        if threshold == 0.9:
            print(
                "    false positives by look-alike kind: " + _falses(quality["false_by_negative"])
            )
        if best is None or quality["f1"] > best["f1"]:
            best = quality | {"threshold": threshold}
    assert best is not None
    print(
        f"\nclientcrm vs Splink: F1 {ours['quality']['f1']:.4f} vs {best['f1']:.4f} "
        f"(Splink's best, p >= {best['threshold']}); "
        f"time {ours['seconds']:.1f} s vs {figures['seconds']:.1f} s "
        f"({figures['seconds'] / ours['seconds']:.1f}x faster)"
    )


def _print_quality(label: str, quality: dict[str, Any]) -> None:
    print(
        f"  {label:<14} precision {quality['precision']:.4f}  recall {quality['recall']:.4f}  "
        f"F1 {quality['f1']:.4f}  ({quality['pairs']:,} pairs)"
    )


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in shares.items())


def _falses(falses: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{k} {n:,}/{total:,}" for k, (n, total) in falses.items())


if __name__ == "__main__":
    main()
