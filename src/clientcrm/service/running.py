"""How the services run their work: in a unit of work, committed, retried on conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from clientcrm.ports import UnitOfWork

__all__ = ["Runner"]

_T = TypeVar("_T")


class Runner(Protocol):
    """Runs a piece of work in a unit of work, commits, and retries it on conflicts."""

    def __call__(self, work: Callable[[UnitOfWork], _T]) -> _T: ...
