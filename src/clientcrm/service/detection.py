"""Smart client detection of a booking from an unknown email (SPEC section 8).

The incoming name, email and phone give blocking keys; the store returns the clients that
hold any of them (an index lookup, never a scan of the workspace), and each is scored under
each of its emails and phones. The best decides: exact links, partial queues a review, none
is new. A unit of work reads the holders of all its new emails' keys at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from clientcrm.matching.block import blocking_keys, client_keys
from clientcrm.matching.records import Profile, Record
from clientcrm.matching.score import MatchLevel, MatchResult, score_against
from clientcrm.models.client import Client
from clientcrm.models.events import ClientEvent
from clientcrm.models.workspace import Workspace
from clientcrm.policies import MatchMode
from clientcrm.ports import UnitOfWork

__all__ = ["Detection", "Detector", "incoming_keys"]

CANDIDATES = 50
"""Most clients one incoming booking is scored against."""
COMMON_KEY = 100
"""Holders past which a blocking key is too common to single anyone out (a company domain
that half the workspace books from)."""


@attrs.frozen
class Detection:
    """The best match of an unknown email's booking: an existing client, how alike, why."""

    client: Client
    result: MatchResult

    @property
    def level(self) -> MatchLevel:
        """Exact (link), partial (review) or none (new client)."""
        return self.result.level


def incoming_keys(event: ClientEvent, workspace: Workspace) -> frozenset[str]:
    """The blocking keys of a booking's name, email and phone."""
    incoming = Record("incoming", event.name, event.email, event.phone)
    return frozenset(blocking_keys(Profile.of(incoming, (), workspace.phone_region)))


@attrs.define
class Detector:
    """Smart detection for the bookings of one unit of work.

    `prepare` reads the holders of every key of the given bookings in one go; `detect` finds
    the best match of one booking; `add` makes a client created meanwhile a candidate too.
    """

    uow: UnitOfWork
    workspace: Workspace
    _keys: dict[str, frozenset[str]] = attrs.Factory(dict)
    """Each new email's keys, from its first booking."""
    _held: dict[str, Sequence[str]] = attrs.Factory(dict)
    """The stored holders of the keys read so far (none: nobody holds the key)."""
    _unsaved: dict[str, list[Client]] = attrs.Factory(dict)
    """Clients created in this unit of work, under their keys."""
    _made: dict[str, tuple[Client, frozenset[str]]] = attrs.Factory(dict)
    """Clients created from a booking with its very name, email and phone, with its keys."""

    def prepare(self, events: Iterable[ClientEvent]) -> None:
        """Read the holders of these bookings' keys at once (each email by its first)."""
        for event in events:
            if event.email not in self._keys:
                self._keys[event.email] = incoming_keys(event, self.workspace)
        wanted = set().union(*self._keys.values()) - self._held.keys()
        held = self.uow.matches.holders(self.workspace.id, wanted, COMMON_KEY)
        self._held.update({key: held.get(key, ()) for key in wanted})

    def keys(self, event: ClientEvent) -> frozenset[str]:
        """The blocking keys of the booking's email (those of its first booking)."""
        if event.email not in self._keys:
            self.prepare([event])
        return self._keys[event.email]

    def detect(self, event: ClientEvent) -> Detection | None:
        """The existing client the booking's booker most likely is, or ``None`` when nobody
        reaches the partial threshold (or the workspace matches by email only)."""
        policy = self.workspace.policies.matching
        if policy.mode is MatchMode.EMAIL_ONLY:
            return None
        clients = self.candidates(self.keys(event))
        if not clients:
            return None
        incoming = Record("incoming", event.name, event.email, event.phone)
        records = [record for client in clients for record in Record.each_of_client(client)]
        region = self.workspace.phone_region
        results = score_against(incoming, records, policy=policy, region=region)
        best, record = max(zip(results, records, strict=True), key=lambda r: r[0].score)
        if best.level is MatchLevel.NONE:
            return None
        return Detection(next(c for c in clients if c.id == record.id), best)

    def candidates(self, keys: frozenset[str]) -> list[Client]:
        """The clients, stored or created meanwhile, that share the most of ``keys``, at most
        `CANDIDATES`; a key more than `COMMON_KEY` clients hold singles nobody out and
        counts for none."""
        shared: Counter[str] = Counter()
        fresh: dict[str, Client] = {}
        for key in keys:
            ids, new = self._held.get(key, ()), self._unsaved.get(key, ())
            if len(ids) + len(new) > COMMON_KEY:
                continue
            shared.update(ids)
            shared.update(client.id for client in new)
            fresh.update((client.id, client) for client in new)
        best = sorted(shared, key=lambda client_id: (-shared[client_id], client_id))
        best = best[:CANDIDATES]
        stored = [i for i in best if i not in fresh]
        loaded = self.uow.clients.get_many(self.workspace.id, stored) if stored else {}
        found = (fresh.get(i) or loaded.get(i) for i in best)
        return [client for client in found if client is not None]

    def add(self, client: Client, event: ClientEvent) -> None:
        """A client created for this booking: a candidate for the bookings after it."""
        keys = self.keys(event)
        for key in keys:
            self._unsaved.setdefault(key, []).append(client)
        if (client.name, client.phone) == (event.name, event.phone):
            self._made[client.id] = (client, keys)

    def client_keys(self, client: Client) -> frozenset[str]:
        """The blocking keys to index for a client: its booking's, when the client was made
        from that booking as it stands and has not changed since."""
        made = self._made.get(client.id)
        if made is not None and made[0] is client:
            return made[1]
        return client_keys(client, self.workspace.phone_region)
