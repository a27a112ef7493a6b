"""Have the database write export records as JSON text, byte for byte as orjson would.

Building an interaction's record in Python costs a tuple, a dict, an orjson call and
a string per row; for two million rows that was most of an export. Here the database
writes each record's text itself (SQLite's `json_object`, PostgreSQL's `row_to_json`
over LATERAL rows) in two parts around one list that comes from another table (an
interaction's people: as a correlated subquery it cost PostgreSQL ~20 µs a row), and
Python only puts the list between them. The SQL is derived from the same codecs
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

import orjson
from django.db import connection, models

from amity.portability.records import FieldCodec

T = TypeVar("T")

FETCH = 5000
"""Records per fetch: a few megabytes of text."""

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


def _members(ordered: Sequence[tuple[str, str]], name: str) -> tuple[str, str]:
    """Return (select expression, FROM addition) writing `ordered` as a JSON object.

    `name` tells the LATERAL rows of PostgreSQL apart.
    """
    if _sqlite():
        return "json_object(" + ", ".join(f"'{key}', {sql}" for key, sql in ordered) + ")", ""
    # row_to_json writes no spaces (json_build_object would); LATERAL keeps the
    # columns' names as the keys and leaves the ORDER BY to the outer query.
    q = connection.ops.quote_name
    columns = ", ".join(f"{sql} AS {q(key)}" for key, sql in ordered)
    return f"row_to_json({name})::text", f", LATERAL (SELECT {columns}) {name}"


def record_sql(codecs: Sequence[FieldCodec], around: str) -> tuple[str, str, str]:
    """Return (SQL of the head, SQL of the tail, FROM addition) of one record's JSON text.

    The record has the codecs' keys and the list `around`, in sorted order: the head
    is its text up to that list's opening bracket, `{..., "around":[`, the tail the
    rest from the closing bracket, `], ...}`. head + JSON items + tail is the record.
    """
    q = connection.ops.quote_name
    values = sorted(  # orjson's OPT_SORT_KEYS order
        (codec.key, value_sql(codec.field, f"{ROW}.{q(codec.field.column)}")) for codec in codecs
    )
    before = [(key, sql) for key, sql in values if key < around]
    after = [(key, sql) for key, sql in values if key > around]
    head, tail, lateral = f"'{{\"{around}\":['", "']}'", ""
    # No value ends in "}" nor starts with "{" (value_sql writes no objects), so the
    # trims take off exactly the object's own brace.
    if before:
        sql, lateral = _members(before, "b")
        head = f"rtrim({sql}, '}}') || ',\"{around}\":['"
    if after:
        sql, more = _members(after, "a")
        tail, lateral = f"'],' || ltrim({sql}, '{{')", lateral + more
    return head, tail, lateral


def json_texts(items: dict[str, str]) -> dict[str, str]:
    """Return each text as its JSON string (quoted and escaped), to join into a list."""
    return {key: orjson.dumps(item).decode() for key, item in items.items()}


def stream_json(
    model: type[models.Model],
    codecs: Sequence[FieldCodec],
    *,
    around: str,
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
    also: Sequence[str] = (),
) -> Iterator[list[tuple[Any, ...]]]:
    """Yield the rows of `model` as lists of (id, head, tail, *also), in `order`.

    See record_sql for the head and the tail of each record's JSON text around the
    list `around`; `also` are more SQL expressions to read; `where` is SQL over the
    table, aliased `t` (ROW); `order` names its columns. Rows come through a
    chunked cursor (server-side on PostgreSQL), read ahead by a thread while the
    caller works on the previous batch: memory stays flat.
    """
    q = connection.ops.quote_name
    head, tail, lateral = record_sql(codecs, around)
    select = ", ".join([f"{ROW}.{q('id')}", head, tail, *also])
    sql = (
        f"SELECT {select} FROM {q(model._meta.db_table)} {ROW}{lateral}"
        f" WHERE {where} ORDER BY {', '.join(f'{ROW}.{q(name)}' for name in order)}"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, list(params))
        yield from read_ahead(lambda: cursor.fetchmany(FETCH))


def read_ahead(fetch: Callable[[], list[T]], depth: int = 2) -> Iterator[list[T]]:
    """Yield what `fetch` returns until it returns nothing, fetching the next meanwhile.

    The drivers let go of the interpreter lock while the database works (SQLite's
    steps, the wait for PostgreSQL's rows), so a thread fetching ahead lets the
    database and the caller's Python use two cores. The thread calls only `fetch`,
    on a cursor the caller opened: it reads in the caller's transaction. At most
    `depth` batches wait, so memory stays flat.
    """
    batches: queue.Queue[list[T] | BaseException] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                rows = fetch()
                batches.put(rows)
                if not rows:
                    return
        except BaseException as exc:  # handed to the caller, who raises it
            batches.put(exc)

    reader = threading.Thread(target=run, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            got = batches.get()
            if isinstance(got, BaseException):
                raise got
            if not got:
                return
            yield got
    finally:
        # The caller may stop early: free the queue so the reader sees `stop`.
        stop.set()
        while reader.is_alive():
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        reader.join()
