"""Reading delimited text files as they come: any of the usual encodings and delimiters
(and, for a zip archive, an Excel workbook: `clientcrm.io.workbook`).

The encoding is read from a byte-order mark (UTF-8, UTF-16 either way), else the file is
UTF-8 when its start decodes as UTF-8, else Windows-1252 (what Excel writes on Western
Windows) when it decodes as that, else Latin-1. The delimiter is the one of ``,`` ``;``
tab ``|`` that the header line holds most of, outside quotes. Rows stream: memory does not
grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Self, TextIO

import attrs

from clientcrm.errors import ValidationError
from clientcrm.io.workbook import open_workbook

__all__ = ["DELIMITERS", "Row", "Table", "detect_delimiter", "detect_encoding", "open_table"]

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE = 64 * 1024
_CONTROL = [bytes([b]) for b in (*range(9), 11, 12, *range(14, 32), 127)]
"""Bytes no text file holds many of (a stray NUL in a row is that row's problem)."""
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    """The encoding of a file that starts with ``head``."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    for encoding in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"  # every byte is a character


def detect_delimiter(header: str) -> str:
    """The delimiter the header line uses most (outside quotes); a comma when it uses none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


Row = tuple[int, list[str] | str]
"""A row as (its line number, its cells), or (its line number, why it cannot be read)."""


@attrs.define
class Table:
    """A file of rows opened for reading: its header cells and its rows, streamed.

    Attributes:
        headers: the header row's cells, as written.
        format: ``"csv"`` (any delimited text) or ``"xlsx"``.
        encoding: the encoding read (given or detected), for text.
        delimiter: the delimiter read (given or detected), for text.
    """

    headers: list[str]
    format: str
    _rows: Iterator[Row] = attrs.field(repr=False)
    _close: Callable[[], None] = attrs.field(repr=False)
    encoding: str | None = None
    delimiter: str | None = None

    def close(self) -> None:
        """Close the file (and a stream given to `open_table` with it)."""
        self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def rows(self) -> Iterator[Row]:
        """Each row as (its line number, its cells), or (line number, why it could not be
        read) for a broken one; blank rows are passed over."""
        for line, cells in self._rows:
            if isinstance(cells, str) or any(cell.strip() for cell in cells):
                yield line, cells


def _csv_rows(reader: Iterator[list[str]], encoding: str) -> Iterator[Row]:
    """The rows of the csv module's ``reader``, each numbered by the line it starts on."""
    while True:
        start = getattr(reader, "line_num", 0) + 1  # a quoted cell may span lines
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, f"the line cannot be read: {error}"
            continue
        except UnicodeDecodeError as error:
            why = f"the file is not {encoding} text from here on ({error.reason})"
            yield start, f"{why}: give its encoding"
            return
        yield start, cells


def open_table(
    source: Path | str | BinaryIO, *, encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """Open a CSV (or other delimited) file for reading, detecting what is not given; use
    the table as a context manager (or `Table.close` it).

    Raises:
        ValidationError: the file is empty, or not text in the encoding.
    """
    # Not a with-block: the returned table streams from the file and closes it.
    stream = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
    head = stream.read(_SAMPLE)
    if not head.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        raise ValidationError("file", "is empty: there is no header row")
    if head.startswith(b"PK\x03\x04"):
        return open_workbook(_whole(source, stream, head))
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and sum(head.count(b) for b in _CONTROL) * 10 > len(head):
        raise ValidationError("file", "is not a text file: save the spreadsheet as CSV")
    encoding = encoding or detect_encoding(head)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValidationError("encoding", f"{encoding!r} is not an encoding") from None
    whole = io.BufferedReader(_Rewound(head, stream))
    text = io.TextIOWrapper(whole, encoding=encoding, newline="", errors="strict")
    first = _first_line(text)
    delimiter = delimiter or detect_delimiter(first)
    reader = csv.reader(_chain(first, text), delimiter=delimiter)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as error:
        raise ValidationError("file", f"has no readable header row: {error}") from None
    rows = _csv_rows(reader, encoding)
    return Table(headers, "csv", rows, text.close, encoding, delimiter)


def _first_line(text: TextIO) -> str:
    try:
        return text.readline()
    except UnicodeDecodeError as error:
        raise ValidationError("encoding", f"the file is not {text.encoding}: {error}") from None


def _chain(first: str, text: TextIO) -> Iterator[str]:
    yield first
    yield from text


def _whole(source: Path | str | BinaryIO, stream: BinaryIO, head: bytes) -> BinaryIO:
    """The whole file, seekable (a workbook is a zip archive, read from its end)."""
    if isinstance(source, str | Path):
        stream.close()
        return open(source, "rb")
    if stream.seekable():
        stream.seek(0)
        return stream
    return io.BytesIO(head + stream.read())


class _Rewound(io.RawIOBase):
    """A binary stream whose first bytes were read already (to detect things) and are
    given again before the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    # typeshed's parameter is a WriteableBuffer (3.12's collections.abc.Buffer); BufferedReader
    # only ever passes a memoryview, which is what this slices.
    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()
