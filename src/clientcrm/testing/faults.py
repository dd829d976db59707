"""Fault injection: make the N-th call to a store fail, to prove nothing is left half done.

`FaultyStore` wraps any store: every repository call and every commit is one call, and the
``fail_at``-th raises `InjectedFaultError`. `failing_statement` does the same one level down, for
SQLAlchemy engines: the N-th SQL statement sent to the database fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, cast

from clientcrm.errors import StorageError
from clientcrm.ports import (
    ActivityRepository,
    BookingRepository,
    ClientRepository,
    CoachingRepository,
    CreditRepository,
    ImportRepository,
    InsightRepository,
    JourneyRepository,
    MatchRepository,
    MergeRepository,
    NoteRepository,
    OrderRepository,
    PurchaseRepository,
    Store,
    TimelineRepository,
    UnitOfWork,
    WorkspaceRepository,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["FaultyStore", "InjectedFaultError", "failing_statement"]


class InjectedFaultError(StorageError):
    """The failure a fault injector raises in place of a store call."""


class FaultyStore:
    """A store whose ``fail_at``-th call fails; ``calls`` counts them (pass ``None`` to count
    without failing, and learn how many calls an operation makes)."""

    def __init__(self, store: Store, fail_at: int | None = None) -> None:
        self.store = store
        self.fail_at = fail_at
        self.calls = 0
        self.injected = False

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work of the wrapped store, counting (and failing) its calls."""
        return cast("UnitOfWork", _FaultyUnitOfWork(self, self.store.unit_of_work()))

    def purge(self) -> None:
        """Purge the wrapped store."""
        self.store.purge()

    def close(self) -> None:
        """Close the wrapped store."""
        self.store.close()

    def call(self, name: str) -> None:
        """Count one call; raise `InjectedFaultError` if it is the one to fail."""
        self.calls += 1
        if self.calls == self.fail_at:
            self.injected = True
            msg = f"fault injected at call {self.calls} ({name})"
            raise InjectedFaultError(msg)


class _Counted:
    """A repository whose every method call is counted first."""

    def __init__(self, faults: FaultyStore, repository: object) -> None:
        self._faults, self._repository = faults, repository

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._repository, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._faults.call(name)
            return method(*args, **kwargs)

        return counted


class _FaultyUnitOfWork:
    def __init__(self, faults: FaultyStore, inner: UnitOfWork) -> None:
        self._faults, self._inner = faults, inner

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    @property
    def workspaces(self) -> WorkspaceRepository:
        return cast("WorkspaceRepository", _Counted(self._faults, self._inner.workspaces))

    @property
    def clients(self) -> ClientRepository:
        return cast("ClientRepository", _Counted(self._faults, self._inner.clients))

    @property
    def bookings(self) -> BookingRepository:
        return cast("BookingRepository", _Counted(self._faults, self._inner.bookings))

    @property
    def notes(self) -> NoteRepository:
        return cast("NoteRepository", _Counted(self._faults, self._inner.notes))

    @property
    def orders(self) -> OrderRepository:
        return cast("OrderRepository", _Counted(self._faults, self._inner.orders))

    @property
    def activities(self) -> ActivityRepository:
        return cast("ActivityRepository", _Counted(self._faults, self._inner.activities))

    @property
    def purchases(self) -> PurchaseRepository:
        return cast("PurchaseRepository", _Counted(self._faults, self._inner.purchases))

    @property
    def imports(self) -> ImportRepository:
        return cast("ImportRepository", _Counted(self._faults, self._inner.imports))

    @property
    def journeys(self) -> JourneyRepository:
        return cast("JourneyRepository", _Counted(self._faults, self._inner.journeys))

    @property
    def credits(self) -> CreditRepository:
        return cast("CreditRepository", _Counted(self._faults, self._inner.credits))

    @property
    def merges(self) -> MergeRepository:
        return cast("MergeRepository", _Counted(self._faults, self._inner.merges))

    @property
    def timeline(self) -> TimelineRepository:
        return cast("TimelineRepository", _Counted(self._faults, self._inner.timeline))

    @property
    def matches(self) -> MatchRepository:
        return cast("MatchRepository", _Counted(self._faults, self._inner.matches))

    @property
    def coaching(self) -> CoachingRepository:
        return cast("CoachingRepository", _Counted(self._faults, self._inner.coaching))

    @property
    def insights(self) -> InsightRepository:
        return cast("InsightRepository", _Counted(self._faults, self._inner.insights))

    def commit(self) -> None:
        self._faults.call("commit")
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()


@contextmanager
def failing_statement(engine: Engine, fail_at: int) -> Iterator[list[str]]:
    """Within the block, the ``fail_at``-th SQL statement ``engine`` sends fails (before it
    reaches the database) with `InjectedFaultError`; yields the statements sent so far.

    Transaction control (``BEGIN``, ``COMMIT``, ``ROLLBACK``, savepoints) counts too, so a
    fault can land on a commit.
    """
    from sqlalchemy import event  # noqa: PLC0415 - only SQL stores need SQLAlchemy

    sent: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        sent.append(statement)
        if len(sent) == fail_at:
            msg = f"fault injected at statement {fail_at}: {statement[:60]}"
            raise InjectedFaultError(msg)

    def before_commit(conn: Any) -> None:
        before(conn, None, "COMMIT")

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", before_commit)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "commit", before_commit)
