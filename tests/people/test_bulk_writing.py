"""Test the bulk writer's chunked inserts: every row arrives, exactly as given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from amity.core.bulk_writing import Inserter, Same, columns_of, insert_rows, new_uids
from amity.people.models import Person, Tag

pytestmark = pytest.mark.django_db


def _chunks(owner_id: int, sizes: list[int], when: dt.datetime) -> Iterator[tuple[int, Any]]:
    uids = new_uids(sum(sizes))
    start = 0
    for size in sizes:
        names = [f"Person {n}" for n in range(start, start + size)]
        yield (
            size,
            {
                "owner_id": Same(owner_id),
                "uid": uids[start : start + size],
                "full_name": names,
                "sort_name": [name.lower() for name in names],
                "connected_on": Same(dt.date(999, 12, 31)),
                "created_at": Same(when),
                "updated_at": [when + dt.timedelta(microseconds=n) for n in range(size)],
            },
        )
        start += size


def test_it_writes_every_chunk_with_repeated_times_and_dates_unchanged(user) -> None:
    # Repeated values go to PostgreSQL as text once: an offset other than UTC and
    # microseconds must come back as the same instant.
    when = dt.datetime(2026, 3, 29, 2, 30, 0, 123456, tzinfo=ZoneInfo("Pacific/Chatham"))
    Inserter(Person).insert_column_chunks(_chunks(user.pk, [3, 0, 5000, 2], when))
    rows = list(
        Person.objects.filter(owner=user)
        .order_by("updated_at", "full_name")
        .values_list("full_name", "connected_on", "created_at", "updated_at")
    )
    assert len(rows) == 5005
    assert {row[1:3] for row in rows} == {(dt.date(999, 12, 31), when)}
    assert sorted(row[0] for row in rows) == sorted(f"Person {n}" for n in range(5005))
    assert rows[0][3] == when and rows[-1][3] == when + dt.timedelta(microseconds=4999)


def test_it_writes_nothing_for_no_chunks(user) -> None:
    Inserter(Person).insert_column_chunks(iter([]))
    Inserter(Person).insert([])
    assert not Person.objects.filter(owner=user).exists()


def test_it_turns_rows_into_columns() -> None:
    assert columns_of(("a", "b"), [(1, "x"), (2, "y")]) == {"a": [1, 2], "b": ["x", "y"]}
    assert columns_of(("a", "b"), []) == {"a": [], "b": []}
    with pytest.raises(ValueError):
        columns_of(("a", "b"), [(1, "x"), (2,)])


@pytest.mark.parametrize("count", [1, 99, 100, 101, 257])
def test_it_writes_every_row_in_order_whatever_the_statements_hold(user, count) -> None:
    # Two columns go a hundred rows a statement on SQLite, the rest row by row.
    tags = [f"tag {n:03}" for n in range(count)]
    insert_rows(Tag, ["owner_id", "name"], [(user.pk, name) for name in tags])
    stored = Tag.objects.filter(owner=user).order_by("pk").values_list("name", flat=True)
    assert list(stored) == tags
    # Many columns: fewer rows a statement, each value where it belongs.
    Inserter(Person).insert_column_chunks(
        _chunks(user.pk, [count], dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    )
    names = Person.objects.filter(owner=user).order_by("pk").values_list("full_name", "sort_name")
    assert list(names) == [(f"Person {n}", f"person {n}") for n in range(count)]


def test_a_row_breaking_a_rule_in_a_many_row_statement_writes_none_of_its_chunk(user) -> None:
    rows = [(user.pk, f"tag {n}") for n in range(150)] + [(user.pk, "tag 7")]
    with pytest.raises(IntegrityError):
        insert_rows(Tag, ["owner_id", "name"], rows)
    assert not Tag.objects.filter(owner=user).exists()
