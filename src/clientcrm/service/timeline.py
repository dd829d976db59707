"""Gathering a client's feed (SPEC section 9) from every repository, as the reader may see
it: a private note is its author's alone, and notes need the ``view_notes`` permission."""

from __future__ import annotations

from clientcrm.models.actor import Actor, Permission
from clientcrm.models.client import Client
from clientcrm.models.journey import JourneyHistory
from clientcrm.models.timeline import FeedItem
from clientcrm.ports import UnitOfWork
from clientcrm.rules.timeline import FeedSources, feed
from clientcrm.service import permissions as perm

__all__ = ["client_feed"]


def client_feed(uow: UnitOfWork, client: Client, actor: Actor) -> list[FeedItem]:
    """Everything about ``client`` the actor may see, newest first."""
    ws, ids = client.workspace_id, [client.id]
    notes = uow.notes.for_client(ws, client.id) if actor.can(Permission.VIEW_NOTES) else []
    sources = FeedSources(
        currency=uow.workspaces.get(ws).currency,
        bookings=uow.bookings.for_clients(ws, ids).get(client.id, []),
        orders=uow.orders.for_clients(ws, ids).get(client.id, []),
        purchases=uow.purchases.for_clients(ws, ids).get(client.id, []),
        activities=uow.activities.for_clients(ws, ids).get(client.id, []),
        notes=[n for n in notes if perm.visible_note(actor, n)],
        credits=uow.credits.ledger(ws, client.id),
        history=uow.journeys.for_clients(ws, ids).get(client.id, JourneyHistory()),
        entries=uow.timeline.for_client(ws, client.id),
    )
    return feed(sources)
