"""Test that reading columns as binary BIGINT arrays gives what the joined text gives."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from django.db import connection

from amity.core.column_reads import read_bigints, read_numbers, sent_bigints, sent_times
from amity.people.models import Person


def _sent(values: list[int | None]) -> bytes:
    """Return a BIGINT array as PostgreSQL's array_send writes it (int8 is type 20)."""
    head = struct.pack(">iiiii", 1, int(None in values), 20, len(values), 1)
    body = b"".join(
        struct.pack(">i", -1) if v is None else struct.pack(">iq", 8, v) for v in values
    )
    return head + body


def test_sent_bigints_reads_every_value_in_order() -> None:
    values = [0, -1, 2**62, -(2**63), 1_700_000_000_123_456, 7]
    assert sent_bigints(_sent(values)).tolist() == values
    assert sent_bigints(memoryview(_sent(values))).tolist() == values


def test_sent_bigints_of_no_rows_is_empty() -> None:
    assert sent_bigints(None).tolist() == []
    assert sent_bigints(struct.pack(">iii", 0, 0, 20)).tolist() == []


def test_sent_bigints_refuses_nulls_and_short_arrays() -> None:
    with pytest.raises(ValueError):
        sent_bigints(_sent([1, None, 3]))
    with pytest.raises(ValueError):
        sent_bigints(_sent([1, 2, 3])[:-8])


def test_read_bigints_gives_the_rows_read_numbers_gives(user, other_user) -> None:
    for i in range(30):
        Person.objects.create(owner=user if i % 3 else other_user, full_name=f"P {i}")
    q = connection.ops.quote_name
    sql_from = f"FROM {q(Person._meta.db_table)} WHERE {q('owner_id')} = %s"
    # An expression with a doubled percent sign, as the kind numbers may hold.
    columns = [q("id"), f"{q('id')} * -3 + (CASE WHEN 'a%%' = 'a%%' THEN 1 ELSE 0 END)"]
    got = read_bigints(sql_from, columns, [user.pk])
    expected = read_numbers(sql_from, columns, [user.pk])
    assert all(column.dtype == np.int64 for column in got)
    # Rows in any order, each row's values aligned across the columns.
    rows = sorted(zip(*(column.tolist() for column in got), strict=True))
    assert len(rows) == 20
    assert rows == sorted(zip(*(column.tolist() for column in expected), strict=True))
    assert [len(c) for c in read_bigints(sql_from, columns, [-1])] == [0, 0]


def test_sent_times_are_microseconds_since_1970() -> None:
    # PostgreSQL's timestamps count from 2000-01-01 (type 1184 has int8's layout).
    since_2000 = [0, -946_684_800_000_000, 1_000_000_000_000_001, -1]
    got = sent_times(_sent(since_2000)).tolist()
    assert got == [946_684_800_000_000, 0, 1_946_684_800_000_001, 946_684_799_999_999]
    assert sent_times(None).tolist() == []


def test_sent_times_refuse_infinity_and_overflow() -> None:
    for stored in (2**63 - 1, -(2**63), 2**63 - 1 - 946_684_800_000_000 + 1):
        with pytest.raises(ValueError):
            sent_times(_sent([0, stored]))
