"""The insights page, cohort retention and the early warning, from a store's aggregates."""

from __future__ import annotations

import heapq
from datetime import datetime, time, timedelta
from decimal import Decimal

from clientcrm.models.booking import BookingStatus
from clientcrm.models.client import Client, StatusPill
from clientcrm.models.insights import (
    AtRiskClient,
    BookingOutcomes,
    Cohort,
    CohortRetention,
    Insights,
    MonthlyBookings,
    MonthOfBookings,
    Overview,
    SlippingClient,
    SpendBin,
    SpendDistribution,
    TopClient,
    Totals,
    month_number,
    month_starting,
)
from clientcrm.models.journey import Stage
from clientcrm.models.shares import share
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.insights import bin_width, month_of
from clientcrm.rules.slipping import SlippingWindow, slipping, slipping_order
from clientcrm.rules.status import days_ago_cutoff

__all__ = [
    "cohort_retention",
    "insights",
    "monthly_bookings",
    "slipping_clients",
    "spend_distribution",
]


def insights(uow: UnitOfWork, workspace: Workspace, now: datetime) -> Insights:
    """Every figure of the insights page at ``now``, each aggregated by the store."""
    ws, policies = workspace.id, workspace.policies
    policy = policies.insights
    repo = uow.insights
    lapsed_before = days_ago_cutoff(now, workspace.tz, policies.status.lapsed_after_days)
    counts = repo.counts(ws, lapsed_before, policies.status.regular_min_bookings)
    known = counts.completed + counts.cancelled + counts.no_shows
    top = repo.top_completed(ws, policy.top_clients)
    badges = repo.recurring_of(ws, now, [c.id for c in top]) if top else set()
    at_risk_count, at_risk = repo.at_risk(
        ws, policy.at_risk_more_than, policy.at_risk_rate, policy.at_risk_shown
    )
    stages = uow.clients.stage_counts(ws)
    window = timedelta(days=policy.conversion_days)
    return Insights(
        as_of=now,
        timezone=workspace.timezone,
        currency=workspace.currency,
        overview=Overview(
            clients=counts.clients,
            active_clients=counts.active + counts.regular,
            bookings=counts.made,
            completed=counts.completed,
            completion_rate=share(counts.completed, known),
            recurring_clients=repo.recurring(ws, now),
        ),
        outcomes=BookingOutcomes(
            counts.completed, counts.cancelled, counts.no_shows, share(counts.no_shows, known)
        ),
        top_clients=tuple(
            TopClient(rank, c.id, c.name, c.email, c.figures.completed, c.id in badges)
            for rank, c in enumerate(top, start=1)
        ),
        at_risk=tuple(
            AtRiskClient(
                c.id,
                c.name,
                c.email,
                c.figures.made,
                c.figures.cancelled,
                c.figures.no_shows,
                _missed_share(c),
            )
            for c in at_risk
        ),
        at_risk_count=at_risk_count,
        statuses={
            StatusPill.NEW: counts.new,
            StatusPill.ACTIVE: counts.active,
            StatusPill.REGULAR: counts.regular,
            StatusPill.LAPSED: counts.lapsed,
        },
        stages={stage: stages.get(stage, 0) for stage in Stage},
        conversion=tuple(uow.journeys.conversion(ws, now - window, now)),
        totals=Totals(counts.clients, counts.with_credits, counts.revenue, counts.counted),
    )


def _missed_share(client: Client) -> Decimal:
    f = client.figures
    missed = share(f.cancelled + f.no_shows, f.made)
    assert missed is not None, "an at-risk client has made bookings"
    return missed


def cohort_retention(uow: UnitOfWork, workspace: Workspace, now: datetime) -> CohortRetention:
    """Clients by the month of their first counted booking, and how many of each cohort had
    a counted booking in each month since, up to ``now``'s month (in the workspace timezone)."""
    tz = workspace.tz
    found = uow.insights.cohorts(workspace.id, tz, now)
    last = month_number(month_of(now, tz))
    cohorts = tuple(
        Cohort(
            month=first,
            size=found[first, first],
            active=tuple(
                found.get((first, month_starting(n)), 0)
                for n in range(month_number(first), last + 1)
            ),
        )
        for first in sorted({first for first, _ in found})
    )
    return CohortRetention(as_of=now, timezone=workspace.timezone, cohorts=cohorts)


def monthly_bookings(
    uow: UnitOfWork, workspace: Workspace, now: datetime, months: int
) -> MonthlyBookings:
    """Bookings by the month they start in and their status, for ``months`` months up to
    the end of ``now``'s month (in the workspace timezone)."""
    tz = workspace.tz
    last = month_number(month_of(now, tz))
    firsts = [month_starting(n) for n in range(last - months + 1, last + 2)]
    since, until = (datetime.combine(firsts[i], time(0), tz) for i in (0, -1))
    found = uow.insights.monthly(workspace.id, tz, since, until)
    return MonthlyBookings(
        as_of=now,
        timezone=workspace.timezone,
        months=tuple(
            MonthOfBookings(
                month,
                booked=found.get((month, BookingStatus.BOOKED), 0),
                completed=found.get((month, BookingStatus.COMPLETED), 0),
                cancelled=found.get((month, BookingStatus.CANCELLED), 0),
                no_shows=found.get((month, BookingStatus.NO_SHOW), 0),
            )
            for month in firsts[:-1]
        ),
    )


def spend_distribution(uow: UnitOfWork, workspace: Workspace, bins: int) -> SpendDistribution:
    """Clients with a counted booking by lifetime spend, in at most ``bins`` round bins."""
    top = uow.insights.top_spend(workspace.id)
    width = bin_width(top, bins)
    found = uow.insights.spend_bins(workspace.id, width)
    count = int(top // width) + 1
    return SpendDistribution(
        currency=workspace.currency,
        bins=tuple(SpendBin(width * n, width * (n + 1), found.get(n, 0)) for n in range(count)),
    )


def slipping_clients(
    uow: UnitOfWork, workspace: Workspace, now: datetime, limit: int | None
) -> list[SlippingClient]:
    """The clients slipping away at ``now``, most overdue first (at most ``limit``)."""
    policies = workspace.policies
    window = SlippingWindow(now, workspace.tz, policies.status, policies.insights)
    warned = (
        slipping(c, visits, window) for c, visits in uow.insights.visits(workspace.id, window)
    )
    found = [w for w in warned if w is not None]
    if limit is None:
        return sorted(found, key=slipping_order)
    return heapq.nsmallest(limit, found, key=slipping_order)
