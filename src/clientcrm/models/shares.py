"""Shares (rates) as the dashboards show them: exact fractions rounded to four places."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["share"]

_PLACES = Decimal("0.0001")


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` rounded to four places; ``None`` when ``whole`` is 0."""
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES) if whole else None
