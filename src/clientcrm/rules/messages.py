"""The contact-frequency guard and personalised text (SPEC section 14): pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from clientcrm.models.client import Client
from clientcrm.policies import MessagePolicy

__all__ = ["next_allowed", "personalise"]


def next_allowed(
    sent: Iterable[datetime], now: datetime, tz: ZoneInfo, policy: MessagePolicy
) -> date | None:
    """``None`` when one more re-engagement message may go out at ``now``; otherwise the
    first day (in ``tz``) it may: when the oldest message of the window leaves it.

    ``sent`` are the times earlier re-engagement messages went to the client. The window is
    the last ``window_months`` calendar months: a message sent on 15 March counts until
    15 June (three months) and not on that day.
    """
    today = now.astimezone(tz).date()
    window = relativedelta(months=policy.window_months)
    recent = sorted(
        (day for day in (at.astimezone(tz).date() for at in sent) if day + window > today),
        reverse=True,
    )
    if len(recent) < policy.re_engagement_limit:
        return None
    oldest: date = recent[policy.re_engagement_limit - 1] + window
    return oldest


def personalise(text: str, client: Client) -> str:
    """``text`` with ``{name}`` and ``{first_name}`` replaced by the client's (nothing else
    in the text is interpreted)."""
    first = client.name.split()[0] if client.name.split() else client.name
    return text.replace("{first_name}", first).replace("{name}", client.name)
