"""Smart client detection of a booking from an unknown email (SPEC section 8).

The incoming name, email and phone give blocking keys; the store returns the clients that
hold any of them (an index lookup, never a scan of the workspace), and each is scored under
each of its emails. The best decides: exact links, partial queues a review, none is new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from clientcrm.matching.block import blocking_keys
from clientcrm.matching.records import Profile, Record
from clientcrm.matching.score import MatchLevel, MatchResult, score_against
from clientcrm.models.client import Client
from clientcrm.models.events import BookingEvent
from clientcrm.models.workspace import Workspace
from clientcrm.policies import MatchMode
from clientcrm.ports import UnitOfWork

__all__ = ["Detection", "detect", "incoming_keys"]

CANDIDATES = 50
"""Most clients one incoming booking is scored against."""


@attrs.frozen
class Detection:
    """The best match of an unknown email's booking: an existing client, how alike, why."""

    client: Client
    result: MatchResult

    @property
    def level(self) -> MatchLevel:
        """Exact (link), partial (review) or none (new client)."""
        return self.result.level


def incoming_keys(event: BookingEvent, workspace: Workspace) -> frozenset[str]:
    """The blocking keys of a booking's name, email and phone."""
    incoming = Record("incoming", event.name, event.email, event.phone)
    return frozenset(blocking_keys(Profile.of(incoming, (), workspace.phone_region)))


def detect(
    uow: UnitOfWork,
    workspace: Workspace,
    event: BookingEvent,
    unsaved: Mapping[str, Sequence[Client]] | None = None,
    keys: frozenset[str] | None = None,
) -> Detection | None:
    """The existing client the booking's booker most likely is, or ``None`` when nobody
    reaches the partial threshold (or the workspace matches by email only).

    ``unsaved`` maps blocking keys to clients not yet in the store (made earlier in the same
    unit of work), which are candidates too; ``keys`` are the booking's `incoming_keys`,
    when the caller has them already.
    """
    policy = workspace.policies.matching
    if policy.mode is MatchMode.EMAIL_ONLY:
        return None
    region = workspace.phone_region
    incoming = Record("incoming", event.name, event.email, event.phone)
    keys = incoming_keys(event, workspace) if keys is None else keys
    ids = uow.matches.candidates(workspace.id, keys, CANDIDATES)
    found = uow.clients.get_many(workspace.id, ids) if ids else {}
    for key in keys & (unsaved or {}).keys():
        found.update((c.id, c) for c in (unsaved or {})[key])
    if not found:
        return None
    clients = list(found.values())[: 2 * CANDIDATES]
    records = [record for client in clients for record in Record.each_of_client(client)]
    results = score_against(incoming, records, policy=policy, region=region)
    best, record = max(zip(results, records, strict=True), key=lambda r: r[0].score)
    client = found[record.id]
    if best.level is MatchLevel.NONE:
        return None
    return Detection(client, best)
