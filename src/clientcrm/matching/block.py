"""Blocking: which pairs are worth comparing, found without looking at every pair.

Each record gets keys in several passes (its email, its mailbox by provider rules, a
distinctive local part, its phone and the halves of it, its company domain, and its name under
each nickname root beside each evidence value); two records are a candidate pair when they
share a key. A name alone is no key: two records that share nothing else cannot reach the
partial threshold, and common names would make blocks of thousands. A key shared by more
than ``max_block`` records says little (a shared office number, a chain's booking address)
and is dropped: such records still meet through their other keys.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from clientcrm.matching.features import distinctive_local
from clientcrm.matching.names import name_roots
from clientcrm.matching.records import Compare, Evidence, Profile, Record
from clientcrm.models.client import Client

__all__ = ["Candidates", "KeyIndex", "blocking_keys", "candidate_pairs", "client_keys"]

PHONE_TAIL = 6
"""A number's last digits: one mistyped digit leaves either them or the rest intact."""


def client_keys(client: Client, region: str | None = None) -> frozenset[str]:
    """The blocking keys of a client under each of its emails and phones: what a store
    indexes so that an incoming booking finds its candidates without a scan."""
    keys: set[str] = set()
    for record in Record.each_of_client(client):
        keys.update(blocking_keys(Profile.of(record, (), region)))
    return frozenset(keys)


def blocking_keys(profile: Profile, evidence: Sequence[Evidence] = ()) -> Iterator[str]:
    """The keys that bring this record together with its likely duplicates.

    ``evidence`` is what the profile's ``extra`` holds: exact values and dates join the name
    in keys; fuzzy text (a city) is too common to.
    """
    email, name, phone = profile.email, profile.name, profile.phone
    surname = name.last or ""
    if email is not None:
        yield f"e:{email.address}"
        if email.canonical != email.address:
            yield f"e:{email.canonical}"
        if distinctive_local(profile):
            yield f"l:{email.local_key}"
        if not email.free and name.first:
            yield f"d:{email.domain}:{name.first[0]}"
    if phone is not None:
        yield f"p:{phone[-9:]}"
        yield f"t:{phone[-PHONE_TAIL:]}:{surname[:1]}"
        # The head of a number is shared by a whole network: the full name narrows it.
        yield f"h:{phone[:-PHONE_TAIL]}:{surname}:{(name.first or '')[:1]}"
    if name.first and name.last:
        for root in name_roots(name.first):
            for n, (value, kind) in enumerate(zip(profile.extra, evidence, strict=True)):
                if value is not None and kind.compare is not Compare.FUZZY_TEXT:
                    yield f"n{n}:{root}:{name.last}:{value}"


@attrs.frozen
class Candidates:
    """The candidate pairs: positions ``left[k] < right[k]`` in the records given.

    Attributes:
        left: the first record of each pair.
        right: the second.
        dropped_keys: keys shared by too many records to be worth their pairs.
    """

    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    dropped_keys: int

    def __len__(self) -> int:
        return len(self.left)


def candidate_pairs(
    profiles: Sequence[Profile], evidence: Sequence[Evidence] = (), *, max_block: int = 100
) -> Candidates:
    """Every pair of records that share a blocking key, each pair once."""
    index = KeyIndex(evidence)
    for profile in profiles:
        index.add(profile)
    return index.candidates(max_block)


class KeyIndex:
    """The blocking keys of records added one at a time, as arrays of integer codes."""

    def __init__(self, evidence: Sequence[Evidence] = ()) -> None:
        self._evidence = tuple(evidence)
        self._codes: dict[str, int] = {}
        self._owners, self._keys = array("q"), array("q")
        self.size = 0

    def add(self, profile: Profile) -> None:
        """Index the next record's keys."""
        codes = self._codes
        for key in set(blocking_keys(profile, self._evidence)):
            self._owners.append(self.size)
            self._keys.append(codes.setdefault(key, len(codes)))
        self.size += 1

    def extend(self, other: KeyIndex) -> None:
        """Append the records another index took (made in another process), in order."""
        codes = self._codes
        remap = np.array([codes.setdefault(k, len(codes)) for k in other._codes], np.int64)
        self._keys.frombytes((remap[np.frombuffer(other._keys, np.int64)]).tobytes())
        self._owners.frombytes((np.frombuffer(other._owners, np.int64) + self.size).tobytes())
        self.size += other.size

    def candidates(self, max_block: int = 100) -> Candidates:
        """Every pair of records that share a key held by at most ``max_block`` records."""
        key_array = np.frombuffer(self._keys, dtype=np.int64)
        owner_array = np.frombuffer(self._owners, dtype=np.int64)
        sizes = np.bincount(key_array, minlength=len(self._codes))
        kept = sizes[key_array] <= max_block
        order = np.lexsort((owner_array[kept], key_array[kept]))
        block, member = key_array[kept][order], owner_array[kept][order]
        lefts, rights = [], []
        for distance in range(1, max_block):
            same = block[:-distance] == block[distance:]
            if not same.any():
                break
            lefts.append(member[:-distance][same])
            rights.append(member[distance:][same])
        size = max(self.size, 1)
        left = np.concatenate(lefts) if lefts else np.zeros(0, np.int64)
        right = np.concatenate(rights) if rights else np.zeros(0, np.int64)
        unique = np.unique(left * size + right)
        return Candidates(unique // size, unique % size, int((sizes > max_block).sum()))
