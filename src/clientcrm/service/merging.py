"""Merging two clients into one, and undoing it, inside one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from clientcrm.errors import NotFoundError, ValidationError
from clientcrm.matching.block import client_keys
from clientcrm.models.actor import Actor
from clientcrm.models.client import Client
from clientcrm.models.merging import Merge
from clientcrm.models.timeline import EntryKind, TimelineEntry
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.credits import summarise
from clientcrm.service.journeys import Journeys, recompute_figures

__all__ = ["merge_clients", "reindex", "unmerge_clients"]

_TICK = timedelta(microseconds=1)


def reindex(uow: UnitOfWork, workspace: Workspace, *clients: Client) -> None:
    """Write the blocking keys of these clients, so smart detection finds them."""
    region = workspace.phone_region
    uow.matches.index(workspace.id, {c.id: client_keys(c, region) for c in clients})


def _latest_run(*clients: Client) -> datetime | None:
    """The latest scheduled run any of these clients' journeys went through."""
    runs = [c.journey.scheduled for c in clients if c.journey and c.journey.scheduled]
    return max(runs, default=None)


def merge_clients(
    journeys: Journeys,
    survivor_id: str,
    loser_id: str,
    actor: Actor,
    now: datetime,
    new_id: Callable[[], str],
) -> Merge:
    """Move everything of the loser to the survivor, keep the loser's emails and phones as
    aliases, and recompute the survivor's figures and journey; the returned merge holds what
    undoing it needs."""
    uow, workspace = journeys.uow, journeys.workspace
    ws = workspace.id
    if survivor_id == loser_id:
        raise ValidationError("loser_id", "a client cannot be merged into itself")
    survivor = uow.clients.get(ws, survivor_id)
    loser = uow.clients.get(ws, loser_id)
    history = uow.bookings.for_clients(ws, [survivor.id, loser.id])
    moved = [attrs.evolve(b, client_id=survivor.id) for b in history.get(loser.id, [])]
    notes = uow.notes.for_client(ws, loser.id)
    entries = uow.timeline.for_client(ws, loser.id)
    orders = uow.orders.for_clients(ws, [loser.id]).get(loser.id, [])
    activities = uow.activities.for_clients(ws, [loser.id]).get(loser.id, [])
    packages = uow.credits.for_client(ws, loser.id)
    uow.credits.move(ws, [p.id for p in packages], survivor.id)
    uow.bookings.save_many(moved)
    uow.orders.save_many([attrs.evolve(o, client_id=survivor.id) for o in orders])
    uow.activities.save_many([attrs.evolve(a, client_id=survivor.id) for a in activities])
    uow.journeys.replace(ws, [loser.id], (), ())
    for note in notes:
        uow.notes.update(attrs.evolve(note, client_id=survivor.id))
    uow.timeline.move(ws, [e.id for e in entries], survivor.id)
    uow.clients.remove(ws, loser.id)
    earlier = [m.merged_at for c in (survivor.id, loser.id) for m in uow.merges.for_client(ws, c)]
    # Strictly after every earlier merge of either client, even on a clock that stood still:
    # the order of merges decides which may be undone.
    merged_at = max([now, *(at + _TICK for at in earlier)])
    since = min(survivor.created_at, loser.created_at)
    phone = survivor.phone or loser.phone
    merged = attrs.evolve(
        survivor,
        aliases=(survivor.aliases | loser.emails) - {survivor.email},
        phone=phone,
        phone_aliases=(survivor.phones | loser.phones) - {phone},
        language=survivor.language or loser.language,
        avatar_url=survivor.avatar_url or loser.avatar_url,
        tags=survivor.tags | loser.tags,
        flags=survivor.flags | loser.flags,
        custom=loser.custom | survivor.custom,
        created_at=since,
        figures=recompute_figures(uow, ws, {survivor.id: since})[survivor.id],
        credits=summarise(uow.credits.for_client(ws, survivor.id)),
    )
    [merged] = journeys.replay([merged], _latest_run(survivor, loser))
    uow.clients.update(merged)
    merge = Merge(
        id=new_id(),
        workspace_id=ws,
        survivor_id=survivor.id,
        loser_id=loser.id,
        merged_at=merged_at,
        actor_id=actor.id,
        survivor_before=survivor,
        loser=loser,
        booking_ids=tuple(b.id for b in moved),
        note_ids=tuple(n.id for n in notes),
        entry_ids=tuple(e.id for e in entries),
        order_ids=tuple(o.id for o in orders),
        activity_ids=tuple(a.id for a in activities),
        package_ids=tuple(p.id for p in packages),
    )
    uow.merges.add(merge)
    summary = f"{loser.name} <{loser.email}> merged into this client"
    uow.timeline.add([_entry(new_id(), merge, survivor.id, EntryKind.MERGED, summary, actor)])
    uow.matches.index(ws, {loser.id: ()})
    reindex(uow, workspace, merged)
    return merge


