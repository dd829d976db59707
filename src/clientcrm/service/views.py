"""What the `CRM` answers with, beyond the models themselves."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from clientcrm.models.booking import Booking
from clientcrm.models.client import Client, ClientFigures, StatusPill
from clientcrm.models.journey import Journey, Milestone, StageChange
from clientcrm.rules.figures import QuickStats

__all__ = [
    "ClientDetail",
    "FigureRepair",
    "JourneyView",
    "RebuildReport",
    "RecordSummary",
    "ScheduleReport",
]


@attrs.frozen
class ClientDetail:
    """A client's page: the record, the pill, the header quick stats and the booking history.

    Attributes:
        client: the client record.
        status: the status pill now.
        growing: whether the client is in the "growing" band.
        stats: the header quick stats.
        bookings: every booking, oldest to newest.
    """

    client: Client
    status: StatusPill
    growing: bool
    stats: QuickStats
    bookings: Sequence[Booking]


@attrs.frozen
class RecordSummary:
    """What a `CRM.record_many` call did.

    Attributes:
        events: events received.
        changed: events that changed a booking (the rest were repeats or older news).
        clients_created: clients created for unknown emails.
    """

    events: int
    changed: int
    clients_created: int


@attrs.frozen
class FigureRepair:
    """One client whose stored figures disagreed with its history, and what they became."""

    client_id: str
    stored: ClientFigures
    recomputed: ClientFigures


@attrs.frozen
class RebuildReport:
    """What `CRM.rebuild` checked and repaired.

    Attributes:
        clients: clients checked.
        repaired: the clients whose stored figures differed, before and after.
        journeys_repaired: the ids of clients whose stored journey, stage history or
            milestones differed from their history's.
    """

    clients: int
    repaired: Sequence[FigureRepair]
    journeys_repaired: Sequence[str] = ()


@attrs.frozen
class JourneyView:
    """One client's journey: where they are, how they got there, what they reached.

    Attributes:
        client: the client record.
        journey: the materialised journey (``None`` until first evaluated).
        changes: every stage change, oldest first.
        milestones: every milestone, by date.
    """

    client: Client
    journey: Journey | None
    changes: Sequence[StageChange]
    milestones: Sequence[Milestone]


@attrs.frozen
class ScheduleReport:
    """What one `CRM.run_scheduled` call did.

    Attributes:
        examined: clients whose next scheduled moment had come.
        stage_changes: stage changes it recorded (clients who churned).
        milestones: milestones it awarded (anniversaries).
        credits_expired: credit packages it expired.
    """

    examined: int
    stage_changes: int
    milestones: int
    credits_expired: int = 0
