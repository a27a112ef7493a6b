"""Name the ways an import can fail, with the file and line to blame."""

from __future__ import annotations


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written.

    str() reads `FILE:LINE: reason` (or `FILE: reason` when no line applies).
    """

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")


class WrongFormat(ImportFailed):
    """The file is of another format than the one asked for."""

    def __init__(self, file: str, detected: str, wanted: str) -> None:
        self.detected = detected
        self.wanted = wanted
        super().__init__(file, None, f"this looks like {detected}, not {wanted}")
