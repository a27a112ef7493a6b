"""Write rows in PostgreSQL COPY's text format, a column at a time.

psycopg's write_row formats one row at a time in Python (about 7 µs a row, most of a
2M-interaction restore's own CPU); here each column becomes text with a few calls
that run in C, and the rows are joined at once (amity.core.bulk_writing sends them).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Sequence
from typing import Any

_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
_NULL = "\\N"


def copy_text(columns: Sequence[Sequence[Any]]) -> str | None:
    """Return the rows of `columns` in COPY's text format, or None if a value needs the driver.

    psycopg's write_row formats one row at a time in Python (about 7 µs a row, most
    of a 2M-interaction restore's own CPU); here each column becomes text with a few
    calls that run in C, and the rows are joined at once. Only types whose text is
    plain are handled (text, numbers, booleans, UUIDs, dates and times, as psycopg
    writes them); anything else (bytes, JSON objects) returns None.
    """
    texts = []
    for column in columns:
        column_text = _column_text(column)
        if column_text is None:
            return None
        texts.append(column_text)
    if not texts or not texts[0]:
        return ""
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _column_text(column: Sequence[Any]) -> list[str] | None:
    """Return one column's values as COPY text (None: a type only the driver writes)."""
    kinds = set(map(type, column))
    if type(None) not in kinds:
        return _present_text(kinds, column)
    kinds.discard(type(None))
    present = [value for value in column if value is not None]
    texts = _present_text(kinds, present) if present else []
    if texts is None:
        return None
    found = iter(texts)
    return [_NULL if value is None else next(found) for value in column]


def _present_text(kinds: set[type], values: Sequence[Any]) -> list[str] | None:
    """Return non-null values of one type as COPY text, or None for a type not handled."""
    if not values:
        return []
    if len(kinds) != 1:
        return None
    (kind,) = kinds
    if kind is str:
        joined = "\0".join(values)
        if joined.count("\0") != len(values) - 1:
            return None  # a NUL inside a text: the driver words the error
        if any(char in joined for char in "\\\t\n\r"):
            for char, escaped in _COPY_ESCAPES:
                joined = joined.replace(char, escaped)
        return joined.split("\0")
    if kind is bool:
        return ["t" if value else "f" for value in values]
    if kind in (int, float, uuid.UUID, decimal.Decimal):
        return list(map(str, values))
    if kind in (dt.datetime, dt.date):
        return [value.isoformat() for value in values]
    if kind is bytes:
        # bytea's hex form, its backslash doubled for COPY.
        return ["\\\\x" + value.hex() for value in values]
    return None
