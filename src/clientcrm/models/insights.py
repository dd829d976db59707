"""What dashboards and notebooks ask of a workspace as a whole (SPEC section 10)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from clientcrm.models.client import StatusPill
from clientcrm.models.journey import Stage, StageConversion
from clientcrm.models.shares import share

__all__ = [
    "AtRiskClient",
    "BookingOutcomes",
    "Cohort",
    "CohortCell",
    "CohortRetention",
    "Insights",
    "MonthOfBookings",
    "MonthlyBookings",
    "Overview",
    "SlippingClient",
    "SpendBin",
    "SpendDistribution",
    "TopClient",
    "Totals",
    "WorkspaceCounts",
    "month_number",
    "month_starting",
]


@attrs.frozen
class Totals:
    """The customer dashboard's statistics (seed 001).

    Attributes:
        customers: clients of the workspace (the archived, flagged INACTIVE, too).
        with_credits: clients with credits available.
        revenue: their lifetime spend summed, in the workspace currency.
        bookings: their counted bookings summed.
    """

    customers: int
    with_credits: int
    revenue: Decimal
    bookings: int


@attrs.frozen
class WorkspaceCounts:
    """The raw counts a store aggregates for the insights page (no rates, no rounding).

    Attributes:
        clients: every client of the workspace.
        new: clients with the NEW pill (no counted booking).
        active: clients with the ACTIVE pill.
        regular: clients with the REGULAR pill.
        lapsed: clients with the LAPSED pill.
        made: bookings made, whatever became of them.
        completed: bookings completed.
        cancelled: bookings cancelled.
        no_shows: bookings the client did not turn up to.
        revenue: their lifetime spend summed.
        counted: their counted bookings summed.
        with_credits: clients with credits available.
    """

    clients: int
    new: int
    active: int
    regular: int
    lapsed: int
    made: int
    completed: int
    cancelled: int
    no_shows: int
    revenue: Decimal
    counted: int
    with_credits: int


@attrs.frozen
class Overview:
    """The four cards at the top of the insights page (seed 002).

    Attributes:
        clients: every client of the workspace.
        active_clients: those neither NEW nor LAPSED.
        bookings: every booking made.
        completed: those completed.
        completion_rate: completed over the bookings whose outcome is known (completed,
            cancelled or no-show); ``None`` before any.
        recurring_clients: clients with an upcoming booking in a recurring series.
    """

    clients: int
    active_clients: int
    bookings: int
    completed: int
    completion_rate: Decimal | None
    recurring_clients: int


@attrs.frozen
class BookingOutcomes:
    """The detailed statistics grid: what became of the bookings (seed 002).

    Attributes:
        completed: bookings completed.
        cancelled: bookings cancelled.
        no_shows: bookings not turned up to.
        no_show_rate: no-shows over the bookings whose outcome is known; ``None`` before any.
    """

    completed: int
    cancelled: int
    no_shows: int
    no_show_rate: Decimal | None


@attrs.frozen
class TopClient:
    """One of the clients with the most completed bookings.

    Attributes:
        rank: 1 for the first; clients with equal counts are ranked by name.
        client_id: the client.
        name: their name.
        email: their email.
        completed: their completed bookings.
        recurring: whether they have an upcoming booking in a recurring series (the badge).
    """

    rank: int
    client_id: str
    name: str
    email: str
    completed: int
    recurring: bool


@attrs.frozen
class AtRiskClient:
    """A client whose cancellations and no-shows are a warning sign.

    Attributes:
        client_id: the client.
        name: their name.
        email: their email.
        bookings: bookings they made.
        cancelled: of those, cancelled.
        no_shows: of those, not turned up to.
        rate: ``(cancelled + no_shows) / bookings``.
    """

    client_id: str
    name: str
    email: str
    bookings: int
    cancelled: int
    no_shows: int
    rate: Decimal


@attrs.frozen
class Insights:
    """The insights page of a workspace at a moment (SPEC section 10, seeds 001 and 002).

    Attributes:
        as_of: the moment the figures are for.
        timezone: the workspace timezone (the calendar of "active" and of labels).
        currency: the workspace currency of ``totals.revenue``.
        overview: the four cards.
        outcomes: completed, cancelled, no-shows and the no-show rate.
        top_clients: the clients with the most completed bookings, best first.
        at_risk: the clients over the at-risk threshold, highest rate first (at most the
            policy's limit of them).
        at_risk_count: how many clients are over the threshold in all.
        statuses: how many clients show each status pill.
        stages: how many clients are in each journey stage, in journey order.
        conversion: for each stage, how many entered it in the policy's window before
            ``as_of`` and how many moved on.
        totals: the customer dashboard's totals (seed 001).
    """

    as_of: datetime
    timezone: str
    currency: str
    overview: Overview
    outcomes: BookingOutcomes
    top_clients: tuple[TopClient, ...]
    at_risk: tuple[AtRiskClient, ...]
    at_risk_count: int
    statuses: Mapping[StatusPill, int]
    stages: Mapping[Stage, int]
    conversion: tuple[StageConversion, ...]
    totals: Totals


@attrs.frozen
class Cohort:
    """The clients whose first counted booking fell in one month, and who came back.

    Attributes:
        month: the first day of the month, in the workspace timezone.
        size: how many clients had their first counted booking that month.
        active: for month 0, 1, 2, ... after ``month`` (up to the current month), how many of
            them had a counted booking in it (``active[0] == size``).
    """

    month: date
    size: int
    active: tuple[int, ...]

    @property
    def retention(self) -> tuple[Decimal, ...]:
        """``active`` as shares of ``size``, one per month."""
        return tuple(share(count, self.size) or Decimal(0) for count in self.active)


@attrs.frozen
class CohortCell:
    """One cell of the retention table, in long form (one row per cohort and month).

    Attributes:
        cohort: the first day of the cohort's month.
        size: the cohort's clients.
        months_after: 0 for the cohort's own month, 1 for the next, ...
        month: the first day of that month.
        active: the cohort's clients with a counted booking in that month.
        share: ``active / size``.
    """

    cohort: date
    size: int
    months_after: int
    month: date
    active: int
    share: Decimal


@attrs.frozen
class CohortRetention:
    """Clients grouped by the month of their first counted booking (cohorts), oldest first.

    Attributes:
        as_of: the moment the figures are for; its month is the last one counted.
        timezone: the workspace timezone months are counted in.
        cohorts: one per month that has clients.
    """

    as_of: datetime
    timezone: str
    cohorts: tuple[Cohort, ...]

    def cells(self) -> list[CohortCell]:
        """Every cohort's every month, in long form (for a DataFrame or a heatmap)."""
        return [
            CohortCell(
                cohort.month,
                cohort.size,
                after,
                month_starting(month_number(cohort.month) + after),
                active,
                share,
            )
            for cohort in self.cohorts
            for after, (active, share) in enumerate(
                zip(cohort.active, cohort.retention, strict=True)
            )
        ]


def month_number(day: date) -> int:
    """Months since year 0 of the month ``day`` (a date or datetime) falls in: consecutive
    months have consecutive numbers."""
    return day.year * 12 + day.month - 1


def month_starting(number: int) -> date:
    """The first day of the month `month_number` numbers so."""
    return date(number // 12, number % 12 + 1, 1)


@attrs.frozen
class MonthOfBookings:
    """The bookings that started in one month, by what became of them.

    Attributes:
        month: the first day of the month, in the workspace timezone.
        booked: still booked (upcoming, or never marked).
        completed: completed.
        cancelled: cancelled.
        no_shows: not turned up to.
    """

    month: date
    booked: int
    completed: int
    cancelled: int
    no_shows: int


@attrs.frozen
class MonthlyBookings:
    """Bookings month by month, by status, for the last months up to now.

    Attributes:
        as_of: the moment the figures are for; its month is the last.
        timezone: the workspace timezone months are counted in.
        months: one per month, oldest first (months without bookings too).
    """

    as_of: datetime
    timezone: str
    months: tuple[MonthOfBookings, ...]


@attrs.frozen
class SpendBin:
    """Clients whose lifetime spend is in ``[low, high)``.

    Attributes:
        low: the bin's lower bound (included).
        high: its upper bound (left out).
        clients: how many clients spent that much.
    """

    low: Decimal
    high: Decimal
    clients: int


@attrs.frozen
class SpendDistribution:
    """How lifetime spend is spread over the clients with a counted booking.

    Attributes:
        currency: the workspace currency.
        bins: bins of equal width from zero, lowest first (empty ones too).
    """

    currency: str
    bins: tuple[SpendBin, ...]


@attrs.frozen
class SlippingClient:
    """A client away for unusually long by their own rhythm, before the LAPSED pill.

    Attributes:
        client_id: the client.
        name: their name.
        email: their email.
        visits: their completed bookings.
        last_visit: the start of their latest completed booking.
        usual_gap: their usual time between visits (the median gap).
        longest_gap: their longest time between visits so far.
        absence: how long since their last visit.
        overdue: ``absence / usual_gap``: how many usual gaps they have been away.
        lapses_on: the day the LAPSED pill will show if they do not come back, in the
            workspace timezone.
    """

    client_id: str
    name: str
    email: str
    visits: int
    last_visit: datetime
    usual_gap: timedelta
    longest_gap: timedelta
    absence: timedelta
    overdue: Decimal
    lapses_on: date
