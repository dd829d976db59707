"""How many cores rapidfuzz's batch functions use."""

from __future__ import annotations

__all__ = ["PARALLEL_FROM", "batch_workers"]

PARALLEL_FROM = 20_000
"""Pairs from which a batch uses every core: below, starting the threads costs more than it
saves (a booking's few candidates are scored on one)."""


def batch_workers(pairs: int) -> int:
    """rapidfuzz's ``workers`` for a batch of ``pairs``: every core for large batches."""
    return -1 if pairs >= PARALLEL_FROM else 1
