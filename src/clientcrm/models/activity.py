"""Activities: one-off facts about a client the host reports (forms, reviews, referrals)."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["REPORTED_KINDS", "Activity", "ActivityKind"]


class ActivityKind(enum.StrEnum):
    """What the client did."""

    FORM = "form"
    """Sent a form; like a booking, it creates the client of an unknown email."""
    REFERRAL = "referral"
    REVIEW = "review"
    SOCIAL_SHARE = "social_share"
    REDEMPTION = "redemption"
    """Redeemed loyalty points (`clientcrm.CRM.redeem_points`)."""


@attrs.frozen
class Activity:
    """One activity of a client.

    Attributes:
        id: the host's id of the event (recording it again changes nothing).
        workspace_id: the workspace.
        client_id: the client.
        kind: what they did.
        at: when.
        title: what it was about (the form's title, the review's subject, the reward), if
            known.
        points: the loyalty points a redemption took (zero for every other kind).
    """

    id: str
    workspace_id: str
    client_id: str
    kind: ActivityKind
    at: datetime
    title: str | None = None
    points: int = 0


REPORTED_KINDS = tuple(kind for kind in ActivityKind if kind is not ActivityKind.REDEMPTION)
"""The kinds that only record what happened (a redemption spends a balance too)."""
