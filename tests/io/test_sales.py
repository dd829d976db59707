"""Importing other platforms' sales exports (Hotmart's), and exporting purchases."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientcrm import CRM, Actor, Money, PurchaseStatus, ValidationError, Workspace
from clientcrm.io import (
    PURCHASE_COLUMNS,
    PURCHASE_METRIC_COLUMNS,
    purchase_metric_rows,
    purchase_rows,
    read_sales,
    write_csv,
)
from clientcrm.models.importing import RowResult
from clientcrm.stores.memory import MemoryStore

OWNER = Actor.owner("studio")

HOTMART_PT = """\
Transação;Produto;Nome;Email;Telefone;Status;Data da Venda;Preço;Moeda
HP0001;Yoga em Casa;Ana Sousa;ana@example.com;(11) 98765-4321;Aprovado;25/10/2025 14:32;\
R$ 1.234,50;BRL
HP0002;Yoga em Casa;João Prado;joao@example.com;;Reembolsado;26/10/2025 09:00;97,00;BRL
HP0003;=HYPERLINK("x");Ana Sousa;ANA@example.com;;Aguardando pagamento;27/10/2025;47,00;BRL
"""

HOTMART_EN = """\
Transaction,Product Name,Buyer Name,Buyer Email,Transaction Status,Purchase Date,Price,Currency
HP9,Prenatal Course,Mia Lee,mia@example.com,COMPLETE,2025-10-01 10:00:00,"1,200.00",USD
"""


@pytest.fixture
def crm() -> CRM:
    crm = CRM(MemoryStore())
    workspace = Workspace(
        "studio", "Estúdio", timezone="America/Sao_Paulo", currency="BRL", phone_region="BR"
    )
    crm.save_workspace(workspace, OWNER)
    return crm


def test_a_portuguese_hotmart_export_in_latin_1_creates_buyers_and_purchases(crm: CRM) -> None:
    source = io.BytesIO(HOTMART_PT.encode("cp1252"))
    results: list[RowResult] = []
    with read_sales(source) as sales:
        assert sales.table.delimiter == ";"
        report = crm.import_sales(sales.rows(), OWNER, each=results.append)
    assert (report.created, report.failed) == (3, 0)
    assert [r.reason for r in results] == ["a new client", "a new client", None]
    ana = crm.find_client("ana@example.com", OWNER)
    assert ana.phone == "+5511987654321"
    bought = crm.purchases.of_client(ana.id, OWNER)
    assert [(p.transaction_id, p.status, p.price) for p in bought] == [
        ("HP0003", PurchaseStatus.PENDING, Money("47.00", "BRL")),
        ("HP0001", PurchaseStatus.COMPLETED, Money("1234.50", "BRL")),
    ]
    assert bought[0].product == '=HYPERLINK("x")'  # imported as the text it is
    assert bought[1].purchased_at == datetime(2025, 10, 25, 17, 32, tzinfo=UTC)
    assert crm.find_client("joao@example.com", OWNER).name == "João Prado"


def test_an_english_hotmart_export(crm: CRM) -> None:
    with read_sales(io.BytesIO(HOTMART_EN.encode())) as sales:
        report = crm.import_sales(sales.rows(), OWNER)
    assert report.created == 1
    mia = crm.find_client("mia@example.com", OWNER)
    (purchase,) = crm.purchases.of_client(mia.id, OWNER)
    assert purchase.price == Money("1200.00", "USD")
    assert purchase.platform == "Hotmart"
    metrics = crm.purchases.metrics(mia.id, OWNER)
    assert metrics.other_currencies == {"USD": Money("1200.00", "USD")}
    assert metrics.lifetime_value == Money(0, "BRL")


def test_a_file_without_the_sale_columns_is_refused_at_once() -> None:
    with pytest.raises(ValidationError, match="no column holds the sale's price, status"):
        read_sales(io.BytesIO(b"Name,Email,Transaction,Product,Date\nA,a@b.co,1,X,2025-01-01\n"))


def test_an_explicit_mapping_names_sale_and_buyer_columns(crm: CRM) -> None:
    text = (
        "Ref,Item,Who,Mail,State,When,Cost\n"
        "R1,Mat,Zoe Muller-Lopez,zoe@example.com,paid,2025-01-05,10\n"
    )
    mapping = {
        "Ref": "transaction_id", "Item": "product", "Who": "name", "Mail": "email",
        "State": "status", "When": "purchased_at", "Cost": "price",
    }  # fmt: skip
    with read_sales(io.BytesIO(text.encode()), mapping=mapping) as sales:
        report = crm.import_sales(sales.rows(), OWNER, platform="Shopify")
    assert report.created == 1
    zoe = crm.find_client("zoe@example.com", OWNER)
    assert [p.platform for p in crm.purchases.of_client(zoe.id, OWNER)] == ["Shopify"]


def test_an_atomic_import_with_a_bad_row_writes_nothing(crm: CRM) -> None:
    bad = HOTMART_PT + "HP0004;Yoga;Bo;bo@example.com;;Aprovado;31/02/2025;10,00;BRL\n"
    with read_sales(io.BytesIO(bad.encode())) as sales:
        report = crm.import_sales(sales.rows(), OWNER, atomic=True)
    assert report.refused
    assert report.failed == 1
    assert list(crm.purchases.in_workspace(OWNER)) == []
    assert crm.totals(OWNER).customers == 0


def test_purchases_export_as_csv_with_their_metrics(crm: CRM) -> None:
    with read_sales(io.BytesIO(HOTMART_PT.encode())) as sales:
        crm.import_sales(sales.rows(), OWNER)
    workspace = crm.workspace(OWNER)
    out = io.StringIO(newline="")
    written = write_csv(
        PURCHASE_COLUMNS, purchase_rows(crm.purchases.in_workspace(OWNER), workspace), out
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert written == 3
    assert rows[0] == list(PURCHASE_COLUMNS)
    assert rows[1] == [
        "Ana Sousa", "ana@example.com", "Hotmart", "Yoga em Casa", "HP0001", "completed",
        "1234.50", "BRL", "2025-10-25",
    ]  # fmt: skip
    assert rows[3][3] == '\'=HYPERLINK("x")'  # neutralised for spreadsheets
    out = io.StringIO(newline="")
    write_csv(
        PURCHASE_METRIC_COLUMNS, purchase_metric_rows(crm.purchases.metrics_by_client(OWNER)), out
    )
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    by_email = {r["Email"]: r for r in table}
    assert by_email["ana@example.com"]["Purchases"] == "2"
    assert Decimal(by_email["ana@example.com"]["Active revenue"]) == Decimal("1234.50")
    assert Decimal(by_email["joao@example.com"]["Lost revenue"]) == Decimal("97.00")
    assert by_email["joao@example.com"]["Lifetime value"] == "0"
