"""Excel workbooks (``.xlsx``) as tables of text, read and written through openpyxl (the
``xlsx`` extra). Reading streams (openpyxl's read-only mode); each cell becomes the text a
CSV export of it would hold."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from clientcrm.errors import ValidationError

if TYPE_CHECKING:
    from clientcrm.io.text import Row, Table

__all__ = ["open_workbook", "write_workbook"]


def _openpyxl() -> Any:
    try:
        import openpyxl  # noqa: PLC0415 - an optional extra, loaded when a workbook comes
    except ImportError:
        msg = "is an Excel workbook: install clientcrm[xlsx] to read it, or save it as CSV"
        raise ValidationError("file", msg) from None
    return openpyxl


def _text(value: object) -> str:
    """A cell's value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def open_workbook(stream: BinaryIO) -> Table:
    """The first sheet of a workbook as a `Table`; its first row is the header.

    Raises:
        ValidationError: the archive is not a workbook (or openpyxl is not installed).
    """
    from clientcrm.io.text import Table  # noqa: PLC0415 - text imports this module

    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        stream.close()
        raise ValidationError("file", f"is a zip archive but not a workbook: {error}") from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None or not any(v is not None for v in header):
        book.close()
        stream.close()
        raise ValidationError("file", "is empty: there is no header row")

    def close() -> None:
        book.close()
        stream.close()

    headers = [_text(v) for v in header]
    return Table(headers, "xlsx", _rows(values), close)


def _rows(values: Iterator[tuple[object, ...]]) -> Iterator[Row]:
    for line, row in enumerate(values, start=2):
        yield line, [_text(v) for v in row]


def write_workbook(path: Path, headers: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """Write a one-sheet workbook: text cells are text, never formulas (however they start),
    and numbers stay numbers."""
    openpyxl = _openpyxl()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Clients")
    sheet.append(list(headers))
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = openpyxl.cell.WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # openpyxl would read a leading "=" as a formula
                cells.append(cell)
            else:
                cells.append(float(value) if isinstance(value, Decimal) else value)
        sheet.append(cells)
    book.save(path)