def unmerge_clients(
    journeys: Journeys,
    merge_id: str,
    actor: Actor,
    now: datetime,
    new_id: Callable[[], str],
) -> Merge:
    """Restore both clients of a merge as they were; bookings the survivor got since stay
    with it. Undoing an undone merge does nothing.

    Raises:
        ValidationError: a later merge touched either client (undo that one first).
    """
    uow, workspace = journeys.uow, journeys.workspace
    ws = workspace.id
    merge = uow.merges.get(ws, merge_id)
    if merge.undone_at is not None:
        return merge
    for client_id in (merge.survivor_id, merge.loser_id):
        for later in uow.merges.for_client(ws, client_id):
            if later.undone_at is None and later.merged_at > merge.merged_at:
                msg = f"merge {later.id} touched these clients since: undo it first"
                raise ValidationError("merge_id", msg)
    returned = set(merge.booking_ids)
    history = uow.bookings.for_clients(ws, [merge.survivor_id]).get(merge.survivor_id, [])
    back = [attrs.evolve(b, client_id=merge.loser_id) for b in history if b.id in returned]
    ran = _latest_run(uow.clients.get(ws, merge.survivor_id))
    uow.clients.update(merge.survivor_before)
    uow.clients.add([merge.loser])
    uow.bookings.save_many(back)
    _give_back(uow, ws, merge, merge.loser_id)
    since = {c.id: c.created_at for c in (merge.survivor_before, merge.loser)}
    figures = recompute_figures(uow, ws, since)
    survivor, loser = journeys.replay(
        [
            attrs.evolve(
                c, figures=figures[c.id], credits=summarise(uow.credits.for_client(ws, c.id))
            )
            for c in (merge.survivor_before, merge.loser)
        ],
        ran,
    )
    uow.clients.update_figures([survivor, loser])
    for note_id in merge.note_ids:
        try:
            note = uow.notes.get(ws, note_id)
        except NotFoundError:
            continue  # deleted since the merge
        uow.notes.update(attrs.evolve(note, client_id=loser.id))
    uow.timeline.move(ws, merge.entry_ids, loser.id)
    undone = attrs.evolve(merge, undone_at=now)
    uow.merges.update(undone)
    summary = f"merge of {loser.name} <{loser.email}> and {survivor.name} undone"
    uow.timeline.add(
        [
            _entry(new_id(), undone, client_id, EntryKind.UNMERGED, summary, actor)
            for client_id in (survivor.id, loser.id)
        ]
    )
    reindex(uow, workspace, survivor, loser)
    return undone


def _give_back(uow: UnitOfWork, ws: str, merge: Merge, loser_id: str) -> None:
    """Return the loser's orders, activities (those that still exist) and credit packages."""
    orders = uow.orders.get_many(ws, merge.order_ids)
    uow.orders.save_many([attrs.evolve(o, client_id=loser_id) for o in orders.values()])
    activities = uow.activities.get_many(ws, merge.activity_ids)
    uow.activities.save_many([attrs.evolve(a, client_id=loser_id) for a in activities.values()])
    uow.credits.move(ws, merge.package_ids, loser_id)


def _entry(
    entry_id: str, merge: Merge, client_id: str, kind: EntryKind, summary: str, actor: Actor
) -> TimelineEntry:
    at = merge.undone_at or merge.merged_at
    data = {"merge_id": merge.id, "survivor_id": merge.survivor_id, "loser_id": merge.loser_id}
    return TimelineEntry(entry_id, merge.workspace_id, client_id, kind, at, summary, actor.id, data)
