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
