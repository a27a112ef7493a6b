"""Read a large JSON object member by member, decoding array items one at a time.

A full export (100k people, millions of interactions) would take gigabytes as one
`json.load`; restoring it needs only one batch of records in memory at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import numpy as np
import orjson

# A value ending this close to the end of the buffer may continue in the next read
# ("12" of "123"); read more before trusting it.
_LOOKAHEAD = 64


_NOTHING = object()
_LONG_NUMBER = re.compile(r"\d{19}")
_BLOCK_PAUSE = 1000


def _long_digit_run(text: str) -> bool:
    """Tell whether `text` has 19 ASCII digits in a row, as a JSON integer past 64 bits has.

    The regular expression tries every digit of the text: most of the time of
    reading an export. Here: runs of 2, 4, 8, 16, then 19 digits, by shifted ANDs.
    """
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    run = (data - np.uint8(48)) < 10  # unsigned: only "0".."9" land below 10
    for shift in (1, 2, 4, 8, 3):
        run = run[:-shift] & run[shift:]
    return bool(run.any())


def _hooked(value: Any, hook: Callable[[dict[str, Any]], Any]) -> Any:
    """Apply an object hook to every object in `value`, innermost first (as json does)."""
    if type(value) is dict:
        for key, item in value.items():
            if type(item) is dict or type(item) is list:
                value[key] = _hooked(item, hook)
        return hook(value)
    if type(value) is list:
        return [_hooked(v, hook) if type(v) is dict or type(v) is list else v for v in value]
    return value


class JsonStreamError(ValueError):
    """The text is not valid JSON (or not an object at the top level)."""


class JsonObjectStream:
    """Iterate over the top-level members of a JSON object read from a text file.

    `object_hook` works as json's; with `hook_needs`, a record line (see _line_value)
    whose text has no match of that pattern is taken as the hook would leave it.
    """

    def __init__(
        self,
        fp: TextIO,
        *,
        chunk_size: int = 1 << 20,
        object_hook: Callable[[dict[str, Any]], Any] | None = None,
        hook_needs: re.Pattern[str] | None = None,
    ) -> None:
        self._fp = fp
        self._chunk_size = chunk_size
        self._buffer = ""
        self._pos = 0
        self._consumed = 0
        self._eof = False
        self._decoder = json.JSONDecoder(object_hook=object_hook)
        self._hook = object_hook
        # Text a record line must contain for the hook to have anything to do: lines
        # without it skip walking every decoded object in Python.
        self._hook_needs = hook_needs

    def _fill(self) -> bool:
        """Read another chunk; return False at the end of the file."""
        if self._eof:
            return False
        data = self._fp.read(self._chunk_size)
        if not data:
            self._eof = True
            return False
        self._consumed += self._pos
        self._buffer = self._buffer[self._pos :] + data
        self._pos = 0
        return True

    def _error(self, message: str) -> JsonStreamError:
        return JsonStreamError(f"invalid JSON at character {self._consumed + self._pos}: {message}")

    def _peek(self) -> str:
        """Skip whitespace and return the next character ("" at the end of the file)."""
        while True:
            buffer, pos = self._buffer, self._pos
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            self._pos = pos
            if pos < len(buffer) or not self._fill():
                return buffer[pos] if pos < len(buffer) else ""

    def _expect(self, char: str) -> None:
        found = self._peek()
        if found != char:
            raise self._error(f"expected {char!r}, found {found or 'the end of the file'!r}")
        self._pos += 1

    def _value(self) -> Any:
        """Decode the next complete JSON value."""
        self._peek()
        found = self._line_value()
        if found is not _NOTHING:
            return found
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                incomplete = exc.msg.startswith("Unterminated string") or (
                    exc.pos >= len(self._buffer) - _LOOKAHEAD
                )
                if incomplete and self._fill():
                    continue
                self._pos = exc.pos
                raise self._error(exc.msg) from None
            if end > len(self._buffer) - _LOOKAHEAD and self._fill():
                continue
            self._pos = end
            return value

    def _line_value(self) -> Any:
        """Decode an object or array that fills the rest of its line, with orjson.

        Exports write one record per line; orjson reads such a line several times
        faster than the standard decoder. Anything else (several values on a line, a
        value across lines, what orjson refuses such as NaN) returns _NOTHING and
        goes the standard way, which also words the errors.
        """
        buffer, pos = self._buffer, self._pos
        if pos >= len(buffer) or buffer[pos] not in "{[":
            return _NOTHING
        end = buffer.find("\n", pos)
        if end < 0:
            return _NOTHING
        text = buffer[pos:end].rstrip()
        if _LONG_NUMBER.search(text):
            # orjson reads integers past 64 bits as floats; json keeps them exact.
            return _NOTHING
        if text.endswith(","):
            text = text[:-1]
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return _NOTHING
        self._pos = pos + len(text)
        if self._hook is None or (self._hook_needs and not self._hook_needs.search(text)):
            return value
        return _hooked(value, self._hook)

    def _line_block(self) -> list[Any] | None:
        """Decode every whole record line left in the buffer with one orjson call.

        Exports write one record per line, each but the last followed by a comma, so
        the complete lines in the buffer, wrapped in brackets, are a JSON array of
        the next items: one call instead of one per record. Stops before the list's
        closing bracket. Returns None (the caller then goes item by item) when the
        lines are anything else, or hold what only the standard decoder reads
        exactly (integers past 64 bits).
        """
        if self._peek() not in ("{", "["):
            return None
        if self._buffer.find("\n", self._pos) < 0 and not self._fill():
            return None
        buffer, pos = self._buffer, self._pos
        last = buffer.rfind("\n", pos)
        if last < 0:
            return None
        closing = buffer.find("\n]", pos, last + 2)
        text = buffer[pos : closing if closing >= 0 else last].rstrip()
        if text.endswith(","):
            text = text[:-1]
        if not text or _long_digit_run(text):
            return None
        try:
            values: list[Any] = orjson.loads(f"[{text}]")
        except orjson.JSONDecodeError:
            return None
        self._pos = pos + len(text)
        if self._hook is None or (self._hook_needs and not self._hook_needs.search(text)):
            return values
        return [_hooked(value, self._hook) for value in values]

    def _items(self) -> Iterator[Any]:
        self._expect("[")
        if self._peek() == "]":
            self._pos += 1
            return
        # Items to read one by one before trying a block again: after a block that
        # failed, so a file of another shape is not tried at every item.
        pause = 0
        while True:
            block = None if pause else self._line_block()
            if block is None:
                pause = _BLOCK_PAUSE if pause == 0 else pause - 1
                yield self._value()
            else:
                yield from block
            separator = self._peek()
            self._pos += 1
            if separator == "]":
                return
            if separator != ",":
                self._pos -= 1
                raise self._error("expected ',' or ']' in a list")

    def members(self) -> Iterator[tuple[str, Any]]:
        """Yield (key, value) per member; array values come as lazy item iterators.

        Consume each item iterator before asking for the next member (anything left
        is skipped).
        """
        self._expect("{")
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise self._error("expected a member name")
                self._expect(":")
                if self._peek() == "[":
                    items = self._items()
                    yield key, items
                    for _ in items:
                        pass
                else:
                    yield key, self._value()
                separator = self._peek()
                self._pos += 1
                if separator == "}":
                    break
                if separator != ",":
                    self._pos -= 1
                    raise self._error("expected ',' or '}' after a member")
        if self._peek():
            raise self._error("unexpected text after the top-level object")
