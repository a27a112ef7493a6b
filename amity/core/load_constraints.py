"""Check the foreign keys of a bulk load into empty PostgreSQL tables once, at its end.

Django declares every foreign key DEFERRABLE INITIALLY DEFERRED, and PostgreSQL checks
such a key with one trigger query per inserted row, all run at commit: a restore of 2M
interactions queued about 6.5M of them, most of its time. `keys_checked_at_end` drops
the foreign keys of the tables a load fills and adds them back when it is done, so
each is checked by one join over the whole table instead (what `ALTER TABLE ...
VALIDATE CONSTRAINT` does). The definitions are read from the catalog, never written
here, so the schema after the load is the one before it.

The price is locking: dropping a foreign key takes an ACCESS EXCLUSIVE lock on its
table and on the table it points to until the transaction ends, so nobody else can
even read them meanwhile. That is why it is only done when the tables hold no rows at
all (nobody else has anything in them to read), and why a key pointing at a table
outside the load (the owner's user row) is only dropped when that table holds the
owner alone: otherwise every other account's requests would wait for the load to end.
Anywhere else (SQLite, tables in use) the load runs as it is, with its per-row checks.

`indexes_built_at_end` does the same for the tables' indexes, unique ones included:
each is built by one sort of the loaded rows, and a value the load repeats is
refused then, not on the row that repeats it: by the caller's `explain` (a restore
names the record, amity.portability.sections.repeated_uid) or by DuplicateRows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key as the catalog defines it."""

    table: str
    name: str
    definition: str
    target: str


Statements = tuple[list[str], list[str]]
"""SQL that sets things aside before a load, and SQL that puts them back after it."""


