"""Latency percentiles shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable


def p50_p95(samples_ms: list[float]) -> tuple[float, float]:
    """The median and 95th percentile of ``samples_ms``."""
    quantiles = statistics.quantiles(samples_ms, n=100)
    return quantiles[49], quantiles[94]


def each_ms(calls: Iterable[Callable[[], object]]) -> list[float]:
    """Milliseconds each call took."""
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def interleaved_ms(
    ours: Callable[[], object], ceiling: Callable[[], object], runs: int
) -> tuple[list[float], list[float]]:
    """Milliseconds of ``runs`` calls of each, alternating, so a slower spell of a shared
    machine weighs on both alike (after one warm-up call of each)."""
    ours()
    ceiling()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for call, into in ((ours, samples[0]), (ceiling, samples[1])):
            start = time.perf_counter()
            call()
            into.append((time.perf_counter() - start) * 1000)
    return samples
