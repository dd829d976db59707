"""The collector is paused for a batch and left as the host had it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from clientcrm import CRM, Actor, BookingEvent, BookingEventKind
from clientcrm.models.importing import ClientRow
from clientcrm.service import importing, recording
from clientcrm.service.collector import collector_paused
from clientcrm.testing import FrozenClock


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_paused_inside_and_resumed_after_even_on_error() -> None:
    inside = []

    def failing_batch() -> None:
        with collector_paused():
            inside.append(gc.isenabled())
            raise RuntimeError("the batch failed")

    with pytest.raises(RuntimeError):
        failing_batch()
    assert inside == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_host_that_turned_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_nested_pauses_resume_once_the_outer_one_ends() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.parametrize("kind", ["events", "import"])
@pytest.mark.usefixtures("collector_on")
def test_a_batch_is_freed_before_the_collector_resumes(
    crm: CRM, owner: Actor, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Each time the collector resumes after a batch, no batch is left alive for it to walk
    (recording events, and importing rows: three batches of two)."""
    batch_class: Any = recording.Batch if kind == "events" else importing.BatchImport
    batches: list[weakref.ref[object]] = []
    run = batch_class.run

    def tracked_run(self: object, *args: object, **kwargs: object) -> None:
        batches.append(weakref.ref(self))
        run(self, *args, **kwargs)

    alive_at_resume: list[int] = []
    enable = gc.enable

    def resume() -> None:
        alive_at_resume.append(sum(batch() is not None for batch in batches))
        enable()

    monkeypatch.setattr(batch_class, "run", tracked_run)
    monkeypatch.setattr(gc, "enable", resume)
    _six_in_batches_of_two[kind](crm, owner, clock)
    assert len(batches) == 3
    assert alive_at_resume == [0, 0, 0]


def _record_six(crm: CRM, owner: Actor, clock: FrozenClock) -> None:
    events = [
        BookingEvent(
            BookingEventKind.BOOKED, f"e{n}", f"b{n}", clock(), f"c{n}@example.com", "Yoga", clock()
        )
        for n in range(6)
    ]
    crm.record_many(events, owner, batch_size=2)


def _import_six(crm: CRM, owner: Actor, clock: FrozenClock) -> None:
    rows = [ClientRow(n + 2, f"Client {n}", f"c{n}@example.com") for n in range(6)]
    crm.import_clients(rows, owner, batch_size=2)


_six_in_batches_of_two: dict[str, Callable[[CRM, Actor, FrozenClock], None]] = {
    "events": _record_six,
    "import": _import_six,
}
