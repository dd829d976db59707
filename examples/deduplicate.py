"""Smart client detection end to end: a booking that may be a known client waits for review,
and a data scientist's list is deduplicated with its extra columns.

Run: ``python examples/deduplicate.py``
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from clientcrm import CRM, Actor, BookingEvent, Workspace
from clientcrm.matching import Compare, Evidence, find_duplicates, score
from clientcrm.models.events import BookingEventKind
from clientcrm.stores.memory import MemoryStore


def booking(booking_id: str, email: str, name: str, phone: str | None = None) -> BookingEvent:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return BookingEvent(
        kind=BookingEventKind.BOOKED,
        event_id=f"{booking_id}-booked",
        booking_id=booking_id,
        occurred_at=at,
        email=email,
        service="Vinyasa Flow",
        starts_at=at,
        name=name,
        phone=phone,
    )


def review_queue() -> None:
    crm = CRM(MemoryStore())
    owner = Actor.owner("lotus")
    crm.save_workspace(Workspace("lotus", "Lotus Yoga", phone_region="GB"), owner)
    crm.record(booking("b1", "kate.smith@gmail.com", "Kate Smith", "+44 7700 900123"), owner)
    # Same phone and name: linked at once, the new email kept as an alias.
    linked = crm.record(booking("b2", "kate@work.example", "Kate Smith", "07700 900123"), owner)
    print(f"linked: {linked.name} <{linked.email}> aliases={sorted(linked.aliases)}")
    # Katherine on a Gmail variant: a partial match, held by a provisional client.
    crm.record(booking("b3", "katesmith+yoga@gmail.com", "Katherine Smith"), owner)
    for review in crm.pending_matches(owner):
        print(f"pending: {review.client.name} <{review.client.email}> may be "
              f"{review.candidate.name} ({review.match.score:.2f})")  # fmt: skip
        for reason in review.match.reasons:
            print(f"  {reason.contribution:+.2f} {reason.feature}: {reason.detail}")
        crm.use_existing(review.match.id, owner)
    kate = crm.find_client("katesmith+yoga@gmail.com", owner)
    print(f"after Use Existing: {len(crm.client_detail(kate.id, owner).bookings)} bookings")


def notebook() -> None:
    people = pd.DataFrame(
        [
            ("1", "Robert Jones", "bob.jones@acme.example", "020 7946 0018", "SW1A 1AA",
             "1980-04-03"),
            ("2", "Bob Jones", None, "+44 20 7946 0018", "SW1A 1AA", "1980-03-04"),
            ("3", "Robert Jones", "rjones@gmail.com", None, "M1 1AE", "1951-07-19"),
            ("4", "Amélie Durand", "amelie.durand@gmail.com", None, "75001", None),
            ("5", "DURAND Amelie", "ameliedurand@gmail.com", None, "75001", None),
        ],
        columns=["id", "name", "email", "phone", "postcode", "birth_date"],
    )  # fmt: skip
    evidence = [Evidence("postcode", Compare.EXACT), Evidence("birth_date", Compare.DATE)]
    found = find_duplicates(people, region="GB", evidence=evidence)
    for cluster in found.clusters:
        print(f"{cluster.level.value} {cluster.score:.2f}: records {', '.join(cluster.ids)}")
    one = score(
        {"name": "Robert Jones", "phone": "020 7946 0018"},
        {"name": "Bob Jones", "phone": "+44 20 7946 0018"},
        region="GB",
    )
    print(f"one pair: {one.level.value} {one.score:.2f}")


if __name__ == "__main__":
    review_queue()
    notebook()
