"""Loyalty points and tiers (SPEC section 11): the part of the journey fold that keeps them.

Purchases earn points (per currency unit, and per visit for a completed booking). The tier is
set by the points earned in the policy's window of calendar months: earning moves a client up
at once; old points leaving the window move them down at the start of the month it happens.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from clientcrm.models.journey import Journey
from clientcrm.models.loyalty import Tier, TierChange
from clientcrm.policies import LoyaltyPolicy
from clientcrm.rules.calendar import month_key, month_start, shift_month

__all__ = ["Loyalty", "points_for", "tier_for"]

_BRONZE = Tier.BRONZE
_NOTHING = Decimal(0)  # compared with as a Decimal: an int would be converted every time


def points_for(value: Decimal, policy: LoyaltyPolicy, visit: bool = False) -> int:
    """The whole points a purchase worth ``value`` earns (and a visit, when it is one)."""
    points = int(value * policy.points_per_unit) if value > _NOTHING else 0
    return points + policy.points_per_visit if visit else points


def tier_for(points: int, policy: LoyaltyPolicy) -> Tier:
    """The tier ``points`` earned inside the window merit."""
    if points >= policy.platinum:
        return Tier.PLATINUM
    if points >= policy.gold:
        return Tier.GOLD
    if points >= policy.silver:
        return Tier.SILVER
    return _BRONZE


def _next_threshold(tier: Tier, policy: LoyaltyPolicy) -> float:
    """The points the tier above ``tier`` asks for (infinity above Platinum)."""
    if tier is _BRONZE:
        return policy.silver
    if tier is Tier.SILVER:
        return policy.gold
    return policy.platinum if tier is Tier.GOLD else math.inf


@dataclasses.dataclass
class Loyalty:
    """A client's points and tier while their history is folded."""

    policy: LoyaltyPolicy
    tz: ZoneInfo
    points: int = 0
    redeemed: int = 0
    earned: dict[str, int] = dataclasses.field(default_factory=dict)
    tier: Tier = _BRONZE
    tiers: list[TierChange] = dataclasses.field(default_factory=list)
    _downgrade: tuple[int, int, tuple[datetime, Tier] | None] | None = dataclasses.field(
        init=False, compare=False, repr=False
    )
    """The next downgrade, for (points, tier changes): the state it was worked out for."""
    _above: float = dataclasses.field(init=False, compare=False, repr=False)
    """The points the tier above asks for: below them, earning cannot move the client up."""

    def __post_init__(self) -> None:
        self._downgrade = None  # not a field default: see `Progress.__post_init__`
        self._above = _next_threshold(self.tier, self.policy)

    @classmethod
    def of(cls, journey: Journey, policy: LoyaltyPolicy, tz: ZoneInfo) -> Loyalty:
        """The loyalty a stored journey holds."""
        j = journey
        return cls(policy, tz, j.points, j.redeemed, dict(j.earned), j.tier, list(j.tiers))

    def earn(self, points: int, month: str) -> Tier | None:
        """Add points earned in ``month``; the higher tier they merit, if any (`move` there)."""
        total = self.points = self.points + points
        earned = self.earned
        if month in earned:
            earned[month] += points
        else:
            earned[month] = points
            window = self.policy.window_months
            if window is not None:  # a new month: forget the months it pushed out
                oldest = shift_month(month, 1 - window)
                for old in [m for m in earned if m < oldest]:
                    del earned[old]
        if total < self._above:
            return None  # not even every point ever earned would be enough
        tier = tier_for(self._in_window(month), self.policy)
        return tier if tier.rank > self.tier.rank else None

    def move(self, at: datetime, tier: Tier, trigger: str) -> TierChange:
        """Move to ``tier`` at ``at``."""
        change = TierChange(at, self.tier, tier, trigger)
        self.tiers.append(change)
        self.tier = tier
        self._above = _next_threshold(tier, self.policy)
        return change

    def next_downgrade(self) -> tuple[datetime, Tier] | None:
        """When (the start of a month) old points leaving the window will move the client
        down, and to which tier, if nothing more is earned."""
        if self.tier is _BRONZE or self.policy.window_months is None:
            return None
        cached = self._downgrade
        if cached is not None and cached[:2] == (self.points, len(self.tiers)):
            return cached[2]
        latest = max(self.earned, default="0000-01")
        if self.tiers:
            latest = max(latest, month_key(self.tiers[-1].at, self.tz))
        found = None
        for ahead in range(1, self.policy.window_months + 1):
            month = shift_month(latest, ahead)
            tier = tier_for(self._in_window(month), self.policy)
            if tier.rank < self.tier.rank:
                found = (month_start(month, self.tz), tier)
                break
        self._downgrade = (self.points, len(self.tiers), found)
        return found

    def _in_window(self, month: str) -> int:
        """The points earned in the window that ends with ``month``."""
        window = self.policy.window_months
        if window is None:
            return self.points
        oldest = shift_month(month, 1 - window)
        return sum(points for m, points in self.earned.items() if oldest <= m <= month)
