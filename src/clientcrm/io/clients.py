"""Client files (CSV and other delimited text) read into `ClientRow` objects."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Self

import attrs

from clientcrm.errors import ValidationError
from clientcrm.io.cells import plain_cell
from clientcrm.io.headers import ClientField, map_headers
from clientcrm.io.text import Table, open_table
from clientcrm.models.importing import ClientRow

__all__ = ["ClientFile", "read_clients"]

_TAG_SEPARATORS = re.compile(r"\s*(?:,|;|\||:::)\s*")


@attrs.define
class ClientFile:
    """A client file opened for import.

    Attributes:
        table: the file's text: headers, encoding and delimiter.
        columns: which column holds which field.
    """

    table: Table
    columns: dict[int, ClientField]

    def close(self) -> None:
        """Close the file."""
        self.table.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def unmapped(self) -> list[str]:
        """The headers no field was read from."""
        return [h for i, h in enumerate(self.table.headers) if i not in self.columns]

    def rows(self) -> Iterator[ClientRow]:
        """Each data row as a `ClientRow`, streamed; a row with more cells than the header
        (a value with an unquoted delimiter) carries its problem instead."""
        width = len(self.table.headers)
        for line, cells in self.table.rows():
            if isinstance(cells, str):
                yield ClientRow(line, problem=cells)
            elif len(cells) > width and any(c.strip() for c in cells[width:]):
                problem = f"the row has {len(cells)} cells but the header has {width}"
                yield ClientRow(line, problem=problem)
            else:
                yield self._row(line, cells)

    def _row(self, line: int, cells: list[str]) -> ClientRow:
        values: dict[ClientField, str] = {}
        for index, field in self.columns.items():
            cell = plain_cell(cells[index]).strip() if index < len(cells) else ""
            if cell:
                values[field] = cell
        tags = _TAG_SEPARATORS.split(values.get(ClientField.TAGS, ""))
        return ClientRow(
            line,
            name=values.get(ClientField.NAME),
            email=values.get(ClientField.EMAIL),
            phone=values.get(ClientField.PHONE),
            notes=values.get(ClientField.NOTES),
            tags=tuple(t for t in tags if t.strip("* ")),
            first_name=values.get(ClientField.FIRST_NAME),
            last_name=values.get(ClientField.LAST_NAME),
        )


def read_clients(
    source: Path | str | BinaryIO,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ClientFile:
    """Open a client file: detect its encoding and delimiter (unless given) and map its
    headers to fields (``mapping``, header to field name, wins over the automatic mapping).
    Use it as a context manager (or `ClientFile.close` it).

    Raises:
        ValidationError: the file is empty or not text, or no column holds an email or a
            name.
    """
    table = open_table(source, encoding=encoding, delimiter=delimiter)
    try:
        return ClientFile(table, map_headers(table.headers, mapping))
    except ValidationError:
        table.close()
        raise
