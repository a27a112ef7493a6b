"""Open more database connections that read exactly what the current transaction reads.

A whole-network export reads millions of rows, and one connection keeps one core
busy (SQLite's own steps, or one PostgreSQL server process). Readers that see the
same snapshot let that work spread over every core while the result still shows
one moment of the database:

- PostgreSQL: the transaction runs at REPEATABLE READ (so all its own statements
  agree too) and exports its snapshot (`pg_export_snapshot`); each reader imports it
  (`SET TRANSACTION SNAPSHOT`), as parallel `pg_dump` does.
- SQLite: Amity begins transactions with BEGIN IMMEDIATE, so the transaction holds
  the write lock: nobody commits until it ends, and a reader that starts meanwhile
  sees the same database.

Only the code that opens the outermost transaction can offer this (`transaction`):
inside a caller's transaction, rows it wrote are invisible to other connections, so
`reader()` yields None there (and for an in-memory SQLite database, or an SQLite
transaction that does not hold the write lock) and the caller reads on its own
connection.

A PostgreSQL transaction that has written nothing yet can share its snapshot too,
whoever opened it and at any isolation level (`unwritten_reader`): the summary
rebuild inside `amity today` reads participants that way while its own connection
reads interactions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

_SQLITE = "sqlite"
_PINNED: ContextVar[str | None] = ContextVar("amity_shared_snapshot", default=None)
# What pg_export_snapshot returns, e.g. 00000003-0000001B-1: checked before it is
# spelled into SET TRANSACTION SNAPSHOT (a utility statement takes no parameters).
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


@contextmanager
def shared_transaction() -> Iterator[None]:
    """Run the block in one transaction whose snapshot `reader()` connections share.

    Inside a transaction the caller already holds, this is a plain savepoint and
    `reader()` yields None.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        token = _pin() if outermost else None
        reset = _PINNED.set(token)
        try:
            yield
        finally:
            _PINNED.reset(reset)


def _pin() -> str | None:
    """Make the new transaction's snapshot shareable; return how readers find it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The first statement of the transaction, so the level can still be set.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
        return snapshot if _SNAPSHOT_ID.fullmatch(snapshot) else None
    if connection.vendor == "sqlite":
        mode = str(getattr(connection, "transaction_mode", None) or "").upper()
        if connection.is_in_memory_db() or mode not in ("IMMEDIATE", "EXCLUSIVE"):
            return None
        return _SQLITE
    return None


@contextmanager
def reader() -> Iterator[Any | None]:
    """Yield a cursor of a new connection reading the shared snapshot, or None if none.

    The cursor takes `%s` parameters, as Django's do. Its connection is in a
    transaction on that snapshot, set up for whole-network reads (sorts in memory;
    on PostgreSQL without JIT); it is rolled back and closed afterwards.
    Use it from one thread at a time. Raises the driver's error if the database
    refuses the connection.
    """
    token = _PINNED.get()
    if token is None:
        yield None
        return
    with _connected(token) as cursor:
        yield cursor


@contextmanager
def unwritten_reader() -> Iterator[Any | None]:
    """Yield a cursor of a new connection that sees what this transaction sees, or None.

    For a transaction on PostgreSQL 13 or later that has written nothing yet,
    whatever its isolation level and whoever opened it: its snapshot is exported
    there and then (rows it had written would be invisible to another connection,
    so then there is None). The cursor is as reader()'s. None also outside a
    transaction, on SQLite, or when the database refuses the connection: the
    caller reads alone.
    """
    token = _unwritten_snapshot()
    with ExitStack() as stack:
        cursor = None
        if token is not None:
            try:
                cursor = stack.enter_context(_connected(token))
            except connection.Database.Error:
                cursor = None  # no room for another connection (max_connections)
        yield cursor


def _unwritten_snapshot() -> str | None:
    """Export the snapshot of a PostgreSQL transaction that has written nothing yet."""
    if (
        connection.vendor != "postgresql"
        or not connection.in_atomic_block
        or connection.pg_version < 130000  # pg_current_xact_id_if_assigned
    ):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
    return snapshot if _SNAPSHOT_ID.fullmatch(snapshot) else None


@contextmanager
def _connected(token: str) -> Iterator[Any]:
    """Yield a cursor of a new connection in a transaction on the snapshot `token` names."""
    params = connection.get_connection_params()
    if token == _SQLITE:
        raw = connection.get_new_connection(params)
    else:
        raw = connection.Database.connect(**params)
    try:
        yield _begin(raw, token)
    finally:
        try:
            raw.rollback()
        finally:
            raw.close()


def _begin(raw: Any, token: str) -> Any:
    """Start `raw`'s transaction on the snapshot `token` names; return a cursor of it."""
    if token == _SQLITE:
        raw.isolation_level = None
        raw.execute("BEGIN")
        # A read starts the read transaction now, while the writer's lock holds.
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Sorts and temporary tables in memory, not in files (a fifth of the CPU
        # time of an export's reads went to their system calls).
        raw.execute("PRAGMA temp_store = MEMORY")
        return raw.cursor(factory=SQLiteCursorWrapper)
    cursor = raw.cursor()
    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    cursor.execute(f"SET TRANSACTION SNAPSHOT '{token}'")
    # Each query of a whole-network read is planned big enough to be compiled (~60 ms
    # each) and to start parallel workers (the readers are the parallelism), and
    # sorts a few megabytes.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    cursor.execute("SET LOCAL work_mem = '64MB'")
    return cursor
