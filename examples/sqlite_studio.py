"""Load a generated studio into a SQLite file, then find who to re-engage.

Run: python examples/sqlite_studio.py [path.db]
"""

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from clientcrm import CRM, Actor, ClientQuery, SortKey, StatusPill, Workspace
from clientcrm.stores.sql import SQLStore
from clientcrm.testing import FrozenClock
from clientcrm.testing.generators import make_studio, studio_events

now = datetime(2026, 11, 1, 9, tzinfo=UTC)
folder = Path(tempfile.mkdtemp())
path = Path(sys.argv[1]) if len(sys.argv) > 1 else folder / "studio.db"

crm = CRM(SQLStore(f"sqlite:///{path}"), clock=FrozenClock(now))
owner = Actor.owner("lotus")
crm.save_workspace(Workspace("lotus", "Lotus Yoga", timezone="Europe/Lisbon"), owner)

studio = make_studio(seed=11, clients=300, end=now)
summary = crm.record_many(studio_events(studio, seed=11), owner)
print(f"{summary.events} events, {summary.clients_created} clients")

# The best customers who have drifted away: lapsed, sorted by lifetime spend.
lapsed = crm.list_clients(
    ClientQuery(statuses={StatusPill.LAPSED}, sort=SortKey.SPEND, limit=5), owner
)
for client in lapsed.clients:
    last = client.figures.last_booking_at
    print(f"  {client.name:<24} {client.figures.spend:>10} EUR  last {last:%Y-%m-%d}")

report = crm.rebuild(owner)
print(f"rebuild checked {report.clients} clients, repaired {len(report.repaired)}")
assert report.repaired == []
