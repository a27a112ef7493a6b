"""Have the database write export records as JSON text, byte for byte as orjson would.

Building an interaction's record in Python costs a tuple, a dict, an orjson call and
a string per row; for two million rows that was most of an export. Here the database
writes each record's text itself (SQLite's `json_object`, PostgreSQL's `to_json` in
one `concat`) in two parts around one list the caller fills from another table (an
interaction's people), and joins a chunk of records into one text: one row per
chunk, so nothing is built per record in Python and the driver lets go of the
interpreter lock for the whole chunk. Several connections on one snapshot read
chunks at once (`ordered_chunks`, amity.core.shared_snapshot), so the database's
work spreads over the cores. The SQL is derived from the same codecs
(amity.portability.records) as the Python records, with the keys in sorted order and
every value spelled as `records.FieldCodec.dump` and orjson spell it: datetimes as the
aware UTC value's isoformat, UUIDs dashed, text escaped alike (all three escape only
`"`, `\\` and control characters, as \\b \\t \\n \\f \\r or lowercase \\u00XX, and keep
other characters as UTF-8). tests/people/test_exporting.py compares every line with
orjson's, on both backends.

Only columns whose JSON text the databases write exactly so are supported: text,
whole numbers, UUIDs, dates and datetimes. JSON columns are not (orjson sorts their
nested keys, and floats print differently), nor are booleans (SQLite stores 0 and 1).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from amity.core import shared_snapshot
from amity.core.read_ahead import stop_readers
from amity.portability.records import FieldCodec

T = TypeVar("T")

CHUNK = 5_000
"""Records per chunk: one query, one text of a few megabytes."""

READERS = 2
"""Connections reading chunks at once (two cores or more; one on SQLite, see ordered_chunks)."""

ROW = "t"
"""The alias of the exported table in the SQL (`where`, `order` and lists refer to it)."""


def _sqlite() -> bool:
    return bool(connection.vendor == "sqlite")


def uuid_sql(column: str) -> str:
    """Return SQL for a UUID column as dashed lowercase text (SQLite keeps 32 hex digits)."""
    if not _sqlite():
        return f"{column}::text"
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    dashed = " || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts)
    return f"CASE WHEN length({column}) = 32 THEN {dashed} ELSE {column} END"


def value_sql(field: models.Field[Any, Any], column: str) -> str:
    """Return SQL for a column's export value, as text or a whole number.

    Raise TypeError for a column whose JSON text the database would spell differently.
    """
    sqlite = _sqlite()
    if isinstance(field, models.DateTimeField):
        if sqlite:
            # Naive UTC "2026-11-02 12:00:00[.ffffff]" (Django leaves out a zero
            # fraction, as isoformat does).
            return f"replace({column}, ' ', 'T') || '+00:00'"
        # No date part contains a dot, so only a zero fraction is removed.
        spelled = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        return f"replace({spelled}, '.000000', '') || '+00:00'"
    if isinstance(field, models.DateField):
        return f"{column} || ''" if sqlite else f"to_char({column}, 'YYYY-MM-DD')"
    if isinstance(field, models.UUIDField):
        return uuid_sql(column)
    if isinstance(field, models.CharField | models.TextField):
        return column
    if isinstance(field, models.IntegerField) and not isinstance(field, models.BooleanField):
        return column
    raise TypeError(f"{field} cannot be written as JSON by the database (see json_rows)")


def _object_sql(ordered: Sequence[tuple[str, str, str]]) -> str:
    """Return SQLite's SQL writing `ordered`, (key, SQL, kind) triples, as one JSON object."""
    return "json_object(" + ", ".join(f"'{key}', {sql}" for key, sql, _ in ordered) + ")"


def _members_sql(ordered: Sequence[tuple[str, str, str]]) -> str:
    """Return PostgreSQL's SQL writing `ordered` as JSON object members, without braces.

    `ordered` holds (key, SQL, kind) with kind as `_kind` says.
    """
    # One chain of || over the values (concat() looks up each argument's output
    # function on every call): text through to_json, which escapes it as
    # row_to_json does; times, dates and uuids, whose text needs no escapes, just
    # quoted; a NULL spelled null.
    spelled = {"text": "to_json({})::text", "quoted": "'\"' || {} || '\"'", "number": "({})::text"}
    return " || ".join(
        f"'{',' if position else ''}\"{key}\":' || coalesce({spelled[kind].format(sql)}, 'null')"
        for position, (key, sql, kind) in enumerate(ordered)
    )


