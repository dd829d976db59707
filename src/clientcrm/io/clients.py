"""Client files (CSV and other delimited text) read into `ClientRow` objects."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Self

import attrs

from clientcrm.errors import ValidationError
from clientcrm.io.cells import plain_cell
from clientcrm.io.headers import ClientField, F, map_headers
from clientcrm.io.text import Table, open_table
from clientcrm.models.importing import ClientRow

__all__ = ["ClientFile", "pick", "read_clients"]

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

    def fields(self) -> dict[int, ClientField]:
        """Which column holds which field."""
        return self.columns

    @property
    def unmapped(self) -> list[str]:
        """The headers no field was read from."""
        return [h for i, h in enumerate(self.table.headers) if i not in self.columns]

    def rows(self) -> Iterator[ClientRow]:
        """Each data row as a `ClientRow`, streamed; a row that could not be read carries
        its problem instead."""
        for line, cells in self.cells():
            yield (
                ClientRow(line, problem=cells) if isinstance(cells, str) else self.row(line, cells)
            )

    def cells(self) -> Iterator[tuple[int, list[str] | str]]:
        """Each data row's line and cells, streamed, or its problem instead of its cells:
        a broken line, or more cells than the header (a value with an unquoted delimiter)."""
        width = len(self.table.headers)
        for line, cells in self.table.rows():
            if (
                not isinstance(cells, str)
                and len(cells) > width
                and any(c.strip() for c in cells[width:])
            ):
                yield line, f"the row has {len(cells)} cells but the header has {width}"
            else:
                yield line, cells

    def row(self, line: int, cells: list[str]) -> ClientRow:
        """The client the cells of a row hold."""
        values = pick(cells, self.columns)
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


def pick(cells: list[str], columns: Mapping[int, F]) -> dict[F, str]:
    """The non-blank cells of the mapped columns, by field, as plain text."""
    values: dict[F, str] = {}
    for index, field in columns.items():
        cell = plain_cell(cells[index]).strip() if index < len(cells) else ""
        if cell:
            values[field] = cell
    return values


def read_clients(
    source: Path | str | BinaryIO,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    synonyms: Mapping[ClientField, tuple[str, ...]] | None = None,
) -> ClientFile:
    """Open a client file: detect its encoding and delimiter (unless given) and map its
    headers to fields (``mapping``, header to field name, wins over the automatic mapping).
    Use it as a context manager (or `ClientFile.close` it). ``synonyms`` adds headers to
    recognise, by field.

    Raises:
        ValidationError: the file is empty or not text, or no column holds an email or a
            name.
    """
    table = open_table(source, encoding=encoding, delimiter=delimiter)
    try:
        return ClientFile(table, map_headers(table.headers, mapping, synonyms))
    except ValidationError:
        table.close()
        raise
