"""Test that SQLite's epoch_micros gives a stored datetime's exact microseconds."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from django.db import connection

from amity.core.column_reads import epoch_micros

STORED = [
    "2026-11-02 12:00:00",
    "2026-11-02 12:00:00.000007",
    "1999-12-31 23:59:59.999999",
    "2024-02-29 00:00:01.999500",  # SQLite alone would round this to the next second
]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's datetime text")
def test_sqlite_epoch_micros_are_the_exact_microseconds() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (at TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(text,) for text in STORED])
    # Django's cursors take %s placeholders, so the SQL doubles its percent signs.
    sql = f"SELECT {epoch_micros('at')} FROM t".replace("%%", "%")
    got = [row[0] for row in db.execute(sql)]
    epoch = dt.datetime(1970, 1, 1)
    assert got == [
        (dt.datetime.fromisoformat(text) - epoch) // dt.timedelta(microseconds=1) for text in STORED
    ]
