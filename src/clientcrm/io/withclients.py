"""Files of records that each name a client (a sale's buyer, a booking's client): the
client's columns read as a client file, and the record's own columns beside them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO, Generic, Self

import attrs

from clientcrm.errors import ValidationError
from clientcrm.io.clients import ClientFile, pick, read_clients
from clientcrm.io.headers import ClientField, F, match_columns
from clientcrm.io.text import Table

__all__ = ["WithClients", "open_with_clients"]


@attrs.define
class WithClients(Generic[F]):
    """A file of records that each name a client.

    Attributes:
        clients: the file read as a client file (the client's columns).
        columns: which of the other columns holds which of the record's fields.
    """

    clients: ClientFile
    columns: dict[int, F]

    def close(self) -> None:
        """Close the file."""
        self.clients.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def table(self) -> Table:
        """The file's text: headers, encoding and delimiter."""
        return self.clients.table

    def fields(self) -> dict[int, ClientField | F]:
        """Which column holds which field, the client's and the record's."""
        both: dict[int, ClientField | F] = {**self.clients.columns, **self.columns}
        return dict(sorted(both.items()))

    def values(self, cells: list[str]) -> dict[F, str]:
        """The record's non-blank cells of a row, by field."""
        return pick(cells, self.columns)


def open_with_clients(
    source: Path | str | BinaryIO,
    synonyms: Mapping[F, tuple[str, ...]],
    client_synonyms: Mapping[ClientField, tuple[str, ...]],
    require: Callable[[set[F]], str | None],
    *,
    mapping: Mapping[str, str] | None,
    encoding: str | None,
    delimiter: str | None,
) -> tuple[ClientFile, dict[int, F]]:
    """Open the file, map the client's columns (with ``client_synonyms`` too) and then the
    record's among the rest (``mapping``, header to field name, wins for both); ``require``
    says what is missing from the record's fields found, if anything.

    Raises:
        ValidationError: the file cannot be read, or a field it needs has no column.
    """
    mapping = mapping or {}
    own_names = {f.value for f in synonyms}
    clients = read_clients(
        source,
        mapping={h: f for h, f in mapping.items() if f not in own_names},
        encoding=encoding,
        delimiter=delimiter,
        synonyms=client_synonyms,
    )
    try:
        headers = ["" if i in clients.columns else h for i, h in enumerate(clients.table.headers)]
        own = {h: f for h, f in mapping.items() if f in own_names}
        columns, _ = match_columns(headers, synonyms, own)
        missing = require(set(columns.values()))
        if missing is not None:
            raise ValidationError("mapping", missing)
    except ValidationError:
        clients.close()
        raise
    return clients, dict(sorted(columns.items()))
