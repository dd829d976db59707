"""The collector is paused for a batch and left as the host had it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from clientcrm.service.collector import collector_paused


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
