"""Contract: the insights page, cohort retention and the early warning on every store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest

from clientcrm.errors import PermissionDeniedError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import StatusPill
from clientcrm.models.insights import Cohort, Overview
from clientcrm.models.journey import Stage
from clientcrm.models.workspace import Workspace
from clientcrm.policies import InsightPolicy
from clientcrm.service.crm import CRM
from clientcrm.testing.clock import FrozenClock
from clientcrm.testing.conformance.base import StoreFixtures, event

__all__ = ["InsightContract"]

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def _book(
    crm: CRM,
    actor: Actor,
    email: str,
    *outcomes: str,
    days_ago: float = 1,
    every: float = 1,
    paid: str | None = None,
    series_id: str | None = None,
) -> None:
    """Bookings of ``email`` with these outcomes ("booked", "completed", "cancelled",
    "no_show"), the first starting ``days_ago`` days before now and each next one ``every``
    days later (a negative ``days_ago`` is in the future)."""
    name = email.split("@", maxsplit=1)[0].title()
    for n, outcome in enumerate(outcomes):
        start = NOW - timedelta(days=days_ago - n * every)
        booking = f"{email}-{start.isoformat()}"
        kinds = ["booked"] if outcome == "booked" else ["booked", outcome]
        for kind, amount in [(k, None) for k in kinds] + ([("paid", paid)] if paid else []):
            crm.record(
                event(
                    kind,
                    booking,
                    email=email,
                    name=name,
                    at=min(start, NOW),
                    starts_at=start,
                    amount=amount,
                    series_id=series_id,
                ),
                actor,
            )


class InsightContract(StoreFixtures):
    """`CRM.insights`, `CRM.cohort_retention` and `CRM.slipping` over the store."""

    @pytest.fixture
    def insight_studio(self, crm: CRM, owner: Actor, clock: FrozenClock) -> CRM:
        """Seven clients whose every insight is known."""
        clock.set(NOW)
        _book(crm, owner, "ana@example.com", *["completed"] * 6, days_ago=6, paid="20.00")
        _book(
            crm,
            owner,
            "ben@example.com",
            "completed",
            "cancelled",
            "cancelled",
            "no_show",
            days_ago=10,
        )
        _book(crm, owner, "cai@example.com", "cancelled", "cancelled", "cancelled", days_ago=20)
        _book(crm, owner, "dee@example.com", *["completed"] * 7, *["cancelled"] * 3, days_ago=30)
        _book(crm, owner, "eve@example.com", *["completed"] * 6, *["no_show"] * 4, days_ago=40)
        _book(crm, owner, "fay@example.com", "completed", days_ago=120)
        _book(crm, owner, "fay@example.com", "booked", days_ago=-2, series_id="tue-yin")
        crm.add_client(owner, name="Gus Manual", email="gus@example.com")
        return crm

    def test_the_overview_cards_and_the_outcomes(self, insight_studio: CRM, owner: Actor) -> None:
        """Clients and active ones, bookings made and completed, the rates, recurring."""
        found = insight_studio.insights(owner)
        assert found.overview == Overview(
            clients=7,
            active_clients=4,  # ana, ben, dee, eve: cai has nothing counted, fay lapsed
            bookings=35,
            completed=21,
            completion_rate=Decimal("0.6176"),  # 21 of the 34 with an outcome
            recurring_clients=1,
        )
        outcomes = found.outcomes
        assert (outcomes.completed, outcomes.cancelled, outcomes.no_shows) == (21, 8, 5)
        assert outcomes.no_show_rate == Decimal("0.1471")
        assert found.totals.customers == 7
        assert found.totals.revenue == Decimal("120.00")
        assert found.statuses == {  # cai and gus new, ben active, fay lapsed
            StatusPill.NEW: 2,
            StatusPill.ACTIVE: 1,
            StatusPill.REGULAR: 3,
            StatusPill.LAPSED: 1,
        }
        assert found.as_of == NOW
        assert found.currency == "EUR"

    def test_top_clients_by_completed_bookings_ties_by_name(
        self, insight_studio: CRM, owner: Actor
    ) -> None:
        """Most completed first; equal counts by name; the recurring badge."""
        top = insight_studio.insights(owner).top_clients
        assert [(t.rank, t.name, t.completed, t.recurring) for t in top] == [
            (1, "Dee", 7, False),
            (2, "Ana", 6, False),
            (3, "Eve", 6, False),
            (4, "Ben", 1, False),
            (5, "Fay", 1, True),
        ]

    def test_at_risk_means_more_than_three_bookings_and_above_thirty_percent(
        self, insight_studio: CRM, owner: Actor
    ) -> None:
        """Three bookings all cancelled is not enough; exactly 30% is not above it."""
        found = insight_studio.insights(owner)
        assert found.at_risk_count == 2
        assert [(c.name, c.bookings, c.cancelled, c.no_shows, c.rate) for c in found.at_risk] == [
            ("Ben", 4, 2, 1, Decimal("0.7500")),
            ("Eve", 10, 0, 4, Decimal("0.4000")),
        ]

    def test_thresholds_come_from_the_policy(self, insight_studio: CRM, owner: Actor) -> None:
        """A workspace that lists only the top 2, and calls 30% at risk, sees so."""
        workspace = insight_studio.workspace(owner)
        policy = InsightPolicy(
            top_clients=2, at_risk_more_than=2, at_risk_rate=Decimal("0.29"), at_risk_shown=1
        )
        policies = attrs.evolve(workspace.policies, insights=policy)
        insight_studio.save_workspace(attrs.evolve(workspace, policies=policies), owner)
        found = insight_studio.insights(owner)
        assert [t.name for t in found.top_clients] == ["Dee", "Ana"]
        assert found.at_risk_count == 4  # cai's 3 of 3 and dee's 3 of 10 now count
        assert [c.name for c in found.at_risk] == ["Cai"]

    def test_recurring_counts_only_series_still_ahead(
        self, crm: CRM, owner: Actor, clock: FrozenClock
    ) -> None:
        """A past, a cancelled or a one-off booking does not make a client recurring."""
        clock.set(NOW)
        _book(crm, owner, "past@example.com", "booked", days_ago=3, series_id="s1")
        _book(crm, owner, "gone@example.com", "cancelled", days_ago=-3, series_id="s2")
        _book(crm, owner, "once@example.com", "booked", days_ago=-3)
        _book(crm, owner, "yes@example.com", "booked", "booked", days_ago=-3, series_id="s3")
        assert crm.insights(owner).overview.recurring_clients == 1

    def test_stages_and_an_empty_workspace(self, insight_studio: CRM, owner: Actor) -> None:
        """Every stage is listed; a workspace with no one has no rates, not zeros."""
        found = insight_studio.insights(owner)
        assert list(found.stages) == list(Stage)
        assert sum(found.stages.values()) == 7
        empty = insight_studio.insights(Actor.owner("ws-b"))
        assert empty.overview.completion_rate is None
        assert empty.outcomes.no_show_rate is None
        assert (empty.top_clients, empty.at_risk, empty.at_risk_count) == ((), (), 0)

    def test_members_see_no_insights(self, insight_studio: CRM) -> None:
        """The figures of a whole workspace are for staff."""
        member = Actor("m1", "ws-a", Role.MEMBER)
        for ask in (
            insight_studio.insights,
            insight_studio.cohort_retention,
            insight_studio.slipping,
        ):
            with pytest.raises(PermissionDeniedError):
                ask(member)

    def test_cohorts_are_months_in_the_workspace_timezone(
        self, crm: CRM, clock: FrozenClock
    ) -> None:
        """Late on Dec 31 in New York is January in UTC, and still December's cohort."""
        clock.set(NOW)
        ny = Actor.owner("ws-ny")
        crm.save_workspace(Workspace("ws-ny", "NY", timezone="America/New_York"), ny)
        local = ZoneInfo("America/New_York")
        first = datetime(2025, 12, 31, 23, 30, tzinfo=local)
        for n, start in enumerate((first, datetime(2026, 1, 9, 10, tzinfo=local))):
            for kind in ("booked", "completed"):
                crm.record(
                    event(kind, f"x{n}", email="x@example.com", at=start, starts_at=start), ny
                )
        refunded = datetime(2025, 11, 5, 10, tzinfo=local)  # not counted: no November cohort
        for kind, amount in (("completed", None), ("paid", "10"), ("refunded", None)):
            crm.record(
                event(
                    kind,
                    "x-nov",
                    email="x@example.com",
                    at=refunded,
                    starts_at=refunded,
                    amount=amount,
                ),
                ny,
            )
        y_start = datetime(2026, 1, 1, 0, 30, tzinfo=local)
        crm.record(
            event("completed", "y0", email="y@example.com", at=y_start, starts_at=y_start), ny
        )
        found = crm.cohort_retention(ny)
        assert found.cohorts == (
            Cohort(date(2025, 12, 1), 1, (1, 1)),
            Cohort(date(2026, 1, 1), 1, (1,)),
        )
        assert found.cohorts[0].retention == (Decimal(1), Decimal(1))
        assert found.timezone == "America/New_York"

    def test_cohorts_count_each_client_once_a_month_and_stop_at_now(
        self, crm: CRM, owner: Actor, clock: FrozenClock
    ) -> None:
        """Three visits in a month are one; a month with none is a zero; the future is out."""
        clock.set(NOW)
        _book(
            crm, owner, "a@example.com", "completed", "completed", "completed", days_ago=75, every=3
        )  # three visits in early November
        _book(crm, owner, "a@example.com", "completed", days_ago=5)  # January
        _book(crm, owner, "b@example.com", "completed", days_ago=70)  # November
        _book(crm, owner, "b@example.com", "completed", days_ago=-20)  # completed ahead: out
        assert crm.cohort_retention(owner).cohorts == (Cohort(date(2025, 11, 1), 2, (2, 0, 1)),)

    def test_monthly_bookings_by_status_in_the_workspace_timezone(
        self, crm: CRM, owner: Actor, clock: FrozenClock
    ) -> None:
        """00:30 on Sep 1 in London is August in UTC, and September here; months without
        bookings are zeros; the window ends with the current month."""
        clock.set(NOW)
        london = ZoneInfo("Europe/London")
        for booking, kind, start in (
            ("sep", "completed", datetime(2025, 9, 1, 0, 30, tzinfo=london)),
            ("nov", "cancelled", datetime(2025, 11, 3, 18, tzinfo=london)),
            ("jan", "booked", datetime(2026, 1, 20, 9, tzinfo=london)),
            ("feb", "booked", datetime(2026, 2, 2, 9, tzinfo=london)),  # next month: out
            ("jul", "completed", datetime(2025, 7, 15, 9, tzinfo=london)),  # too old: out
        ):
            crm.record(event(kind, booking, at=min(start, NOW), starts_at=start), owner)
        found = crm.monthly_bookings(owner, months=6)
        assert [
            (m.month, m.booked, m.completed, m.cancelled, m.no_shows) for m in found.months
        ] == [
            (date(2025, 8, 1), 0, 0, 0, 0),
            (date(2025, 9, 1), 0, 1, 0, 0),
            (date(2025, 10, 1), 0, 0, 0, 0),
            (date(2025, 11, 1), 0, 0, 1, 0),
            (date(2025, 12, 1), 0, 0, 0, 0),
            (date(2026, 1, 1), 1, 0, 0, 0),
        ]

    def test_spend_distribution_in_round_bins(
        self, crm: CRM, owner: Actor, clock: FrozenClock
    ) -> None:
        """Bins of a round width from zero; the top spend falls in the last; clients with
        no counted booking are left out."""
        clock.set(NOW)
        for email, paid in (
            ("a@x.com", None),
            ("b@x.com", "15"),
            ("c@x.com", "99.99"),
            ("d@x.com", "250"),
        ):
            _book(crm, owner, email, "completed", days_ago=3, paid=paid)
        _book(crm, owner, "e@x.com", "cancelled", days_ago=3)
        found = crm.spend_distribution(owner, bins=5)
        assert found.currency == "EUR"
        assert [(b.low, b.high, b.clients) for b in found.bins] == [
            (Decimal(0), Decimal(100), 3),
            (Decimal(100), Decimal(200), 0),
            (Decimal(200), Decimal(300), 1),
        ]

    def test_slipping_flags_clients_away_long_for_their_own_rhythm(
        self, crm: CRM, owner: Actor, clock: FrozenClock
    ) -> None:
        """Away beyond twice the usual gap, beyond the longest gap so far and 21 days, not
        lapsed, nothing booked; most overdue first. Each neighbour of a boundary stays quiet."""
        clock.set(NOW)
        weekly = ["completed"] * 8
        _book(crm, owner, "wes@example.com", *weekly, days_ago=22 + 49, every=7)  # 22 days
        _book(crm, owner, "dot@example.com", *weekly, days_ago=21 + 49, every=7)  # exactly 21
        _book(crm, owner, "lia@example.com", *weekly, days_ago=20 + 49, every=7)  # 20 days
        fortnightly = ["completed"] * 6
        _book(crm, owner, "kim@example.com", *fortnightly, days_ago=28 + 70, every=14)  # 2x
        _book(crm, owner, "hol@example.com", *["completed"] * 5, days_ago=107, every=7)
        _book(crm, owner, "hol@example.com", *["completed"] * 3, days_ago=44, every=7)  # 35 off
        _book(crm, owner, "pat@example.com", *weekly, days_ago=22 + 49, every=7)
        _book(crm, owner, "pat@example.com", "booked", days_ago=-1)  # coming back tomorrow
        _book(crm, owner, "old@example.com", *weekly, days_ago=95 + 49, every=7)  # lapsed
        _book(crm, owner, "few@example.com", *["completed"] * 3, days_ago=30 + 14, every=7)
        _book(crm, owner, "mo@example.com", *["completed"] * 5, days_ago=40 + 120, every=30)
        found = crm.slipping(owner)
        assert [(s.name, s.usual_gap, s.absence, s.overdue) for s in found] == [
            ("Wes", timedelta(days=7), timedelta(days=22), Decimal("3.14")),
            ("Dot", timedelta(days=7), timedelta(days=21), Decimal("3.00")),
        ]
        wes = found[0]
        assert (wes.visits, wes.longest_gap) == (8, timedelta(days=7))
        assert wes.last_visit == NOW - timedelta(days=22)
        assert wes.lapses_on == (NOW - timedelta(days=22)).date() + timedelta(days=90)
        assert [s.name for s in crm.slipping(owner, limit=1)] == ["Wes"]
