"""Record a studio's week of bookings and ask the questions a dashboard asks.

Run: python examples/quickstart.py
"""

from datetime import UTC, datetime, timedelta

from clientcrm import (
    CRM,
    Actor,
    BookingEvent,
    ClientQuery,
    Money,
    NoteVisibility,
    SortKey,
    StatusPill,
    Workspace,
)
from clientcrm.stores.memory import MemoryStore
from clientcrm.testing import FrozenClock

clock = FrozenClock(datetime(2026, 3, 9, 12, tzinfo=UTC))
crm = CRM(MemoryStore(), clock=clock)
owner = Actor.owner("lotus")
crm.save_workspace(
    Workspace("lotus", "Lotus Yoga", timezone="Europe/London", currency="GBP"), owner
)

monday = datetime(2026, 3, 2, 18, tzinfo=UTC)
people = [("Kate Smith", "kate@example.com"), ("Ben Novak", "ben@example.com")]
n = 0
for day in range(5):
    for name, email in people:
        n += 1
        start = monday + timedelta(days=day)
        booking = f"bk-{n}"
        # Ben missed Friday's class; the studio kept the money.
        outcome = "no_show" if email.startswith("ben") and day == 4 else "completed"
        for kind, amount in (("booked", None), ("paid", "18.00"), (outcome, None)):
            crm.record(
                BookingEvent(
                    kind,
                    f"{booking}-{kind}",
                    booking,
                    start - timedelta(days=1),
                    email,
                    "Vinyasa Flow",
                    start,
                    name=name,
                    amount=Money(amount, "GBP") if amount else None,
                ),
                owner,
            )

regulars = crm.list_clients(ClientQuery(statuses={StatusPill.REGULAR}, sort=SortKey.SPEND), owner)
for client in regulars.clients:
    print(f"{client.name}: {client.figures.bookings} bookings, £{client.figures.spend}")

kate = crm.find_client("kate@example.com", owner)
crm.add_note(kate.id, "Training for a half-marathon in June", owner, visibility=NoteVisibility.TEAM)
detail = crm.client_detail(kate.id, owner)
print(f"{kate.name} is {detail.status.upper()}; completion rate {detail.stats.completion_rate}")
# Five visits each: Ben's no-show counts because the studio kept the money.
assert {c.name: c.figures.bookings for c in regulars.clients} == {"Kate Smith": 5, "Ben Novak": 5}
