"""Read a large JSON object member by member, decoding array items one at a time.

A full export (100k people, millions of interactions) would take gigabytes as one
`json.load`; restoring it needs only one batch of records in memory at a time.
"""

from __future__ import annotations

import io
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
BLOCK_CHARS = 8 << 20
"""Characters a block of record lines holds at most (about: it ends at a line's end).

Records with long texts (mail bodies) make fewer than `lines` of them a block: what
waits between the reader and the decoding processes stays a few such blocks."""


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
        offset: int = 0,
    ) -> None:
        self._fp = fp
        self._chunk_size = chunk_size
        self._buffer = ""
        self._pos = 0
        # Characters before the text of `fp` (a LineBlock read again): errors count them.
        self._consumed = offset
        self._eof = False
        self._decoder = json.JSONDecoder(object_hook=object_hook)
        self._hook = object_hook
        # Text a record line must contain for the hook to have anything to do: lines
        # without it skip walking every decoded object in Python.
        self._hook_needs = hook_needs

    def _fill(self, size: int = 0) -> bool:
        """Read a chunk (or `size` characters, if more); return False at the end of the file."""
        if self._eof:
            return False
        data = self._fp.read(max(size, self._chunk_size))
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
        if not text:
            return None
        values = LineBlock(text, self._consumed + pos, self._hook, self._hook_needs).fast_records()
        if values is not None:
            self._pos = pos + len(text)
        return values

    def _raw_block(self, lines: int) -> LineBlock | None:
        """Take the next whole record lines, `lines` of them or BLOCK_CHARS, undecoded.

        What _line_block would decode, cut the same way (up to the last whole line,
        or to the list's closing bracket), with more of the file read first so that
        a block holds `lines` records: LineBlock.records decodes it later, maybe in
        another process. None where the next item does not start a line's record.
        """
        if self._peek() not in ("{", "["):
            return None
        # Each character is looked at once: only the text each read adds is searched.
        newlines, scanned = 0, self._pos
        while True:
            buffer, pos = self._buffer, self._pos
            newlines += buffer.count("\n", scanned)
            closing = buffer.find("\n]", max(scanned - 1, pos))
            if closing >= 0 or newlines >= lines or len(buffer) - pos >= BLOCK_CHARS:
                break
            unread = len(buffer) - pos
            # What the lines still wanted take, at the length of those so far: one
            # read, not a copy of the growing buffer per chunk.
            wanted = (lines - newlines) * (unread // max(newlines, 1) + 1)
            if not self._fill(min(wanted, BLOCK_CHARS)):
                break
            scanned = unread  # _fill keeps the unread text at the start of the buffer
        end = closing
        if end < 0:
            end = buffer.rfind("\n", pos, pos + BLOCK_CHARS)
            end = end if end >= 0 else buffer.rfind("\n", pos)
        if end < 0:
            return None
        text = buffer[pos:end].rstrip()
        if text.endswith(","):
            text = text[:-1]
        # Only objects, one a line, each but the last followed by a comma: a line
        # holding anything else (a list's end, a value across lines) goes item by item.
        if not text or text[0] != "{" or text[-1] != "}" or text.count("},\n{") != text.count("\n"):
            return None
        self._pos = pos + len(text)
        return LineBlock(text, self._consumed + pos, self._hook, self._hook_needs)

    def _items(self, mode: _ItemMode) -> Iterator[Any]:
        self._expect("[")
        if self._peek() == "]":
            self._pos += 1
            return
        # Items to read one by one before trying a block again: after a block that
        # failed, so a file of another shape is not tried at every item.
        pause = 0
        while True:
            if mode.block_lines and not pause:
                raw = self._raw_block(mode.block_lines)
                block = None if raw is None else [raw]
            else:
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
                    items = Items(self)
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


class _ItemMode:
    """How a list's items come: decoded (block_lines 0) or as LineBlocks where they can."""

    block_lines = 0


class Items(Iterator[Any]):
    """The items of a list member, decoded one at a time (see JsonObjectStream.members).

    `pieces` takes the rest of them in big undecoded blocks of record lines instead,
    for a caller that decodes them elsewhere (another process).
    """

    def __init__(self, stream: JsonObjectStream) -> None:
        self._mode = _ItemMode()
        self._items = stream._items(self._mode)

    def __iter__(self) -> Items:
        return self

    def __next__(self) -> Any:
        return next(self._items)

    def pieces(self, lines: int) -> Iterator[Any]:
        """Yield the items left, whole record lines as LineBlocks of `lines` or more.

        Items that are not a line's record (a hand-written file) come decoded, one
        by one, as `iter` gives them.
        """
        self._mode.block_lines = lines
        try:
            yield from self._items
        finally:
            self._mode.block_lines = 0


class LineBlock:
    """Record lines of a JSON list, not yet decoded, and where they start in the file.

    Picklable (text and the hook only): another process may decode it.
    """

    def __init__(
        self,
        text: str,
        offset: int,
        hook: Callable[[dict[str, Any]], Any] | None,
        hook_needs: re.Pattern[str] | None,
    ) -> None:
        self.text = text
        self.offset = offset
        self.hook = hook
        self.hook_needs = hook_needs

    @property
    def lines(self) -> int:
        """Return how many lines the block holds (a record each, in an export)."""
        return self.text.count("\n") + 1

    def fast_records(self) -> list[Any] | None:
        """Return the block's items read by orjson, or None where only `records` reads them."""
        text = self.text
        if _long_digit_run(text):
            return None
        try:
            values: list[Any] = orjson.loads(f"[{text}]")
        except orjson.JSONDecodeError:
            return None
        if self.hook is None or (self.hook_needs and not self.hook_needs.search(text)):
            return values
        return [_hooked(value, self.hook) for value in values]

    def records(self) -> list[Any]:
        """Return the block's items, or raise JsonStreamError naming the character."""
        fast = self.fast_records()
        if fast is not None:
            return fast
        # The standard way, with the stream's own errors, placed where the block was.
        stream = JsonObjectStream(
            io.StringIO(f"[{self.text}\n]"),
            object_hook=self.hook,
            hook_needs=self.hook_needs,
            offset=self.offset - 1,
        )
        items = list(stream._items(_ItemMode()))
        if stream._peek():
            # A line held the end of the list and more (`{...}], "notes": [`): read
            # ahead as records, it cannot be given back to the file's stream.
            raise stream._error("a list ends inside a record line; put each record on its own line")
        return items
