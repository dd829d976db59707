"""Loyalty tiers (SPEC section 11, seed 002): what a client's recent spending has earned."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["Tier", "TierChange"]


class Tier(enum.StrEnum):
    """A loyalty tier; every client starts in Bronze."""

    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"

    @property
    def rank(self) -> int:
        """The tier's place from the bottom (Bronze: 0)."""
        return _RANK[self]


_RANK = {tier: n for n, tier in enumerate(Tier)}


@attrs.frozen
class TierChange:
    """A client's move up or down the tiers.

    Attributes:
        at: when: the purchase that earned the points, or the start of the calendar month in
            which old points left the qualifying window.
        previous: the tier before.
        tier: the tier after.
        trigger: what caused it: the purchase (``"attended:bk-17"``) or ``"window"``.
    """

    at: datetime
    previous: Tier
    tier: Tier
    trigger: str

    @property
    def upgrade(self) -> bool:
        """Whether the client moved up."""
        return self.tier.rank > self.previous.rank
