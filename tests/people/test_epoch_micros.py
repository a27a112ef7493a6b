"""Test that SQLite's epoch_micros gives a stored datetime's exact microseconds."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from django.db import connection

from amity.core.column_reads import epoch_micros, sqlite_times

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


# Texts numpy reads itself, and texts it must leave to SQLite (None).
READ_HERE = [
    *STORED,
    "2024-02-29 23:59:59.999999",  # a leap day
    "1970-01-01 00:00:00",
    "1969-12-31 23:59:59.000001",  # before the epoch
    "1900-02-28 12:00:00",
    "2000-03-01 00:00:00",
    "0001-01-01 00:00:00",
    "9999-12-31 23:59:59.123456",
]
LEFT_TO_SQLITE = [
    "2023-02-29 00:00:00",  # no such day: SQLite counts on into March
    "2023-04-31 00:00:00",
    "2023-01-01 24:00:00",
    "2023-01-01T00:00:00",
    "2023-01-01 00:00:00.123",
    "2023-01-01 00:00:00+00:00",
    "2023-1-01 00:00:00",
    "2023-01-01 00:00:0x",
]


def _sqlite_micros(texts: list[str]) -> list[int]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (at TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(text,) for text in texts])
    sql = f"SELECT {epoch_micros('at')} FROM t ORDER BY rowid".replace("%%", "%")
    return [row[0] for row in db.execute(sql)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's datetime text")
def test_sqlite_times_read_what_sqlite_works_out() -> None:
    got = sqlite_times(",".join(READ_HERE))
    assert got is not None
    assert got.tolist() == _sqlite_micros(READ_HERE)
    # One length only (no fraction anywhere) takes the reshaped path.
    plain = [text for text in READ_HERE if len(text) == 19]
    assert sqlite_times(",".join(plain)).tolist() == _sqlite_micros(plain)  # type: ignore[union-attr]
    assert sqlite_times("").tolist() == []  # type: ignore[union-attr]


@pytest.mark.parametrize("odd", LEFT_TO_SQLITE)
def test_sqlite_times_leave_other_texts_to_sqlite(odd: str) -> None:
    assert sqlite_times(",".join([READ_HERE[0], odd, READ_HERE[1]])) is None