def _kind(field: models.Field[Any, Any]) -> str:
    """Say how a value of value_sql is spelled in JSON: text, quoted (no escapes) or number."""
    if isinstance(field, models.DateField | models.UUIDField):
        return "quoted"
    if isinstance(field, models.IntegerField):
        return "number"
    return "text"


def record_sql(codecs: Sequence[FieldCodec], around: str) -> tuple[str, str]:
    """Return (SQL of the head, SQL of the tail) of one record's JSON text.

    The record has the codecs' keys and the list `around`, in sorted order: the head
    is its text up to that list's opening bracket, `{..., "around":[`, the tail the
    rest from the closing bracket, `], ...}`. head + JSON items + tail is the record.
    """
    q = connection.ops.quote_name
    values = sorted(  # orjson's OPT_SORT_KEYS order
        (codec.key, value_sql(codec.field, f"{ROW}.{q(codec.field.column)}"), _kind(codec.field))
        for codec in codecs
    )
    before = [value for value in values if value[0] < around]
    after = [value for value in values if value[0] > around]
    if not _sqlite():
        # The members spelled between the braces: no object to trim. (PostgreSQL's
        # rtrim and ltrim measure every character of a UTF-8 text first: about a
        # third of the server's time formatting the 100k/2M export's interactions.)
        head = f"'{{' || {_members_sql(before)} || ',\"{around}\":['" if before else None
        tail = f"'],' || {_members_sql(after)} || '}}'" if after else None
        return head or f"'{{\"{around}\":['", tail or "']}'"
    head, tail = f"'{{\"{around}\":['", "']}'"
    # No value ends in "}" nor starts with "{" (value_sql writes no objects), so the
    # trims take off exactly the object's own brace.
    if before:
        head = f"rtrim({_object_sql(before)}, '}}') || ',\"{around}\":['"
    if after:
        tail = f"'],' || ltrim({_object_sql(after)}, '{{')"
    return head, tail


def text_as_bytes(cursor: Any) -> None:
    """Have `cursor` give text values as their UTF-8 bytes, where its driver can.

    A chunk's text then reaches the file without being decoded into a Python
    string and encoded back (see exporting). PostgreSQL's psycopg 3 takes a loader
    per cursor (unwrapped from Django's wrapper); SQLite's chunk SQL casts to a
    BLOB instead, and `utf8` takes whatever a driver gives.
    """
    adapters = getattr(getattr(cursor, "cursor", cursor), "adapters", None)
    if adapters is not None and connection.vendor == "postgresql":
        adapters.register_loader("text", _Utf8Loader)


def utf8(value: str | bytes | memoryview | None) -> bytes:
    """Return a database text value as UTF-8 bytes (None as none)."""
    if value is None:
        return b""
    return value.encode() if isinstance(value, str) else bytes(value)


class _Utf8Loader(Loader):
    """Load PostgreSQL text as the bytes the server sent (Django's connections ask UTF-8)."""

    def load(self, data: Buffer) -> bytes:
        """Return the value's bytes."""
        return bytes(data)


def chunk_bounds(
    model: type[models.Model], column: str, *, where: str, params: Sequence[Any]
) -> list[Any]:
    """Return values of `column` that cut the rows of `where` into runs of about CHUNK.

    Rising values, as the database gives them back (so they compare with the column
    as it sorts); rows sharing a value stay in one run. Each value is the CHUNK-th
    after the one before, found by stepping along an index on `column` (one that
    `where` can use): a few milliseconds each. `where` is SQL over the table,
    aliased `t` (ROW).
    """
    q = connection.ops.quote_name
    value = f"{ROW}.{q(column)}"
    # SQLite: the stored text, not a datetime converted from it.
    spelled = f"{value} || ''" if _sqlite() else value
    select = f"SELECT {spelled} FROM {q(model._meta.db_table)} {ROW} WHERE {where}"
    order = f"ORDER BY {value} LIMIT 1 OFFSET {CHUNK - 1}"
    bounds: list[Any] = []
    with connection.cursor() as cursor:
        while True:
            after = f" AND {value} > %s" if bounds else ""
            cursor.execute(f"{select}{after} {order}", [*params, *bounds[-1:]])
            row = cursor.fetchone()
            if row is None:
                return bounds
            bounds.append(row[0])


