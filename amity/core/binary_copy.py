"""Write columns held in numpy to a PostgreSQL table with one binary COPY, built in numpy.

PostgreSQL's binary COPY format is a row after row of (field count, then each
field's 32-bit length and its bytes, big-endian). Numbers, timestamps and
fixed-width bytes have the same width in every row, so a block of rows is a
matrix: each column encoded at once with numpy (`astype(">f8")`), laid side by
side, and the bytes of NULLs and of shorter texts masked out. For 85,000 summary
rows this cost the client ~0.3 s of CPU where COPY's text rows, one `write_row`
each, cost ~1.1 s, and the server's share fell from ~2.0 s to ~1.2 s (measured at
load 5-7): it reads binary numbers without parsing their text. The server still
checks every value (types, lengths, constraints) as it does for any COPY.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
"""The 11-byte signature, then a zero flags field and a zero header extension length."""
TRAILER = b"\xff\xff"
_EPOCH_2000 = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_NUMBERS = {
    "smallint": ">i2",
    "integer": ">i4",
    "bigint": ">i8",
    "double precision": ">f8",
}
_TEXTS = ("text", "character varying")


def column_types(table: str, cursor: Any) -> dict[str, str]:
    """Return each column of `table` (unquoted name) with its type as format_type spells it."""
    cursor.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [cursor.db.ops.quote_name(table)],
    )
    return dict(cursor.fetchall())


def encode(
    kind: str, values: Any, count: int
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int32]]:
    """Return a column's values as a (rows, width) byte matrix and each row's byte length.

    `values` is an array or list with one value per row, or a single Python value
    for every row (a numpy scalar counts as one too). Integers out of their column's
    range raise ValueError rather than wrap.
    """
    if np.ndim(values) == 0:
        one, lengths = encode(kind, [values], 1)
        return np.repeat(one, count, axis=0), np.repeat(lengths, count)
    if kind in _NUMBERS:
        wire = np.dtype(_NUMBERS[kind])
        array = np.asarray(values)
        if wire.kind == "i" and len(array):
            limits = np.iinfo(wire)
            if array.min() < limits.min or array.max() > limits.max:
                raise ValueError(f"a value out of range for a {kind} column")
        raw = np.ascontiguousarray(array, dtype=wire).view(np.uint8).reshape(len(array), -1)
        return raw, np.full(len(array), wire.itemsize, dtype=np.int32)
    if kind == "timestamp with time zone":
        micros = [(value - _EPOCH_2000) // dt.timedelta(microseconds=1) for value in values]
        return encode("bigint", micros, count)
    if kind == "bytea" and isinstance(values, np.ndarray) and values.ndim == 2:
        raw = np.ascontiguousarray(values, dtype=np.uint8)
        return raw, np.full(len(raw), raw.shape[1], dtype=np.int32)
    if kind == "bytea" or kind.startswith(_TEXTS):
        data = [v if isinstance(v, bytes) else str(v).encode() for v in values]
        lengths = np.fromiter(map(len, data), dtype=np.int32, count=len(data))
        width = int(lengths.max()) if len(data) else 0
        # Fixed-width bytes pad with zeros; the lengths say where each value ends.
        padded = np.array(data, dtype=f"S{max(width, 1)}")
        raw = padded.view(np.uint8).reshape(len(data), -1)[:, :width]
        return raw, lengths
    raise ValueError(f"no binary COPY encoding for a {kind} column")


def copy_rows(
    model: type[models.Model],
    count: int,
    columns: Mapping[str, Any],
    nulls: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    *,
    cursor: Any = None,
) -> None:
    """Insert `count` rows of `model` from `columns` (attribute name -> values).

    Values as `encode` takes them, or None for a column of NULLs; `nulls` marks the
    rows of a column that are NULL (their values are ignored). Columns not given
    take the field's default, computed once, as with the Inserter. `cursor`: a
    cursor the caller opened (a thread writing in the caller's transaction).
    """
    if not count:
        return
    if cursor is None:
        with connection.cursor() as opened:
            copy_rows(model, count, columns, nulls, cursor=opened)
        return
    given = dict(columns)
    for field in model._meta.concrete_fields:
        if field.attname not in given and not isinstance(field, AutoFieldMixin):
            given[field.attname] = field.get_default()
    table = model._meta.db_table
    types = column_types(table, cursor)
    names = [model._meta.get_field(name).column for name in given]
    blocks: list[npt.NDArray[np.uint8]] = [
        np.broadcast_to(np.array([len(given)], dtype=">i2").view(np.uint8), (count, 2))
    ]
    keep: list[npt.NDArray[np.bool_]] = [np.ones((count, 2), dtype=bool)]
    for (name, values), column in zip(given.items(), names, strict=True):
        if values is None:
            raw, lengths = np.zeros((count, 0), dtype=np.uint8), np.full(count, -1, np.int32)
        else:
            raw, lengths = encode(types[column], values, count)
        null = (nulls or {}).get(name)
        if null is not None:
            lengths = np.where(null, -1, lengths).astype(np.int32)
        blocks += [lengths.astype(">i4").view(np.uint8).reshape(count, 4), raw]
        keep += [
            np.ones((count, 4), dtype=bool),
            np.arange(raw.shape[1]) < np.maximum(lengths, 0)[:, None],
        ]
    # Row by row, each field's length and then its bytes; masked bytes drop out.
    body = np.hstack(blocks)[np.hstack(keep)]
    q = cursor.db.ops.quote_name
    sql = f"COPY {q(table)} ({', '.join(map(q, names))}) FROM STDIN (FORMAT BINARY)"
    # The raw driver cursor raises the driver's errors: word them as Django's.
    with cursor.db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        copy.write(SIGNATURE + body.tobytes() + TRAILER)
