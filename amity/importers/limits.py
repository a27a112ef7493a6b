"""Bound what an import may read: uncompressed bytes, line length, fields and rows.

Every importer opens its input through `SourceFile.open`, which wraps the stream in a
`BoundedStream`; CSV readers also check fields and rows. A file over a limit fails
with `FILE:LINE: reason` before its bytes pile up in memory, so a ZIP that inflates
to gigabytes is refused after reading at most one limit's worth of it. Readers count
line breaks (`line_bound`) before parsing, so a file of too many records is refused
before any record is built (`source_files.check_row_count`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from amity import config
from amity.importers.errors import ImportFailed


@dataclass(frozen=True)
class ImportLimits:
    """The caps one import reads under (AMITY_IMPORT_MAX_* settings)."""

    max_bytes: int
    max_line: int
    max_fields: int
    max_rows: int


def current_limits() -> ImportLimits:
    """Return the limits configured by the AMITY_IMPORT_MAX_* settings."""
    return ImportLimits(
        max_bytes=config.IMPORT_MAX_BYTES.value(),
        max_line=config.IMPORT_MAX_LINE.value(),
        max_fields=config.IMPORT_MAX_FIELDS.value(),
        max_rows=config.IMPORT_MAX_ROWS.value(),
    )


def megabytes(size: int) -> str:
    """Return `size` bytes as a short human figure (512 MB, 1 MB, 300 KB)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB" if size >= 1024 else f"{size} bytes"


class BoundedStream(io.RawIOBase):
    """Read a binary stream, failing once it yields too many bytes or too long a line.

    Lines are counted by their newline bytes, so a failure names the line it stopped
    in (approximate for UTF-16 files, whose other characters may hold a 0x0A byte).
    """

    def __init__(self, raw: IO[bytes], *, name: str, limits: ImportLimits) -> None:
        super().__init__()
        self._raw = raw
        self._name = name
        self._limits = limits
        self._read = 0
        self._line = 1
        self._since_newline = 0

    def readable(self) -> bool:
        """Say that this stream reads."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Read into `buffer`, then check the byte and line limits."""
        wanted = len(buffer)
        # Never ask for more than one byte past the cap: the check below then fails.
        wanted = min(wanted, self._limits.max_bytes - self._read + 1)
        data = self._raw.read(max(wanted, 1))
        size = len(data)
        buffer[:size] = data
        self._read += size
        self._check(data)
        return size

    def _check(self, data: bytes) -> None:
        limit = self._limits.max_line
        newlines = data.count(b"\n")
        if not newlines:
            self._since_newline += len(data)
        else:
            if self._since_newline + len(data) > limit:
                # Only a chunk longer than what the current line may still take can
                # hold a long line; walk its lines then (rare: chunks are 8 KB).
                self._check_lines(data, limit)
            self._line += newlines
            self._since_newline = len(data) - data.rfind(b"\n") - 1
        if self._since_newline > limit:
            self._too_long(self._line)
        if self._read > self._limits.max_bytes:
            raise ImportFailed(
                self._name,
                self._line,
                f"more than {megabytes(self._limits.max_bytes)} of data "
                "(the AMITY_IMPORT_MAX_BYTES limit)",
            )

    def _check_lines(self, data: bytes, limit: int) -> None:
        start, length, line = 0, self._since_newline, self._line
        while (end := data.find(b"\n", start)) >= 0:
            if length + end - start > limit:
                self._too_long(line)
            start, length, line = end + 1, 0, line + 1

    def _too_long(self, line: int) -> None:
        raise ImportFailed(
            self._name,
            line,
            f"a line longer than {megabytes(self._limits.max_line)} "
            "(the AMITY_IMPORT_MAX_LINE limit)",
        )

    def close(self) -> None:
        """Close the wrapped stream too."""
        try:
            self._raw.close()
        finally:
            super().close()


def bounded(raw: IO[bytes], *, name: str) -> IO[bytes]:
    """Return `raw` buffered and bounded by the configured limits."""
    return io.BufferedReader(BoundedStream(raw, name=name, limits=current_limits()))


def check_fields(name: str, line: int, count: int, limit: int) -> None:
    """Fail when a record has more fields than `limit` (AMITY_IMPORT_MAX_FIELDS)."""
    if count > limit:
        reason = f"{count} fields in one row, over {limit} (the AMITY_IMPORT_MAX_FIELDS limit)"
        raise ImportFailed(name, line, reason)


class RowCounter:
    """Count the records of one file and fail past AMITY_IMPORT_MAX_ROWS."""

    def __init__(self, name: str, what: str = "rows") -> None:
        self.name = name
        self.what = what
        self.limit = current_limits().max_rows
        self.count = 0

    def add(self, line: int) -> None:
        """Count one record starting at `line`."""
        self.count += 1
        if self.count > self.limit:
            raise ImportFailed(
                self.name,
                line,
                f"more than {self.limit:,} {self.what} (the AMITY_IMPORT_MAX_ROWS limit)",
            )


# Small enough that BoundedStream's line check rarely walks a chunk line by line.
_COUNT_CHUNK = 64 * 1024


def line_bound(stream: IO[bytes]) -> int:
    """Read `stream` to its end and return an upper bound on the lines it holds.

    Counts line feeds, and carriage returns not followed by one: the line ends of
    Python's universal newlines and of csv. Exact for UTF-8 and cp1252; for UTF-16 an
    upper bound, since other characters may hold those bytes. Builds nothing but counts.
    """
    lines, after_cr = 1, False
    while chunk := stream.read(_COUNT_CHUNK):
        lines += chunk.count(b"\n")
        if after_cr and chunk[0] == 0x0A:
            lines -= 1  # the chunk before ended in the CR of this CRLF and counted it
        if b"\r" in chunk:  # rare outside Windows files: spare the two extra scans
            lines += chunk.count(b"\r") - chunk.count(b"\r\n")
        after_cr = chunk[-1] == 0x0D
    return lines


def check_declared_size(name: str, size: int) -> None:
    """Fail at once when an archive member says it inflates past the byte limit."""
    limit = current_limits().max_bytes
    if size > limit:
        raise ImportFailed(
            name,
            None,
            f"inflates to {megabytes(size)}, over {megabytes(limit)} "
            "(the AMITY_IMPORT_MAX_BYTES limit)",
        )