@contextmanager
def keys_checked_at_end(
    tables_of: Sequence[type[models.Model]], *, owner_id: int, using: str = DEFAULT_DB_ALIAS
) -> Iterator[bool]:
    """Drop the foreign keys of the models' tables for the block, then add and validate them.

    Yields whether it did (False: PostgreSQL is not the database, or the tables are
    in use; the block then runs with the usual per-row checks). Must run inside a
    transaction, which holds the locks until it ends. A row the block leaves pointing
    nowhere raises IntegrityError when the keys come back; an error inside the block
    rolls the keys' removal back with it (a savepoint), so every constraint stays.
    """
    quote = connections[using].ops.quote_name

    def statements(cursor: Any, tables: list[str]) -> Statements:
        keys = _droppable_keys(cursor, tables, owner_id)
        drops = [f"ALTER TABLE {quote(k.table)} DROP CONSTRAINT {quote(k.name)}" for k in keys]
        adds = []
        for key in keys:
            # NOT VALID, then VALIDATE: one anti-join over the table per key.
            table, name = quote(key.table), quote(key.name)
            adds.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {key.definition} NOT VALID")
            adds.append(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
        return drops, adds

    with _set_aside(statements, tables_of, using) as done:
        yield done


@contextmanager
def indexes_built_at_end(
    tables_of: Sequence[type[models.Model]],
    *,
    using: str = DEFAULT_DB_ALIAS,
    explain: Callable[[IntegrityError], Exception | None] | None = None,
) -> Iterator[bool]:
    """Drop the indexes of the models' empty tables for the block, then build them.

    Every index but the primary keys (and a unique one a foreign key relies on).
    Building an index once from all the rows sorts them; keeping it up to date row
    by row walks it at random, and at 2M rows the indexes no longer fit
    PostgreSQL's buffers: the unique index on random uids alone was half of the
    server's work in a 2M-interaction COPY (11.9 s of CPU with it; 5.6 s without
    it, plus about 1 s to build it after). So a value repeated within the block is
    found only when its unique index is built: `explain`, if given, is then called
    with the error while the rows can still be read (the builds run in a savepoint
    of their own) and may return a clearer error to raise instead; otherwise
    DuplicateRows names the table, the columns and the value.
    Yields whether it did; same conditions as keys_checked_at_end (PostgreSQL,
    inside a transaction, every table empty: no other account's row can clash).
    """
    plural = {model._meta.db_table: str(model._meta.verbose_name_plural) for model in tables_of}

    def statements(cursor: Any, tables: list[str]) -> Statements:
        found = plain_indexes(cursor, tables) + unique_indexes(cursor, tables)
        if not found:
            return [], []
        # A sort of millions of keys: more memory than the default 64 MB spares
        # spilling it to disk (for this transaction only).
        builds = ["SET LOCAL maintenance_work_mem = '256MB'"]
        return [index.drop for index in found], builds + [index.build for index in found]

    try:
        with _set_aside(statements, tables_of, using, explain=explain) as done:
            yield done
    except IntegrityError as exc:
        duplicate = DuplicateRows.of(exc, plural)
        if duplicate is None:
            raise
        raise duplicate from None


@dataclass(frozen=True)
class Index:
    """An index of a table as SQL that drops it and SQL that builds it again."""

    name: str
    drop: str
    build: str


def plain_indexes(cursor: Any, tables: Sequence[str]) -> list[Index]:
    """Return the plain indexes of `tables` (neither unique nor a primary key), by name."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY (%s::regclass[]) AND NOT i.indisunique"
        " AND NOT i.indisprimary AND NOT i.indisexclusion ORDER BY 1",
        [list(tables)],
    )
    return [Index(name, f"DROP INDEX {name}", sql) for name, sql in cursor.fetchall()]


def unique_indexes(cursor: Any, tables: Sequence[str]) -> list[Index]:
    """Return the unique indexes of `tables` but primary keys and those a key relies on.

    A unique constraint (Django's unique=True) is dropped and added back as a
    constraint, under its own name; a unique index (a partial UniqueConstraint)
    as an index.
    """
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
        " i.indrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_index i LEFT JOIN pg_constraint c"
        " ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype = 'u'"
        " WHERE i.indrelid = ANY (%s::regclass[]) AND i.indisunique AND NOT i.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint f"
        " WHERE f.contype = 'f' AND f.conindid = i.indexrelid) ORDER BY 1",
        [list(tables)],
    )
    quote = cursor.db.ops.quote_name
    found = []
    for name, sql, table, constraint, definition in cursor.fetchall():
        if constraint is None:
            found.append(Index(name, f"DROP INDEX {name}", sql))
            continue
        alter = f"ALTER TABLE {quote(table)}"
        found.append(
            Index(
                name,
                f"{alter} DROP CONSTRAINT {quote(constraint)}",
                f"{alter} ADD CONSTRAINT {quote(constraint)} {definition}",
            )
        )
    return found


class DuplicateRows(IntegrityError):
    """A unique index built after a load found a value in more than one row."""

    _DETAIL = re.compile(r"Key \((?P<columns>.*)\)=\((?P<values>.*)\) is duplicated\.", re.S)

    @classmethod
    def of(cls, exc: IntegrityError, plural: dict[str, str]) -> DuplicateRows | None:
        """Word a failed unique index build of a table in `plural`, or return None.

        PostgreSQL's own message names the index; its detail has the columns and
        the repeated value: "interactions: uid 6dde8c2b-… is in more than one row".
        """
        diag = getattr(exc.__cause__, "diag", None)
        if diag is None or diag.table_name not in plural:
            return None
        match = cls._DETAIL.fullmatch(diag.message_detail or "")
        if match is None:
            return None
        return cls(
            f"{plural[diag.table_name]}: {match['columns']} {match['values']}"
            " is in more than one row"
        )


@contextmanager
def _set_aside(
    statements: Callable[[Any, list[str]], Statements],
    tables_of: Sequence[type[models.Model]],
    using: str,
    *,
    explain: Callable[[IntegrityError], Exception | None] | None = None,
) -> Iterator[bool]:
    """Run the drops `statements` gives for empty tables, the block, then the rebuilds.

    A rebuild that fails with an IntegrityError is rolled back to a savepoint of
    its own, so `explain` can still read the rows the block wrote.
    """
    db = connections[using]
    if db.vendor != "postgresql" or not db.in_atomic_block:
        yield False
        return
    tables = sorted({model._meta.db_table for model in tables_of})
    with db.cursor() as cursor:
        drops, rebuilds = statements(cursor, tables) if _all_empty(cursor, tables) else ([], [])
    if not drops:
        yield False
        return
    with transaction.atomic(using=using):
        _run(db, drops)
        yield True
        try:
            with transaction.atomic(using=using):
                _run(db, rebuilds)
        except IntegrityError as exc:
            clearer = explain(exc) if explain is not None else None
            if clearer is None:
                raise
            raise clearer from None


def _run(db: Any, statements: list[str]) -> None:
    with db.cursor() as cursor:
        run_queued_checks(cursor)
        for sql in statements:
            cursor.execute(sql)


def run_queued_checks(cursor: Any) -> None:
    """Run the foreign-key checks queued so far in the transaction, as commit would.

    PostgreSQL refuses to alter or index a table with checks still queued (rows
    written or deleted earlier in the transaction, such as the demo a restore
    replaces, or rows whose keys were kept). Every deferrable constraint of the
    schema is a Django foreign key, initially deferred, so DEFERRED then puts them
    back as they were.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _all_empty(cursor: Any, tables: Sequence[str]) -> bool:
    """Tell whether no owner has any row in `tables`."""
    quote = cursor.db.ops.quote_name
    cursor.execute(
        "SELECT " + " AND ".join(f"NOT EXISTS (SELECT 1 FROM {quote(t)})" for t in tables)
    )
    return bool(cursor.fetchone()[0])


def foreign_keys(cursor: Any, tables: Sequence[str]) -> list[ForeignKey]:
    """Return the foreign keys declared on `tables`, in a stable order."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid),"
        " c.confrelid::regclass::text"
        " FROM pg_constraint c WHERE c.contype = 'f'"
        " AND c.conrelid = ANY (%s::regclass[]) ORDER BY 1, 2",
        [list(tables)],
    )
    return [ForeignKey(*row) for row in cursor.fetchall()]


def _droppable_keys(cursor: Any, tables: Sequence[str], owner_id: int) -> list[ForeignKey]:
    """Return the keys of the (empty) tables that may be dropped (see above)."""
    quote = cursor.db.ops.quote_name
    users = get_user_model()
    user_table = users._meta.db_table
    cursor.execute(
        f"SELECT NOT EXISTS (SELECT 1 FROM {quote(user_table)}"
        f" WHERE {quote(users._meta.pk.column)} <> %s)",
        [owner_id],
    )
    owner_alone = bool(cursor.fetchone()[0])
    inside = set(tables) | ({user_table} if owner_alone else set())
    return [key for key in foreign_keys(cursor, tables) if key.target in inside]
