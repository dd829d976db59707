"""A studio's credits and loyalty: a 10-class pass pays for bookings, a timely cancellation
gets its credit back, a pause moves the expiry out, the daily job expires what is left; the
classes earn loyalty points, which buy a reward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clientcrm import CRM, Actor, BookingEvent, InsufficientBalanceError, Money, Workspace
from clientcrm.stores.memory import MemoryStore

START = datetime(2026, 2, 2, 18, tzinfo=UTC)
DAY = timedelta(days=1)


def main() -> None:
    crm = CRM(MemoryStore())
    owner = Actor.owner("lotus")
    crm.save_workspace(Workspace("lotus", "Lotus Yoga", timezone="Europe/Lisbon"), owner)
    ana = crm.add_client(owner, name="Ana Silva", email="ana@example.com")
    pass_ = crm.credits.purchase(
        ana.id, 10, owner, name="10-class pass", expires_at=START + 60 * DAY, at=START
    )
    for n in range(4):  # four classes, each booked with a credit and attended
        starts = START + (n + 1) * 7 * DAY
        base = {"booking_id": f"bk-{n}", "email": ana.email, "service": "Yin",
                "starts_at": starts}  # fmt: skip
        crm.record(BookingEvent("booked", f"b{n}", occurred_at=starts - 2 * DAY, **base), owner)
        crm.credits.consume(ana.id, f"bk-{n}", owner, at=starts - 2 * DAY)
        if n == 3:  # cancelled a day ahead: inside the 12-hour notice, the credit comes back
            crm.record(BookingEvent("cancelled", f"c{n}", occurred_at=starts - DAY, **base), owner)
            crm.credits.restore(f"bk-{n}", owner, at=starts - DAY)
            continue
        crm.record(BookingEvent("completed", f"d{n}", occurred_at=starts, **base), owner)
        price = Money("150", "EUR")
        crm.record(BookingEvent("paid", f"p{n}", occurred_at=starts, amount=price, **base), owner)
    crm.credits.pause(pass_.id, owner, at=START + 30 * DAY)  # injured for two weeks
    crm.credits.resume(pass_.id, owner, at=START + 44 * DAY)
    crm.run_scheduled(START + 90 * DAY, owner)
    for entry in crm.credits.ledger(ana.id, owner):
        print(f"{entry.at:%Y-%m-%d}  {entry.kind.value:<8} {entry.credits:+3d}  -> {entry.balance}")

    journey = crm.redeem_points(ana.id, 400, owner, reason="Free class", at=START + 91 * DAY)
    print(f"loyalty: {journey.tier.value}, {journey.points} earned, {journey.available} left")
    try:
        crm.redeem_points(ana.id, 1000, owner, reason="Retreat", at=START + 92 * DAY)
    except InsufficientBalanceError as refused:
        print(f"refused: {refused}")


if __name__ == "__main__":
    main()
