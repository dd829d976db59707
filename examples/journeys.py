"""A client's journey: bookings, an order and a review move them through the stages, and the
daily job (here run once, after a quiet year) marks the churn and the anniversary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clientcrm import CRM, Actor, BookingEvent, Money, Workspace
from clientcrm.models.events import ActivityEvent, OrderEvent
from clientcrm.stores.memory import MemoryStore

START = datetime(2025, 2, 3, 18, tzinfo=UTC)


def visit(n: int, at: datetime) -> list[BookingEvent]:
    """A class booked, attended and paid."""
    base = {"booking_id": f"bk-{n}", "email": "ana@example.com", "service": "Yin",
            "starts_at": at, "name": "Ana Silva"}  # fmt: skip
    return [
        BookingEvent("booked", f"e{n}-1", occurred_at=at - timedelta(days=2), **base),
        BookingEvent("completed", f"e{n}-2", occurred_at=at + timedelta(hours=1), **base),
        BookingEvent(
            "paid",
            f"e{n}-3",
            occurred_at=at + timedelta(hours=1),
            amount=Money("18", "EUR"),
            **base,
        ),
    ]


def main() -> None:
    crm = CRM(MemoryStore())
    owner = Actor.owner("lotus")
    crm.save_workspace(Workspace("lotus", "Lotus Yoga", timezone="Europe/Lisbon"), owner)
    events = [e for n in range(3) for e in visit(n, START + timedelta(weeks=n))]
    crm.record_many(events, owner)
    mat = Money("65.00", "EUR")
    crm.record(
        OrderEvent("paid", "o-1", "order-1", START, "ana@example.com", "Cork mat", mat), owner
    )
    crm.record(ActivityEvent("review", "r-1", START + timedelta(days=3), "ana@example.com"), owner)
    report = crm.run_scheduled(START + timedelta(days=400), owner)
    ana = crm.find_client("ana@example.com", owner)
    view = crm.journey(ana.id, owner)
    for change in view.changes:
        print(f"{change.at:%Y-%m-%d}  {change.stage.value:<10} ({change.trigger})")
    for milestone in view.milestones:
        print(f"{milestone.at:%Y-%m-%d}  {milestone.kind.value}")
    print(f"daily job: {report.examined} client due, {report.milestones} milestone")


if __name__ == "__main__":
    main()
