"""Contract: loyalty points and tiers, kept by every store the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clientcrm.errors import InsufficientBalanceError
from clientcrm.models.actor import Actor
from clientcrm.models.events import OrderEvent
from clientcrm.models.journey import MilestoneKind
from clientcrm.models.loyalty import Tier
from clientcrm.models.money import Money
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures

__all__ = ["LoyaltyContract"]

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def _order(n: int, at: datetime, amount: str) -> OrderEvent:
    return OrderEvent(
        "paid", f"pay-{n}", f"o-{n}", at, "kate@example.com", "Pass", Money(amount, "EUR")
    )


class LoyaltyContract(StoreFixtures):
    """Purchases earn points and tiers; redemptions never take points below zero."""

    def test_points_are_redeemed_but_never_below_zero(self, crm: CRM, owner: Actor) -> None:
        kate = crm.record(_order(1, T0, "600"), owner)
        journey = crm.redeem_points(
            kate.id, 450, owner, reason="Free class", at=T0 + DAY, redemption_id="r-1"
        )
        assert (journey.points, journey.redeemed, journey.available) == (600, 450, 150)
        assert journey.tier is Tier.SILVER
        again = crm.redeem_points(kate.id, 450, owner, at=T0 + DAY, redemption_id="r-1")
        assert again == journey  # the same redemption, retried: taken once
        with pytest.raises(InsufficientBalanceError) as refused:
            crm.redeem_points(kate.id, 151, owner, at=T0 + 2 * DAY, redemption_id="r-2")
        assert (refused.value.available, refused.value.requested) == (150, 151)
        assert crm.get_client(kate.id, owner).journey == journey  # nothing changed
        report = crm.rebuild(owner)
        assert (report.repaired, report.journeys_repaired) == ([], [])

    def test_tiers_move_up_with_purchases_and_down_when_points_age(
        self, crm: CRM, owner: Actor
    ) -> None:
        """Gold at the purchase; Bronze from the first instant of the month in which the
        purchase left the twelve-month window (workspace calendar), when the job runs."""
        kate = crm.record(_order(1, T0, "2000"), owner)
        assert kate.journey is not None
        assert [(c.tier, c.at) for c in kate.journey.tiers] == [(Tier.GOLD, T0)]
        milestones = {m.kind: m.at for m in crm.journey(kate.id, owner).milestones}
        assert milestones[MilestoneKind.LOYALTY_TIER_UPGRADE] == T0
        crm.run_scheduled(T0 + 400 * DAY, owner)
        journey = crm.get_client(kate.id, owner).journey
        assert journey is not None
        tz = crm.workspace(owner).tz
        march = datetime(2026, 3, 1, tzinfo=tz).astimezone(UTC)
        assert [(c.previous, c.tier, c.at, c.trigger) for c in journey.tiers[1:]] == [
            (Tier.GOLD, Tier.BRONZE, march, "window")
        ]
        report = crm.rebuild(owner)
        assert (report.repaired, report.journeys_repaired) == ([], [])
