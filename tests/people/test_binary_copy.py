"""Test that rows written by binary COPY equal the rows the Inserter writes."""

from __future__ import annotations

import datetime as dt
import math
import struct

import numpy as np
import pytest
from django.db import DataError, IntegrityError, connection, transaction

from amity.core.binary_copy import copy_rows, encode
from amity.core.bulk_writing import Inserter, Same
from amity.people.models import Person
from amity.relationships.models import PersonSummary

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's binary COPY"
)

AT = dt.datetime(2026, 11, 2, 11, 59, 59, 999_999, tzinfo=dt.UTC)


def _people(owner, count: int) -> list[int]:
    return [Person.objects.create(owner=owner, full_name=f"P {i}").pk for i in range(count)]


def _stored(owner) -> list[dict]:
    rows = PersonSummary.objects.filter(owner=owner).order_by("person_id").values()
    # NaN is not equal to itself: compare its spelling.
    return [{k: "NaN" if v != v else v for k, v in row.items()} for row in rows]


@on_postgresql
def test_binary_copy_stores_what_the_inserter_stores(user) -> None:
    ids = _people(user, 4)
    floats = np.array([0.0, -0.0, math.nan, 1e-310])  # a NaN kept, a subnormal
    times = np.array([math.nan, 1.7e9 + 0.000001, -1.5, math.inf])  # NaN: NULL here
    subtypes = np.array(["", "help", "é✓ unicode", "x" * 20], dtype=object)
    packed = np.arange(4 * 24, dtype=np.uint8).reshape(4, 24)
    packed[2] = 0  # trailing zero bytes stay
    counts = np.array([0, 1, 2**31 - 1, 7])
    given = {
        "person_id": np.array(ids),
        "owner_id": user.pk,
        "version": 3,
        "first_ts": times,
        "count": counts,
        "depth": floats,
        "last_received_subtype": subtypes,
        "updated_at": AT,
        "packed": packed,
        "circle": np.array([0, 1, 2, 32767]),
    }
    Inserter(PersonSummary).insert_columns(
        4,
        {
            **{k: v.tolist() for k, v in given.items() if isinstance(v, np.ndarray)},
            "owner_id": Same(user.pk),
            "version": Same(3),
            "updated_at": Same(AT),
            "first_ts": [None if math.isnan(t) else t for t in times.tolist()],
            "packed": [row.tobytes() for row in packed],
        },
    )
    expected = _stored(user)
    assert expected[0]["first_ts"] is None and expected[2]["depth"] == "NaN"
    PersonSummary.objects.filter(owner=user).delete()
    copy_rows(PersonSummary, 4, given, {"first_ts": np.isnan(times)})
    assert _stored(user) == expected


@on_postgresql
def test_an_empty_text_column_and_no_rows(user) -> None:
    ids = _people(user, 2)
    copy_rows(PersonSummary, 0, {"person_id": np.array([], dtype=np.int64)})
    columns = {
        "person_id": np.array(ids),
        "owner_id": user.pk,
        "version": 1,
        "last_received_subtype": ["", ""],
        "updated_at": AT,
        "packed": [b"", b"\x00\x01"],
    }
    copy_rows(PersonSummary, 2, columns)
    stored = PersonSummary.objects.filter(owner=user).order_by("person_id")
    assert [bytes(s.packed) for s in stored] == [b"", b"\x00\x01"]
    assert [s.last_received_subtype for s in stored] == ["", ""]
    # Columns not given take their field's default, as the Inserter gives them.
    assert [(s.circle, s.count, s.first_ts) for s in stored] == [(0, 0, None)] * 2


@on_postgresql
def test_values_the_table_refuses_raise_and_write_nothing(user) -> None:
    (pk,) = _people(user, 1)
    base = {"person_id": np.array([pk]), "owner_id": user.pk, "version": 1, "updated_at": AT}
    with pytest.raises(ValueError):
        copy_rows(PersonSummary, 1, {**base, "circle": np.array([2**15])})  # beyond smallint
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(PersonSummary, 1, {**base, "count": np.array([-1])})  # the count's check
    with pytest.raises(DataError), transaction.atomic():
        copy_rows(PersonSummary, 1, {**base, "last_received_subtype": ["x" * 21]})  # max_length 20
    assert not PersonSummary.objects.filter(owner=user).exists()


def test_encode_lays_out_fixed_and_variable_widths() -> None:
    raw, lengths = encode("integer", np.array([1, -2]), 2)
    assert raw.tobytes() == struct.pack(">ii", 1, -2) and lengths.tolist() == [4, 4]
    raw, lengths = encode("text", ["ab", "", "c"], 3)
    assert raw.shape == (3, 2) and lengths.tolist() == [2, 0, 1]
    assert bytes(raw[0]) == b"ab" and bytes(raw[2][:1]) == b"c"
    raw, lengths = encode("timestamp with time zone", AT, 2)
    micros = (AT - dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    assert raw.tobytes() == struct.pack(">qq", micros, micros) and lengths.tolist() == [8, 8]
    with pytest.raises(ValueError):
        encode("point", [1], 1)
