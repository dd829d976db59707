"""Deciding pending matches: Use Existing, Create New, Ignore; and distinct pairs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client
from clientcrm.models.merging import Distinction, MatchStatus, PendingMatch
from clientcrm.models.timeline import EntryKind, TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.service.journeys import Journeys
from clientcrm.service.merging import merge_clients

__all__ = ["PendingReview", "decide", "distinguish", "holding_distinctions"]

_SAID = {
    MatchStatus.USED_EXISTING: "same person: merged into {candidate}",
    MatchStatus.CREATED_NEW: "not the same person as {candidate}: kept apart",
    MatchStatus.IGNORED: "possible match with {candidate} dismissed",
}


@attrs.frozen
class PendingReview:
    """A pending match with both records, side by side, for a reviewer.

    Attributes:
        match: the pending match: its score and reasons.
        client: the provisional client holding the booking.
        candidate: the existing client it may be.
    """

    match: PendingMatch
    client: Client
    candidate: Client


def decide(
    journeys: Journeys,
    match_id: str,
    decision: MatchStatus,
    actor: Actor,
    now: datetime,
    new_id: Callable[[], str],
) -> PendingMatch:
    """Take a decision on an open pending match; repeating the same decision does nothing.

    Raises:
        ValidationError: the match was already decided otherwise.
    """
    uow, workspace = journeys.uow, journeys.workspace
    match = uow.matches.get_pending(workspace.id, match_id)
    if match.status is decision:
        return match
    if match.status is not MatchStatus.OPEN:
        msg = f"already decided ({match.status.value}); it cannot become {decision.value}"
        raise ValidationError("match_id", msg)
    client = uow.clients.get(workspace.id, match.client_id)
    candidate = uow.clients.get(workspace.id, match.candidate_id)
    decided = attrs.evolve(match, status=decision, decided_at=now, decided_by=actor.id)
    uow.matches.update_pending(decided)
    if decision is MatchStatus.USED_EXISTING:
        merge_clients(journeys, candidate.id, client.id, actor, now, new_id)
    elif decision is MatchStatus.CREATED_NEW:
        uow.matches.add_distinction(Distinction.of(client, candidate, now, actor.id))
    summary = _SAID[decision].format(candidate=f"{candidate.name} <{candidate.email}>")
    owners = {candidate.id} if decision is MatchStatus.USED_EXISTING else {client.id, candidate.id}
    data = {"match_id": match.id, "decision": decision.value, "score": match.score}
    uow.timeline.add(
        [
            TimelineEntry(
                new_id(),
                workspace.id,
                owner,
                EntryKind.MATCH_DECIDED,
                now,
                summary,
                actor.id,
                data,
            )
            for owner in sorted(owners)
        ]
    )
    return decided


def distinguish(
    uow: UnitOfWork, workspace: Workspace, a_id: str, b_id: str, actor: Actor, now: datetime
) -> Distinction:
    """Remember that two clients are different people, as they are now."""
    if a_id == b_id:
        raise ValidationError("b_id", "a client is always the same person as itself")
    a, b = uow.clients.get(workspace.id, a_id), uow.clients.get(workspace.id, b_id)
    distinction = Distinction.of(a, b, now, actor.id)
    uow.matches.add_distinction(distinction)
    return distinction


def holding_distinctions(uow: UnitOfWork, workspace_id: str) -> list[tuple[str, str]]:
    """The pairs of clients still known to be different people: neither has changed its
    name, email or phone since."""
    distinctions = uow.matches.distinctions(workspace_id)
    ids = {i for d in distinctions for i in (d.a_id, d.b_id)}
    clients = uow.clients.get_many(workspace_id, ids)
    return [
        (d.a_id, d.b_id)
        for d in distinctions
        if d.a_id in clients and d.b_id in clients and d.holds(clients[d.a_id], clients[d.b_id])
    ]
