"""Normalising many records on every core: chunks go to worker processes, and their codes
and keys are merged back in order."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from clientcrm.matching.block import KeyIndex
from clientcrm.matching.features import ColumnsBuilder
from clientcrm.matching.records import Evidence, Profile, Record

__all__ = ["CHUNK_RECORDS", "normalise_chunk", "normalised"]

CHUNK_RECORDS = 25_000
"""Records a process normalises at a time; a list shorter than two chunks stays in this one."""

Part = tuple[ColumnsBuilder, KeyIndex]


def normalise_chunk(
    records: list[Record], evidence: tuple[Evidence, ...], region: str | None
) -> Part:
    """Normalise records into columns of codes and blocking keys."""
    builder, index = ColumnsBuilder(len(evidence)), KeyIndex(evidence)
    for record in records:
        profile = Profile.of(record, evidence, region)
        builder.add(profile)
        index.add(profile)
    return builder, index


def normalised(
    records: Iterable[Record],
    evidence: tuple[Evidence, ...],
    region: str | None,
    tell: Callable[[int], None],
) -> Part:
    """The columns and blocking keys of every record, in order, normalised on every core
    (chunk by chunk, a few chunks in flight) when there are enough records to be worth it."""
    chunks = _chunks(iter(records))
    first = next(chunks, [])
    second = next(chunks, None)
    builder, index = normalise_chunk(first, evidence, region)
    tell(index.size)
    if second is None:
        return builder, index
    cores = os.cpu_count() or 1
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
        pending: deque[Future[Part]] = deque()
        for chunk in _prepend(second, chunks):
            pending.append(pool.submit(normalise_chunk, chunk, evidence, region))
            if len(pending) > 2 * cores:
                _merge(builder, index, pending.popleft().result(), tell)
        while pending:
            _merge(builder, index, pending.popleft().result(), tell)
    return builder, index


def _merge(
    builder: ColumnsBuilder, index: KeyIndex, part: Part, tell: Callable[[int], None]
) -> None:
    builder.extend(part[0])
    index.extend(part[1])
    tell(index.size)


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    while chunk := list(islice(records, CHUNK_RECORDS)):
        yield chunk


def _prepend(first: list[Record], rest: Iterator[list[Record]]) -> Iterator[list[Record]]:
    yield first
    yield from rest
