"""Pausing Python's cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector paused, then resume it.

    A batch of ingest or import makes hundreds of thousands of short-lived objects and no
    cycles; reference counting frees them all the same, while the collector's passes over
    them (young objects every few hundred allocations, everything now and then) cost about
    a fifth of the batch. What the block leaves alive is walked once the collector resumes,
    so a batch frees its working set inside the block and hands out only its outcome. A host
    that turned the collector off keeps it off; when batches run in several threads at once,
    whichever paused the collector resumes it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
