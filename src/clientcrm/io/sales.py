"""Sales exports of other platforms (Hotmart's, in English or Portuguese) read into
`SaleRow` objects: each sale with its buyer."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from clientcrm.io.headers import ClientField
from clientcrm.io.withclients import WithClients, open_with_clients
from clientcrm.models.importing import ClientRow, SaleRow

__all__ = ["SaleField", "SaleFile", "read_sales"]


class SaleField(enum.StrEnum):
    """What a column of a sales export may hold, beside its buyer's client fields."""

    TRANSACTION_ID = "transaction_id"
    PRODUCT = "product"
    PRICE = "price"
    CURRENCY = "currency"
    STATUS = "status"
    PURCHASED_AT = "purchased_at"
    PLATFORM = "platform"


_BUYER: dict[ClientField, tuple[str, ...]] = {
    ClientField.NAME: ("comprador", "nomedocomprador", "buyer", "buyername", "nomecomprador"),
    ClientField.EMAIL: ("emaildocomprador", "buyeremail", "emailcomprador"),
    ClientField.PHONE: ("telefonedocomprador", "buyerphone", "telefonecomprador"),
}
_SYNONYMS: dict[SaleField, tuple[str, ...]] = {
    SaleField.TRANSACTION_ID: (
        "transacao", "transaction", "transactionid", "codigodatransacao", "codigodetransacao",
        "idtransacao", "transactioncode", "orderid", "ordernumber", "pedido", "codigodopedido",
    ),
    SaleField.PRODUCT: (
        "produto", "product", "nomedoproduto", "productname", "item", "oferta", "offer",
    ),
    SaleField.PRICE: (
        "preco", "price", "precodoproduto", "productprice", "precototal", "totalprice",
        "valor", "valordacompra", "valortotal", "valorpago", "amount", "total",
        "precodaoferta", "offerprice",
    ),
    SaleField.CURRENCY: ("moeda", "currency", "moedadacompra", "currencycode"),
    SaleField.STATUS: (
        "status", "statusdatransacao", "transactionstatus", "situacao", "statusdavenda",
    ),
    SaleField.PURCHASED_AT: (
        "datadavenda", "datadevenda", "datadacompra", "datadopedido", "purchasedate",
        "orderdate", "saledate", "date", "data", "datadeaprovacao", "approvaldate",
    ),
    SaleField.PLATFORM: ("platform", "plataforma", "marketplace"),
}  # fmt: skip


class SaleFile(WithClients[SaleField]):
    """A sales export opened for import: the buyers' columns (`clients`) and the sales'."""

    def rows(self) -> Iterator[SaleRow]:
        """Each sale as a `SaleRow`, streamed; a row that could not be read carries its
        problem instead."""
        for line, cells in self.clients.cells():
            if isinstance(cells, str):
                yield SaleRow(line, ClientRow(line), problem=cells)
                continue
            values = self.values(cells)
            yield SaleRow(
                line,
                self.clients.row(line, cells),
                transaction_id=values.get(SaleField.TRANSACTION_ID),
                product=values.get(SaleField.PRODUCT),
                price=values.get(SaleField.PRICE),
                currency=values.get(SaleField.CURRENCY),
                status=values.get(SaleField.STATUS),
                purchased_at=values.get(SaleField.PURCHASED_AT),
                platform=values.get(SaleField.PLATFORM),
            )


def read_sales(
    source: Path | str | BinaryIO,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SaleFile:
    """Open a sales export (Hotmart's, or any with a sale per row): detect its encoding and
    delimiter (unless given) and map its headers to the buyer's client fields and the sale
    fields (``mapping``, header to field name, wins).

    Raises:
        ValidationError: the file is empty or not text; no column holds the buyer's email
            or name; or none holds the transaction, product, price, status or date.
    """
    return SaleFile(
        *open_with_clients(
            source, _SYNONYMS, _BUYER, _missing_sale_fields,
            mapping=mapping, encoding=encoding, delimiter=delimiter,
        )
    )  # fmt: skip


def _missing_sale_fields(found: set[SaleField]) -> str | None:
    missing = set(SaleField) - found - {SaleField.CURRENCY, SaleField.PLATFORM}
    return f"no column holds the sale's {', '.join(sorted(missing))}" if missing else None
