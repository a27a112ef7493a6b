"""Insert many rows fast: one executemany (COPY on PostgreSQL) per chunk, prepared by column.

The one bulk writer of Amity: importers, restore and the engine's summaries all go
through `Inserter` (rows as dicts or columns) or `insert_rows` (rows as tuples).

QuerySet.bulk_create prepares every value of every row through the ORM and, on
SQLite, is held to 999 parameters per statement (35 people per INSERT); at
100,000 people that alone takes longer than the whole import may. Here only the
columns that need it (dates, JSON, UUIDs) go through the field's own
get_db_prep_save, so SQLite and PostgreSQL store exactly what the ORM would.
Callers that need new rows' keys reserve them first and give them (`with_pk`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models.fields import AutoFieldMixin

from amity.core.column_reads import sent_bigints
from amity.core.copy_text import copy_text

CHUNK = 5000
BULK_CACHE_MB = 128
"""SQLite page cache while one transaction writes millions of rows (see bulk_cache)."""

_PLAIN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
    # Drivers take Python floats and bytes as they are.
    models.FloatField,
    models.BinaryField,
)


def _preparer(field: models.Field[Any, Any], db: Any) -> Callable[[Any], Any] | None:
    """Return how to prepare a value of `field`, or None when it goes in as it is."""
    if isinstance(field, _PLAIN) and not isinstance(field, models.UUIDField):
        return None
    if isinstance(field, models.UUIDField):
        # What UUIDField.get_db_prep_value does, minus its per-call checks.
        native = db.features.has_native_uuid_field
        return (lambda value: value) if native else (lambda value: value.hex)
    cache: dict[Any, Any] = {}
    convert = _json_text if db.vendor == "postgresql" else _same

    def prepare(value: Any) -> Any:
        # Imports repeat values (one `now`, the same dates, identical provenance
        # dicts): prepare each distinct value once.
        try:
            key = (type(value), tuple(value.items()) if isinstance(value, dict) else value)
            hash(key)
        except TypeError:
            return convert(field.get_db_prep_save(value, db))
        if key not in cache:
            if len(cache) >= 10_000:
                cache.clear()
            cache[key] = convert(field.get_db_prep_save(value, db))
        return cache[key]

    return prepare


def _same(value: Any) -> Any:
    return value


def _json_text(value: Any) -> Any:
    """Return a psycopg Jsonb wrapper as the JSON text it would send (other values as given).

    Rows go to PostgreSQL by COPY (text), which takes JSON as text: serialised once
    per distinct value here instead of once per row by the driver.
    """
    from psycopg.types.json import Jsonb

    if isinstance(value, Jsonb):
        return (value.dumps or json.dumps)(value.obj)
    return value


class Inserter:
    """Insert rows (dicts of attribute name → value) into one model's table.

    `table` (quoted) writes the same columns into another table instead, such as an
    import's staging table; `with_pk` includes an auto-increment key the rows give;
    durable=False is for temporary tables (see _write).
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        table: str = "",
        with_pk: bool = False,
        durable: bool = True,
    ) -> None:
        self.model = model
        self.durable = durable
        self.db = connections[DEFAULT_DB_ALIAS]
        # Every column but an auto-increment key (a one-to-one key such as a summary's
        # person is given like any other column); with_pk: the caller gives the keys
        # too (see reserve_pks).
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if with_pk or not (f.primary_key and isinstance(f, AutoFieldMixin))
        ]
        quote = self.db.ops.quote_name
        target = table or quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {target} ({self.columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {target} ({self.columns}) FROM STDIN"
        self.preparers = [_preparer(f, self.db) for f in self.fields]
        # Columns a row gives no value for take the field's default, computed (and
        # prepared) once: rows must carry their own per-row defaults such as `uid`.
        self.steps: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        for field, prepare in zip(self.fields, self.preparers, strict=True):
            value = field.get_default()
            default = value if prepare is None or value is None else prepare(value)
            self.steps.append((field.attname, prepare, default))

    def insert_columns(self, count: int, columns: dict[str, Any]) -> None:
        """Insert `count` rows given column by column.

        Each value of `columns` is a list with one value per row, a Same(value)
        for all rows, or a Prepared(list) of values already in the database's form;
        columns not given take their default. Preparing a column with
        one list comprehension is several times faster than a loop over every cell.
        """
        if count:
            self.insert_column_chunks([(count, columns)])

    def insert_column_chunks(self, chunks: Iterable[tuple[int, dict[str, Any]]]) -> None:
        """Insert rows given as (count, columns) chunks, each as insert_columns takes them.

        On PostgreSQL all chunks go in one COPY, each prepared only when the previous
        one is sent: the server writes rows (and their indexes) while the next chunk
        is prepared, on the other core. The chunks must not run queries meanwhile.
        On SQLite each chunk is one executemany in its own short transaction (a
        savepoint inside a caller's transaction), as insert_columns always did.
        """
        if self.db.vendor == "postgresql":
            prepared = (self._columns(count, columns) for count, columns in chunks if count)
            with transaction.atomic(), self.db.cursor() as cursor:
                _copy(cursor, self.copy_sql, prepared, durable=self.durable)
            return
        for count, columns in chunks:
            if count:
                with transaction.atomic(), self.db.cursor() as cursor:
                    _write(
                        cursor, self.sql, self.copy_sql, self._columns(count, columns),
                        durable=self.durable,
                    )  # fmt: skip

    def _columns(self, count: int, columns: dict[str, Any]) -> list[Sequence[Any]]:
        """Return the columns of one chunk of insert_columns, every value prepared."""
        prepared: list[Any] = []
        for name, prepare, default in self.steps:
            given = columns.get(name, _MISSING)
            if given is _MISSING:
                prepared.append([default] * count)
            elif isinstance(given, Same):
                value = given.value
                one = value if prepare is None or value is None else prepare(value)
                prepared.append([self._once(one)] * count)
            elif isinstance(given, Prepared):
                prepared.append(given.values)
            elif prepare is None:
                prepared.append(given)
            else:
                prepared.append([None if v is None else prepare(v) for v in given])
        return prepared

    def _once(self, value: Any) -> Any:
        """Return a value repeated on every row as COPY will read it (PostgreSQL).

        COPY reads text: a date or time sent as its text once is not formatted
        again for each of 100,000 rows (a third of the formatting of a person).
        """
        if self.db.vendor == "postgresql" and isinstance(value, dt.date):
            return str(value)  # what the driver sends: ISO, with the offset when aware
        return value

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert `rows` (dicts with the same keys) in chunks of CHUNK."""
        if not rows:
            return

        def chunks() -> Iterator[tuple[int, dict[str, Any]]]:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                names = chunk[0].keys()
                yield len(chunk), {n: [row[n] for row in chunk] for n in names}

        self.insert_column_chunks(chunks())


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in `columns` order; field names or attnames such as owner_id).

    Columns not given take the field's default; values must already be valid (no
    validation or signals happen here).
    """
    if not rows:
        return
    names = [model._meta.get_field(column).attname for column in columns]
    inserter = Inserter(model)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        given = {name: [row[i] for row in chunk] for i, name in enumerate(names)}
        inserter.insert_columns(len(chunk), given)


def columns_of(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> dict[str, list[Any]]:
    """Return {name: column} for Inserter.insert_columns from rows of values in `names` order."""
    columns = list(map(list, zip(*rows, strict=True)))
    return dict(zip(names, columns or [[] for _ in names], strict=True))


@dataclass(frozen=True)
class Same:
    """One value for every row of a column (see Inserter.insert_columns)."""

    value: Any


@dataclass(frozen=True)
class Prepared:
    """Values of a column already as the database stores them: written untouched.

    For callers that convert whole columns faster than a call per value (a restore
    turning the export's ISO datetimes into SQLite's text); see Inserter.insert_columns.
    """

    values: Sequence[Any]


_MISSING = object()


def reserve_pks(
    model: type[models.Model], count: int, *, using: str = DEFAULT_DB_ALIAS
) -> list[int]:
    """Return `count` new primary keys for `model`, taken from its sequence for the caller.

    Rows inserted with these keys need no read-back by uid. PostgreSQL hands them out
    from the table's sequence (safe beside other writers). On SQLite the sequence row
    of AUTOINCREMENT is moved past them: call this inside the write transaction
    (Amity's SQLite transactions begin IMMEDIATE, so no other writer is in between).
    """
    if count <= 0:
        return []
    db = connections[using]
    quote = db.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # The sequence's name first: pg_get_serial_sequence is not immutable, so
            # written inside nextval(...) it ran once per key (ten times nextval's cost).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), pk])
            (sequence,) = cursor.fetchone()
            # One binary array, not a row per key (2M rows cost the client seconds).
            cursor.execute(
                "SELECT array_send(array_agg(nextval(%s::regclass))) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return sorted(sent_bigints(cursor.fetchone()[0]).tolist())
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX({quote(pk)}) FROM {quote(table)}")
        top = max(found[0] if found else 0, cursor.fetchone()[0] or 0)
        if found:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [top + count, table]
            )
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top + count]
            )
    return list(range(top + 1, top + count + 1))


def new_uids(count: int) -> list[uuid.UUID]:
    """Return `count` new, increasing UUIDs (RFC 9562 version 7).

    A millisecond timestamp, then a counter, then random bits: unique like uuid4,
    but inserted in order, so the unique index on `uid` grows at its end instead of
    at 100,000 random places (about three times faster on SQLite at that size).
    """
    millis = time.time_ns() // 1_000_000
    random_bits = os.urandom(4 * count)
    uids = []
    for i in range(count):
        # 48-bit time | version 7 | 42-bit counter split around the variant | 32 random bits
        counter_high, counter_low = (i >> 30) & 0xFFF, i & 0x3FFFFFFF
        tail = int.from_bytes(random_bits[4 * i : 4 * i + 4], "big")
        value = (
            (millis & 0xFFFFFFFFFFFF) << 80
            | 0x7 << 76
            | counter_high << 64
            | 0b10 << 62
            | counter_low << 32
            | tail
        )
        uids.append(uuid.UUID(int=value))
    return uids


@contextmanager
def bulk_cache(megabytes: int = BULK_CACHE_MB) -> Iterator[None]:
    """Give SQLite a page cache of `megabytes` for a bulk write, then the previous one back.

    SQLite's default cache is 2 MB: inserting millions of rows whose uids are random
    walks indexes far larger than that, and most of the write becomes reading and
    spilling pages (a restore of 2M interactions spent more time in the kernel than
    in Python). A fixed bound, whatever the size of the file. PostgreSQL sizes its
    own buffers: nothing to do there.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _write(
    cursor: Any,
    sql: str,
    copy_sql: str,
    columns: Sequence[Sequence[Any]],
    *,
    durable: bool = True,
) -> None:
    """Insert rows given as `columns` with `sql` (executemany), or with COPY on PostgreSQL.

    durable=False (rows of temporary tables, gone after a crash anyway): PostgreSQL
    commits the chunk without waiting for its log to reach the disk.
    """
    if connection.vendor != "postgresql":
        _insert_many(cursor, sql, columns)
        return
    _copy(cursor, copy_sql, [columns], durable=durable)


SQLITE_PARAMS = 999
"""Parameters one SQLite statement may hold (Django's max_query_params for SQLite)."""

SQLITE_ROWS = 100
"""Rows one multi-row INSERT takes at most: past that the statement's setup is paid."""


def _insert_many(cursor: Any, sql: str, columns: Sequence[Sequence[Any]]) -> None:
    """Insert rows given as columns with `sql` (one row's INSERT), many rows a statement.

    Each execution of an INSERT on SQLite pays its set-up, and for an AUTOINCREMENT
    key (every Django table) a read and a write of sqlite_sequence: on a link table's
    two columns that was half of the insert (2M links: 0.97 s a million rows one by
    one, 0.49 s a hundred at a time). Rows the last full statement leaves go one by one.
    """
    rows = list(zip(*columns, strict=True))
    width = len(columns)
    per = max(1, min(SQLITE_ROWS, SQLITE_PARAMS // max(width, 1)))
    full = len(rows) // per * per
    if per > 1 and full:
        head, marks = sql.split(" VALUES ", 1)
        statement = f"{head} VALUES {', '.join([marks] * per)}"
        flat = list(chain.from_iterable(rows[:full]))
        step = per * width
        cursor.executemany(statement, [flat[i : i + step] for i in range(0, len(flat), step)])
    if full < len(rows):
        cursor.executemany(sql, rows[full:])


def _copy(
    cursor: Any,
    copy_sql: str,
    chunks: Iterable[Sequence[Sequence[Any]]],
    *,
    durable: bool = True,
) -> None:
    """Send chunks of rows, each given as columns, to PostgreSQL in one COPY.

    Each chunk is prepared (a generator's next item) only when the previous one is
    sent, so the server writes while the client prepares the next chunk.
    """
    if not durable:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    # COPY streams rows without a statement each: several times faster. The raw
    # driver cursor raises the driver's errors: word them as Django's (IntegrityError).
    with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
        for columns in chunks:
            text = copy_text(columns)
            if text is not None:
                copy.write(text)
            else:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)


def link_columns(through: type[models.Model], left: str, right: str) -> str:
    """Return the quoted (left_id, right_id) columns of a many-to-many link table."""
    quote = connection.ops.quote_name
    return ", ".join(quote(through._meta.get_field(name).column) for name in (left, right))


def insert_links(
    through: type[models.Model],
    left: str,
    right: str,
    pairs: Iterable[Any],
    *,
    table: str = "",
    durable: bool = True,
) -> None:
    """Insert many-to-many link rows (left_id, right_id) in chunks (into `table` if given)."""
    table = table or connection.ops.quote_name(through._meta.db_table)
    columns = link_columns(through, left, right)
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s)"
    copy_sql = f"COPY {table} ({columns}) FROM STDIN"
    batch = list(pairs)
    for start in range(0, len(batch), CHUNK):
        chunk = batch[start : start + CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            columns = [[pair[0] for pair in chunk], [pair[1] for pair in chunk]]
            _write(cursor, sql, copy_sql, columns, durable=durable)
