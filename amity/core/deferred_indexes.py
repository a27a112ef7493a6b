"""Build tables' secondary indexes once after a bulk write instead of row by row (SQLite).

Inserting millions of rows keeps every index of the table up to date one row at a
time: a random B-tree walk per row and index. Building an index afterwards sorts the
rows once. `indexes_built_after` drops the secondary indexes of some tables inside the
caller's transaction and creates them again, from their own definitions in
sqlite_master, when the write is done. SQLite's DDL is transactional and the writer
holds the database's write lock for the whole transaction: other connections keep
reading the indexed tables as they were, and a write that fails rolls the indexes
back with the rows.

Indexes SQLite made for a UNIQUE or PRIMARY KEY clause of the table itself have no
definition of their own and cannot be dropped; they stay and work as before (which
is why the uids of people and interactions are unique by named indexes instead:
amity.people.models.uid_unique).
PostgreSQL is left alone (its bulk path is COPY).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction

REBUILD_MAX_ROWS = 100_000
"""Rows a table may already hold (other accounts') for its indexes to be rebuilt.

Building an index sorts every row of the table, the ones already there too; below
this a rebuild costs less than a big restore's row-by-row upkeep (a restore of 100k
people and 2M interactions into an empty database: 96 s of CPU instead of 111).
"""


def index_definitions(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Return (name, CREATE statement) of each droppable index of `table`, by name."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
        [table],
    )
    return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


def _holds_more_than(cursor: Any, table: str, limit: int, quote: Any) -> bool:
    # Counts at most limit + 1 rows: a table of millions is not read to the end.
    cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(table)} LIMIT %s)", [limit + 1])
    return bool(cursor.fetchone()[0] > limit)


@contextmanager
def indexes_built_after(
    *tables: type[models.Model],
    using: str = DEFAULT_DB_ALIAS,
    explain: Callable[[IntegrityError], Exception | None] | None = None,
) -> Iterator[bool]:
    """Drop the secondary indexes of the models' tables for a bulk write; build them after.

    Yields whether it did. It does on SQLite inside a transaction when no table
    holds more than REBUILD_MAX_ROWS rows yet; otherwise the indexes stay and are
    kept up to date row by row as usual. A unique index that the written rows
    break fails to build with the IntegrityError an insert would have raised;
    `explain`, if given, is then called with it while the transaction can still be
    read (which rows break it?) and may return a clearer error to raise instead. On
    an error inside, the transaction is marked for rollback, which restores the
    indexes with everything else (even if a caller catches the error).
    """
    db = connections[using]
    if db.vendor != "sqlite" or not db.in_atomic_block:
        yield False
        return
    quote = db.ops.quote_name
    names = [model._meta.db_table for model in tables]
    with db.cursor() as cursor:
        if any(_holds_more_than(cursor, name, REBUILD_MAX_ROWS, quote) for name in names):
            yield False
            return
        dropped = [found for name in names for found in index_definitions(cursor, name)]
        for index, _ in dropped:
            cursor.execute(f"DROP INDEX {quote(index)}")
    try:
        yield True
        with db.cursor() as cursor:
            for _, sql in dropped:
                try:
                    cursor.execute(sql)
                except IntegrityError as exc:
                    # Only the failed CREATE was undone: the rows can still be read.
                    clearer = explain(exc) if explain is not None else None
                    if clearer is None:
                        raise
                    raise clearer from None
    except BaseException:
        transaction.set_rollback(True, using=using)
        raise
