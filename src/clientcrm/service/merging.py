"""Merging two clients into one, and undoing it, inside one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

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
    orders = _take(uow.orders, ws, loser.id, survivor.id)
    activities = _take(uow.activities, ws, loser.id, survivor.id)
    purchases = _take(uow.purchases, ws, loser.id, survivor.id)
    packages = uow.credits.for_client(ws, loser.id)
    uow.credits.move(ws, [p.id for p in packages], survivor.id)
    uow.bookings.save_many(moved)
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
        order_ids=orders,
        activity_ids=activities,
        purchase_ids=purchases,
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
    """Return the loser's orders, activities, purchases (those that still exist) and credit
    packages."""
    _give(uow.orders, ws, merge.order_ids, loser_id)
    _give(uow.activities, ws, merge.activity_ids, loser_id)
    _give(uow.purchases, ws, merge.purchase_ids, loser_id)
    uow.credits.move(ws, merge.package_ids, loser_id)


class _Owned(Protocol):
    """A repository of records that each belong to one client (orders, activities...)."""

    def get_many(self, workspace_id: str, ids: Collection[str], /) -> Mapping[str, Any]: ...

    def save_many(self, records: Sequence[Any], /) -> None: ...

    def for_clients(
        self, workspace_id: str, client_ids: Collection[str], /
    ) -> Mapping[str, Sequence[Any]]: ...


def _take(repository: _Owned, ws: str, loser_id: str, survivor_id: str) -> tuple[str, ...]:
    """Move the loser's records to the survivor; return their ids."""
    records = repository.for_clients(ws, [loser_id]).get(loser_id, [])
    repository.save_many([attrs.evolve(r, client_id=survivor_id) for r in records])
    return tuple(r.id for r in records)


def _give(repository: _Owned, ws: str, ids: Collection[str], client_id: str) -> None:
    """Move the records with these ids (those that still exist) to the client."""
    records = repository.get_many(ws, ids).values()
    repository.save_many([attrs.evolve(r, client_id=client_id) for r in records])


def _entry(
    entry_id: str, merge: Merge, client_id: str, kind: EntryKind, summary: str, actor: Actor
) -> TimelineEntry:
    at = merge.undone_at or merge.merged_at
    data = {"merge_id": merge.id, "survivor_id": merge.survivor_id, "loser_id": merge.loser_id}
    return TimelineEntry(entry_id, merge.workspace_id, client_id, kind, at, summary, actor.id, data)
