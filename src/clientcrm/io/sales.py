"""Sales exports of other platforms (Hotmart's, in English or Portuguese) read into
`SaleRow` objects: each sale with its buyer."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Self

import attrs

from clientcrm.errors import ValidationError
from clientcrm.io.clients import ClientFile, pick, read_clients
from clientcrm.io.headers import ClientField, match_columns
from clientcrm.io.text import Table
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


@attrs.define
class SaleFile:
    """A sales export opened for import.

    Attributes:
        buyers: the file read as a client file (its buyers' columns).
        columns: which of the other columns holds which sale field.
    """

    buyers: ClientFile
    columns: dict[int, SaleField]

    def close(self) -> None:
        """Close the file."""
        self.buyers.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def table(self) -> Table:
        """The file's text: headers, encoding and delimiter."""
        return self.buyers.table

    def fields(self) -> dict[int, ClientField | SaleField]:
        """Which column holds which field, the buyer's and the sale's."""
        both: dict[int, ClientField | SaleField] = {**self.buyers.columns, **self.columns}
        return dict(sorted(both.items()))

    def rows(self) -> Iterator[SaleRow]:
        """Each sale as a `SaleRow`, streamed; a row that could not be read carries its
        problem instead."""
        for line, cells in self.buyers.cells():
            if isinstance(cells, str):
                yield SaleRow(line, ClientRow(line), problem=cells)
                continue
            values = pick(cells, self.columns)
            yield SaleRow(
                line,
                self.buyers.row(line, cells),
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
    mapping = mapping or {}
    sale_names = {f.value for f in SaleField}
    own = {h: f for h, f in mapping.items() if f in sale_names}
    buyers = read_clients(
        source,
        mapping={h: f for h, f in mapping.items() if f not in sale_names},
        encoding=encoding,
        delimiter=delimiter,
        synonyms=_BUYER,
    )
    try:
        headers = ["" if i in buyers.columns else h for i, h in enumerate(buyers.table.headers)]
        columns, _ = match_columns(headers, _SYNONYMS, own)
        missing = set(SaleField) - set(columns.values()) - {SaleField.CURRENCY, SaleField.PLATFORM}
        if missing:
            names = ", ".join(sorted(missing))
            raise ValidationError("mapping", f"no column holds the sale's {names}")
    except ValidationError:
        buyers.close()
        raise
    return SaleFile(buyers, dict(sorted(columns.items())))