def chunk_where(column: str, bounds: Sequence[Any], index: int) -> tuple[str, list[Any]]:
    """Return (SQL, params) selecting the `index`-th run that `bounds` cut (see chunk_bounds)."""
    q = connection.ops.quote_name
    value = f"{ROW}.{q(column)}"
    sql, params = [], []
    if index > 0:
        sql.append(f"{value} >= %s")
        params.append(bounds[index - 1])
    if index < len(bounds):
        sql.append(f"{value} < %s")
        params.append(bounds[index])
    return " AND ".join(sql) or "1 = 1", params


class _Failed:
    """A reader's exception, carried to the consumer through the queue."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def ordered_chunks(
    count: int,
    read: Callable[[Any, int], T],
    *,
    setup: Callable[[Any], None] = lambda cursor: None,
    teardown: Callable[[Any], None] = lambda cursor: None,
    readers: int = READERS,
) -> Iterator[T]:
    """Yield read(cursor, i) for i in range(count), in order, read by several connections.

    Each of `readers` threads has its own connection on the transaction's shared
    snapshot (amity.core.shared_snapshot) and reads every readers-th chunk, at most
    two ahead of the caller: the database works on all cores, the rows are those of
    one moment, and memory stays a few chunks. `setup` prepares each cursor first.
    Without a shared snapshot (inside a caller's transaction, an in-memory
    database) the chunks are read in turn on the transaction's own connection, and
    `teardown` undoes `setup` there.

    SQLite gets one reader at most: two made the 100k/2M export slower on a quiet
    host (39.6 s wall and 68 s CPU, a fifth of it system time, against 27.4 s and
    27.4 s on one connection), while one reader thread costs less CPU than the
    transaction's own connection (14.1-14.8 s against 15.3-15.8 s, system time
    1.1 s against 2.6 s: a reader keeps its sorts out of temporary files) and
    lets the caller write a chunk while the next is read.
    """
    if connection.vendor != "postgresql":
        readers = min(readers, 1)
    with contextlib.ExitStack() as stack:
        cursors = []
        for _ in range(readers if count > 1 else 0):
            try:
                cursor = stack.enter_context(shared_snapshot.reader())
            except connection.Database.Error:
                # No room for another connection (PostgreSQL's max_connections):
                # read with those there are, or on the transaction's own.
                break
            if cursor is None:
                break
            cursors.append(cursor)
        if not cursors:
            with connection.cursor() as cursor:
                setup(cursor)
                try:
                    for index in range(count):
                        yield read(cursor, index)
                finally:
                    teardown(cursor)
            return
        yield from _read_in_threads(count, read, setup, cursors)


def _read_in_threads(
    count: int, read: Callable[[Any, int], T], setup: Callable[[Any], None], cursors: list[Any]
) -> Iterator[T]:
    """Yield the chunks that one thread per cursor reads, in order (see ordered_chunks)."""
    # The drivers let go of the interpreter lock while the database works (SQLite's
    # steps, the wait for PostgreSQL's rows), and a chunk is one step: one row.
    queues: list[queue.Queue[T | _Failed]] = [queue.Queue(maxsize=1) for _ in cursors]
    stop = threading.Event()

    def run(position: int, cursor: Any) -> None:
        try:
            setup(cursor)
            for index in range(position, count, len(cursors)):
                if stop.is_set():
                    return
                queues[position].put(read(cursor, index))
        except BaseException as exc:  # handed to the caller, who raises it
            queues[position].put(_Failed(exc))

    threads = [
        threading.Thread(target=run, args=(n, c), name="export-reader", daemon=True)
        for n, c in enumerate(cursors)
    ]
    for thread in threads:
        thread.start()
    try:
        for index in range(count):
            got = queues[index % len(cursors)].get()
            if isinstance(got, _Failed):
                raise got.error
            yield got
    finally:
        stop_readers(stop, zip(threads, queues, strict=True))
