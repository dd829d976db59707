"""Generated visit histories whose truth is known, to measure the early warning honestly.

Each generated client keeps a personal rhythm (every few days, weekly, fortnightly or
monthly, with natural jitter and the odd holiday) and some stop coming for good. Every
absence after a visit is an *episode*: it ends in a lapse when the next visit is 90 days
or more away (or never comes). `evaluate` asks the real `clientcrm.rules.slipping` rule,
at a daily check, whether and when it would have warned during each episode, and counts:

* recall: the share of lapses warned about before the LAPSED pill showed;
* lead: how many days before the pill the warning came;
* false alarms: warnings in episodes where the client came back before lapsing.

A fixed "away 30 days" rule is measured the same way, as the baseline to beat.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs

from clientcrm.models.client import Client, ClientFigures, Source
from clientcrm.policies import InsightPolicy, StatusPolicy
from clientcrm.rules.slipping import SlippingWindow, slipping, usual_gap

__all__ = ["CadenceHistory", "Evaluation", "evaluate", "histories"]

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
_RHYTHMS = (3.5, 7.0, 14.0, 30.0)
_LAPSE = timedelta(days=90)
_UTC = ZoneInfo("UTC")


@attrs.frozen
class CadenceHistory:
    """One generated client: their visits and the truth behind them.

    Attributes:
        rhythm_days: the usual days between visits the generator used.
        visits: the starts of their visits, oldest first.
        churned: whether they stopped coming for good after the last visit.
        observed_until: the end of the observation (no visit after it is known).
    """

    rhythm_days: float
    visits: Sequence[datetime]
    churned: bool
    observed_until: datetime


def histories(
    count: int, *, seed: int = 11, days: int = 540, churn: float = 0.4
) -> list[CadenceHistory]:
    """``count`` clients over ``days`` days; a share ``churn`` of them stops coming."""
    rng = random.Random(seed)
    end = START + timedelta(days=days)
    found = []
    for _ in range(count):
        rhythm = rng.choice(_RHYTHMS)
        at = START + timedelta(days=rng.uniform(0, days / 3))
        stops = START + timedelta(days=rng.uniform(days / 4, days)) if rng.random() < churn else end
        visits = []
        while at < min(stops, end):
            visits.append(at)
            gap = rhythm * rng.lognormvariate(0, 0.3)
            if rng.random() < 0.04:  # a holiday, an injury: a long gap, and back again
                gap *= rng.uniform(2.5, 5)
            at += timedelta(days=gap)
        found.append(CadenceHistory(rhythm, visits, stops < end, end))
    return found


@attrs.frozen
class Evaluation:
    """How a warning rule did over the episodes of many histories.

    Attributes:
        lapses: episodes that ended in a lapse (and were observed long enough to know).
        warned: of those, the ones warned about before the LAPSED pill.
        returns: episodes where the client came back before lapsing.
        false_alarms: of those, the ones warned about anyway.
        lead_days: for each warned lapse, days between the warning and the pill.
    """

    lapses: int
    warned: int
    returns: int
    false_alarms: int
    lead_days: Sequence[float]

    @property
    def recall(self) -> float:
        """The share of lapses warned about in time."""
        return self.warned / self.lapses if self.lapses else math.nan

    @property
    def precision(self) -> float:
        """The share of warnings that were right."""
        alarms = self.warned + self.false_alarms
        return self.warned / alarms if alarms else math.nan

    @property
    def false_alarm_rate(self) -> float:
        """The share of returns warned about for nothing."""
        return self.false_alarms / self.returns if self.returns else math.nan

    @property
    def median_lead_days(self) -> float:
        """The median days of warning before the pill."""
        return statistics.median(self.lead_days) if self.lead_days else math.nan


def evaluate(
    found: Sequence[CadenceHistory],
    policy: InsightPolicy | None = None,
    *,
    fixed_days: int | None = None,
) -> Evaluation:
    """Run the early warning (or, with ``fixed_days``, a fixed "away this long" rule) at a
    daily check during every episode of every history and count how it did."""
    policy = policy or InsightPolicy()
    status = StatusPolicy()
    lapses = warned = returns = false_alarms = 0
    lead: list[float] = []
    for history in found:
        visits = history.visits
        for n, last in enumerate(visits):
            following = visits[n + 1] if n + 1 < len(visits) else None
            if following is None and last + _LAPSE > history.observed_until:
                continue  # not observed long enough to know how it ends
            lapsed = following is None or following - last >= _LAPSE
            ends = min(following or last + _LAPSE, last + _LAPSE)
            seen = visits[: n + 1]
            if fixed_days is None:
                at = _first_warning(seen, ends, policy, status)
            else:
                at = last + timedelta(days=fixed_days)
                at = at if at < ends else None
            if lapsed:
                lapses += 1
                if at is not None:
                    warned += 1
                    lead.append((last + _LAPSE - at) / timedelta(days=1))
            else:
                returns += 1
                false_alarms += at is not None
    return Evaluation(lapses, warned, returns, false_alarms, lead)


def _first_warning(
    visits: Sequence[datetime], ends: datetime, policy: InsightPolicy, status: StatusPolicy
) -> datetime | None:
    """The first daily check (at the hour of the last visit) in the episode at which the
    rule warns. The rule decides: it is asked from a day before the threshold its policy
    implies, day by day (once it warns it keeps warning until the pill shows)."""
    if len(visits) < policy.slipping_min_visits:
        return None
    last, client, day = visits[-1], _client(visits), timedelta(days=1)
    threshold = float(policy.slipping_factor) * (usual_gap(visits) / day)
    at = last + day * max(policy.slipping_min_days, math.floor(threshold) - 1)
    while at < ends:
        if slipping(client, visits, SlippingWindow(at, _UTC, status, policy)) is not None:
            return at
        at += day
    return None


def _client(visits: Sequence[datetime]) -> Client:
    figures = ClientFigures(
        bookings=len(visits),
        spend=Decimal(0),
        first_booking_at=visits[0],
        last_booking_at=visits[-1],
        last_attended_at=visits[-1],
        made=len(visits),
        completed=len(visits),
    )
    return Client(
        id="c",
        workspace_id="w",
        name="C",
        email="c@example.com",
        created_at=visits[0],
        source=Source.BOOKING,
        figures=figures,
    )
