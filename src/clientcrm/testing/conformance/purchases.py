"""Contracts: external purchases (seed 002), stored and counted by every store the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from clientcrm.errors import PermissionDeniedError, ValidationError
from clientcrm.models.actor import Actor, Role
from clientcrm.models.client import Client
from clientcrm.models.events import OrderEvent, OrderEventKind
from clientcrm.models.importing import ClientRow, RowOutcome, RowResult, SaleRow
from clientcrm.models.money import Money
from clientcrm.models.purchases import ExternalPurchase, PurchaseStatus, purchase_key
from clientcrm.ports import Store
from clientcrm.service.crm import CRM
from clientcrm.testing.conformance.base import StoreFixtures

__all__ = ["PurchaseContract", "PurchaseRepositoryContract"]

T0 = datetime(2026, 1, 10, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def _purchase(
    client: Client, transaction: str, at: datetime, status: PurchaseStatus, price: str = "97.00"
) -> ExternalPurchase:
    key = purchase_key("Hotmart", transaction)
    return ExternalPurchase(
        key, client.workspace_id, client.id, "Hotmart", transaction, "Yoga course",
        Money(price, "EUR"), status, at,
    )  # fmt: skip


class PurchaseRepositoryContract(StoreFixtures):
    """Purchases: read by key, written whole, listed per client and per workspace in time
    order."""

    def test_purchases_round_trip(self, store: Store, crm: CRM, kate: Client) -> None:
        late = _purchase(kate, "HP2", T0 + DAY, PurchaseStatus.COMPLETED)
        early = _purchase(kate, "HP1", T0, PurchaseStatus.PENDING, "1234.56")
        yen = ExternalPurchase(
            purchase_key("Udemy", "U1"), "ws-a", kate.id, "Udemy", "U1", "Course",
            Money("1500", "JPY"), PurchaseStatus.COMPLETED, T0 + 2 * DAY,
        )  # fmt: skip
        refunded = _purchase(kate, "HP1", T0, PurchaseStatus.REFUNDED, "1234.56")
        with store.unit_of_work() as uow:
            uow.purchases.save_many([late, early, yen])
            uow.purchases.save_many([refunded])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.purchases.get_many("ws-a", [late.id, "nope"]) == {late.id: late}
            assert uow.purchases.get_many("ws-b", [late.id]) == {}
            listed = uow.purchases.for_clients("ws-a", [kate.id, "nobody"])
            in_workspace = list(uow.purchases.in_workspace("ws-a"))
            assert list(uow.purchases.in_workspace("ws-b")) == []
        assert listed == {kate.id: [refunded, late, yen]}
        assert in_workspace == [refunded, late, yen]
        assert in_workspace[2].price == Money("1500", "JPY")


class PurchaseContract(StoreFixtures):
    """Recording, listing, measuring, merging and importing external purchases."""

    def _record(
        self, crm: CRM, actor: Actor, client: Client, transaction: str, **changes: Any
    ) -> ExternalPurchase:
        fields: dict[str, Any] = {
            "platform": "Hotmart", "transaction_id": transaction, "product": "Yoga course",
            "price": Money("97.00", "EUR"), "status": PurchaseStatus.COMPLETED,
            "purchased_at": T0,
        }  # fmt: skip
        fields.update(changes)
        return crm.purchases.record(client.id, actor, **fields)

    def test_the_same_sale_reported_again_is_one_purchase(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        first = self._record(crm, owner, kate, "HP1")
        again = self._record(crm, owner, kate, " HP1 ", platform="HOTMART")
        refunded = self._record(crm, owner, kate, "HP1", status="refunded")
        assert first.id == again.id == refunded.id
        listed = crm.purchases.of_client(kate.id, owner)
        assert [(p.id, p.status) for p in listed] == [(first.id, PurchaseStatus.REFUNDED)]

    def test_listing_filters_by_platform_and_status_newest_first(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        self._record(crm, owner, kate, "A", purchased_at=T0)
        self._record(crm, owner, kate, "B", purchased_at=T0 + DAY, status="cancelled")
        self._record(crm, owner, kate, "C", purchased_at=T0 + 2 * DAY, platform="Amazon")
        listed = crm.purchases.of_client
        assert [p.transaction_id for p in listed(kate.id, owner)] == ["C", "B", "A"]
        assert [p.transaction_id for p in listed(kate.id, owner, platform="hotmart")] == [
            "B",
            "A",
        ]
        done = listed(kate.id, owner, status=PurchaseStatus.COMPLETED)
        assert [p.transaction_id for p in done] == ["C", "A"]

    def test_metrics_add_bookings_paid_orders_and_completed_purchases(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        # kate spent 20.00 on a booking; she also paid an order of 15.50.
        order = OrderEvent(
            OrderEventKind.PAID, "o1-paid", "o1", T0, "kate@example.com", "Mat",
            Money("15.50", "EUR"),
        )  # fmt: skip
        crm.record(order, owner)
        self._record(crm, owner, kate, "A", price=Money("97.00", "EUR"))
        self._record(crm, owner, kate, "B", price=Money("10.01", "EUR"), status="cancelled")
        self._record(crm, owner, kate, "C", price=Money("5.00", "EUR"), status="refunded")
        self._record(crm, owner, kate, "D", price=Money("3.00", "EUR"), status="pending")
        self._record(crm, owner, kate, "E", price=Money("120.00", "BRL"))
        m = crm.purchases.metrics(kate.id, owner)
        assert m.count == 5
        assert m.active_revenue == Money("97.00", "EUR")
        assert m.lost_revenue == Money("15.01", "EUR")
        assert m.lifetime_value == Money("132.50", "EUR")
        assert m.other_currencies == {"BRL": Money("120.00", "BRL")}

    def test_bad_purchases_are_refused_and_change_nothing(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        bad: list[tuple[dict[str, Any], str]] = [
            ({"transaction_id": " "}, "transaction_id"),
            ({"product": ""}, "product"),
            ({"status": "lost"}, "status"),
            ({"price": Decimal(5)}, "price"),
            ({"purchased_at": datetime(2026, 1, 1)}, "purchased_at"),  # noqa: DTZ001 - naive on purpose
        ]
        for changes, field in bad:
            with pytest.raises(ValidationError) as caught:
                self._record(crm, owner, kate, "X", **changes)
            assert caught.value.field == field
        assert crm.purchases.of_client(kate.id, owner) == []

    def test_members_see_their_own_purchases_and_record_none(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        self._record(crm, owner, kate, "A")
        member = Actor("m1", "ws-a", Role.MEMBER, email="kate@example.com")
        assert len(crm.purchases.of_client(kate.id, member)) == 1
        with pytest.raises(PermissionDeniedError):
            self._record(crm, member, kate, "B")
        with pytest.raises(PermissionDeniedError):
            list(crm.purchases.in_workspace(member))

    def test_a_merge_moves_purchases_and_an_unmerge_gives_them_back(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        other = crm.add_client(owner, name="Kate S", email="kate.s@example.com")
        bought = self._record(crm, owner, other, "A")
        merge = crm.merge(kate.id, other.id, owner)
        assert [p.id for p in crm.purchases.of_client(kate.id, owner)] == [bought.id]
        crm.unmerge(merge.id, owner)
        assert [p.id for p in crm.purchases.of_client(other.id, owner)] == [bought.id]
        assert crm.purchases.of_client(kate.id, owner) == []

    def test_a_sales_export_creates_buyers_and_their_purchases(
        self, crm: CRM, owner: Actor, kate: Client
    ) -> None:
        def sale(line: int, email: str, transaction: str, status: str, **more: str) -> SaleRow:
            buyer = ClientRow(line, name=email.partition("@")[0].title(), email=email)
            fields = {"transaction_id": transaction, "product": "Curso de Yoga",
                      "price": "R$ 1.234,50", "currency": "BRL", "status": status,
                      "purchased_at": "25/10/2025 14:32"} | more  # fmt: skip
            return SaleRow(line, buyer, **fields)

        rows = [
            sale(2, "ana@example.com", "HP1", "Aprovado"),
            sale(3, "KATE@example.com", "HP2", "COMPLETE"),
            sale(4, "ana@example.com", "HP3", "Reembolsado"),
            sale(5, "ana@example.com", "HP1", "Aprovado"),
            sale(6, "not-an-email", "HP4", "Aprovado"),
            sale(7, "bo@example.com", "HP5", "Perdido"),
            sale(8, "bo@example.com", "HP6", "Aprovado", purchased_at="31/02/2025"),
        ]
        preview: list[RowResult] = []
        dry = crm.import_sales(rows, owner, dry_run=True, each=preview.append)
        results: list[RowResult] = []
        report = crm.import_sales(rows, owner, each=results.append)
        assert [(r.line, r.outcome) for r in results] == [(r.line, r.outcome) for r in preview]
        assert (dry.created, dry.skipped, dry.failed) == (report.created, report.skipped, 3)
        outcome = {r.line: (r.outcome, r.reason) for r in results}
        assert outcome[2] == (RowOutcome.CREATED, "a new client")
        assert outcome[3] == (RowOutcome.CREATED, None)
        assert outcome[5] == (RowOutcome.SKIPPED, "already recorded")
        failed = {line: reason or "" for line, (o, reason) in outcome.items() if o == "failed"}
        assert set(failed) == {6, 7, 8}
        assert "email" in failed[6]
        assert "status" in failed[7]
        assert "date" in failed[8]
        ana = crm.find_client("ana@example.com", owner)
        bought = {p.transaction_id: p for p in crm.purchases.of_client(ana.id, owner)}
        assert set(bought) == {"HP1", "HP3"}
        assert bought["HP1"].price == Money("1234.50", "BRL")
        assert bought["HP1"].purchased_at == datetime(2025, 10, 25, 13, 32, tzinfo=UTC)
        assert bought["HP3"].status is PurchaseStatus.REFUNDED
        assert [p.transaction_id for p in crm.purchases.of_client(kate.id, owner)] == ["HP2"]
        again = crm.import_sales(rows, owner)
        assert (again.created, again.updated, again.skipped) == (0, 0, 4)
