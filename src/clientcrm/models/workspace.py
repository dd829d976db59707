"""A workspace: one CRM (a mentor's own, a studio's shared one, a PT's roster)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import phonenumbers

from clientcrm.errors import ValidationError
from clientcrm.models._checks import require_text
from clientcrm.models.money import CURRENCIES
from clientcrm.policies import Policies

__all__ = ["Workspace"]


def _check_timezone(_: object, __: attrs.Attribute[str], value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("timezone", f"{value!r} is not an IANA timezone") from None


def _check_currency(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in CURRENCIES:
        raise ValidationError("currency", f"{value!r} is not an ISO 4217 currency code")


def _check_region(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError("phone_region", f"{value!r} is not a supported region code")


def _check_limit(_: object, __: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError("client_limit", "must not be negative")


def _workspace_id(value: str) -> str:
    return require_text(value, "workspace_id", max_length=64)


@attrs.frozen
class Workspace:
    """One tenant of clientcrm. Nothing is ever read or written across workspaces.

    Attributes:
        id: the host's identifier of the workspace.
        name: a display name.
        timezone: the IANA timezone used for calendar days, months and date grouping.
        currency: the ISO 4217 base currency; money recorded here must be in it.
        phone_region: the region (``"GB"``) in which phone numbers without ``+`` are read.
        client_limit: the plan's maximum number of clients, or ``None`` for unlimited.
        policies: every rule threshold of this workspace.
    """

    id: str = attrs.field(converter=_workspace_id)
    name: str
    timezone: str = attrs.field(default="UTC", validator=_check_timezone)
    currency: str = attrs.field(default="EUR", validator=_check_currency)
    phone_region: str | None = attrs.field(default=None, validator=_check_region)
    client_limit: int | None = attrs.field(default=None, validator=_check_limit)
    policies: Policies = attrs.Factory(Policies)

    @property
    def tz(self) -> ZoneInfo:
        """The workspace timezone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)
