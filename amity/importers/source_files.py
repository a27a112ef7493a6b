"""Open import inputs (a path, an upload, a ZIP member) and read text and CSV safely.

Every failure here becomes an ImportFailed naming the file and line, so a bad byte
or a broken quote never surfaces as a traceback.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from amity.domain.control_chars import CONTROL, strip_controls
from amity.importers.errors import ImportFailed
from amity.importers.limits import RowCounter, bounded, check_fields, current_limits, line_bound

# Message bodies in LinkedIn exports can exceed csv's default 128 KiB field limit.
csv.field_size_limit(16 * 1024 * 1024)

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A named, re-openable stream of bytes: a file on disk, an upload, a ZIP member."""

    name: str
    opener: Callable[[], IO[bytes]]

    @classmethod
    def from_path(cls, path: Path, name: str | None = None) -> SourceFile:
        """Return a source reading `path`."""
        return cls(name=name or path.name, opener=lambda: path.open("rb"))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> SourceFile:
        """Return a source reading `data` (tests, small uploads)."""
        return cls(name=name, opener=lambda: io.BytesIO(data))

    def open(self) -> IO[bytes]:
        """Open the bytes for reading, bounded by the import limits; failures name the file."""
        try:
            return bounded(self.opener(), name=self.name)
        except OSError as exc:
            raise ImportFailed(self.name, None, f"cannot read: {exc.strerror or exc}") from exc

    def head(self, size: int = HEAD_BYTES) -> bytes:
        """Return the first `size` bytes."""
        with self.open() as stream:
            try:
                return stream.read(size)
            except ImportFailed:
                raise
            except Exception as exc:  # a damaged ZIP member fails on read
                raise ImportFailed(self.name, None, f"cannot read: {exc}") from exc


@dataclass(frozen=True)
class SourceFolder:
    """An unzipped export: its files by lower-cased name."""

    name: str
    files: dict[str, SourceFile]


def detect_encoding(head: bytes) -> str:
    """Return the codec for a text file from its first bytes (BOM, else UTF-8, else cp1252)."""
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off by the sample's end is still UTF-8.
        if exc.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return "utf-8"
            return "cp1252"
    return "utf-8"


def check_row_count(
    source: SourceFile, records: Callable[[SourceFile], Generator[int, None, None]], what: str
) -> None:
    """Refuse `source` if it holds more records than AMITY_IMPORT_MAX_ROWS, building none.

    A file of millions of tiny records fits the byte limit yet would be refused only
    after its records filled gigabytes. So every reader first streams the file once,
    counting line breaks (an upper bound on records); only past the limit is it read
    again with `records`, the format's own splitter yielding each record's first line
    without keeping it, to fail at the record past the limit with the parse's message.
    """
    limit = current_limits().max_rows
    with source.open() as stream:
        try:
            if line_bound(stream) <= limit:
                return
        except ImportFailed:
            raise
        except Exception as exc:  # e.g. a damaged ZIP member
            raise ImportFailed(source.name, None, f"cannot read: {exc}") from exc
    counter = RowCounter(source.name, what)
    with contextlib.closing(records(source)) as starts:
        for line in starts:
            counter.add(line)


def _numbered_lines(source: SourceFile, encoding: str) -> Iterator[tuple[int, str]]:
    """Yield (number, decoded line) of `source`, failing with the line that did not decode."""
    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        number = 0
        try:
            for number, line in enumerate(text, start=1):  # noqa: B007 - used after the loop
                yield number, line
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                source.name, number + 1, f"not {encoding} text ({exc.reason})"
            ) from exc
        except ImportFailed:
            raise
        except Exception as exc:  # e.g. a damaged ZIP member while streaming
            raise ImportFailed(source.name, number + 1, f"cannot read: {exc}") from exc


def text_lines(source: SourceFile) -> Iterator[str]:
    """Yield the decoded lines of `source` (newlines kept), failing with a line number."""
    encoding = detect_encoding(source.head())
    check_row_count(source, lambda s: (n for n, _ in _numbered_lines(s, encoding)), "lines")
    counter = RowCounter(source.name, "lines")
    for number, line in _numbered_lines(source, encoding):
        counter.add(number)
        if "\x00" in line:
            raise ImportFailed(source.name, number, "contains NUL bytes; not a text file")
        yield strip_controls(line)


def read_text(source: SourceFile) -> str:
    """Return the whole decoded text of `source`."""
    return "".join(text_lines(source))


def _csv_records(source: SourceFile, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) of each CSV record, failing with FILE:LINE."""
    with source.open() as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding=encoding, newline=""), strict=True)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except ImportFailed:
                raise
            except csv.Error as exc:
                reason = "contains NUL bytes; not a text file" if "NUL" in str(exc) else exc
                raise ImportFailed(source.name, start, f"broken CSV: {reason}") from exc
            except UnicodeDecodeError as exc:
                line = reader.line_num + 1
                raise ImportFailed(
                    source.name, line, f"not {encoding} text ({exc.reason})"
                ) from exc
            except Exception as exc:  # e.g. a damaged ZIP member while streaming
                raise ImportFailed(source.name, start, f"cannot read: {exc}") from exc
            yield start, row


def csv_rows(source: SourceFile) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) for every CSV record of `source`."""
    encoding = detect_encoding(source.head())
    check_row_count(source, lambda s: (n for n, _ in _csv_records(s, encoding)), "rows")
    counter = RowCounter(source.name)
    max_fields = current_limits().max_fields
    for start, row in _csv_records(source, encoding):
        counter.add(start)
        check_fields(source.name, start, len(row), max_fields)
        # Python 3.11's csv passes NUL through; PostgreSQL text cannot store it.
        if any("\x00" in cell for cell in row):
            raise ImportFailed(source.name, start, "contains NUL bytes; not a text file")
        if CONTROL.search("".join(row)):
            row = [strip_controls(cell) for cell in row]
        yield start, row


def find_header(
    source: SourceFile,
    rows: Iterator[tuple[int, list[str]]],
    accept: Callable[[set[str]], bool],
    what: str,
    limit: int = 30,
) -> tuple[int, list[str]]:
    """Return (line, lower-cased header cells) of the first row `accept` likes.

    Exports put notes above the header (LinkedIn's "Notes:" block), so the header is
    searched for instead of assumed to be the first row.
    """
    for _ in range(limit):
        try:
            line, row = next(rows)
        except StopIteration:
            break
        cells = [cell.strip().lower() for cell in row]
        if accept(set(cells)):
            return line, cells
    raise ImportFailed(source.name, None, f"no {what} header row found")


class Columns:
    """Look cells up by column name in a header row (names lower-cased)."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = list(header)
        self.index: dict[str, int] = {}
        for position, name in enumerate(header):
            self.index.setdefault(name, position)

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def getter(self, name: str) -> Callable[[list[str]], str]:
        """Return a fast function reading column `name` from a row ("" when absent)."""
        position = self.index.get(name)
        if position is None:
            return lambda row: ""
        return lambda row: row[position].strip() if position < len(row) else ""


def check_width(source: SourceFile, line: int, row: list[str], width: int) -> bool:
    """Say whether `row` holds data; fail when it has more filled cells than columns."""
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise ImportFailed(
            source.name, line, f"expected {width} fields, found {len(row)} (unquoted comma?)"
        )
    return any(cell.strip() for cell in row)
