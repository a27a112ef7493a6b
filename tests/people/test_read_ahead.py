"""Test the read-ahead thread and the restore that decodes in it while it writes."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import closing

import pytest

from amity.core import process_ahead
from amity.core.bulk_writing import Inserter
from amity.core.read_ahead import iterate_ahead, read_ahead
from amity.people.models import Interaction
from amity.portability import record_columns
from amity.portability.exporting import restore_json
from amity.portability.sections import RESTORE_BATCH, RestoreError
from tests.people.test_restore_columns import _big_export, _nothing, _text


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "read-ahead"]


def test_it_yields_every_item_in_order_made_on_another_thread() -> None:
    made_on: set[str] = set()

    def items() -> Iterator[int]:
        for number in range(50):
            made_on.add(threading.current_thread().name)
            yield number

    assert list(iterate_ahead(items(), depth=3)) == list(range(50))
    assert made_on == {"read-ahead"}
    assert not _readers()


def test_it_stops_where_fetch_returns_nothing() -> None:
    pending = [[1, 2], [3], [], [4]]
    assert list(read_ahead(lambda: pending.pop(0))) == [[1, 2], [3]]


def test_it_raises_the_threads_error_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise RestoreError("people[2]: field 'uid': bad")

    got: list[int] = []
    with pytest.raises(RestoreError, match=r"people\[2\]: field 'uid'"):
        for item in iterate_ahead(items()):
            got.append(item)
    assert got == [1, 2]
    assert not _readers()


def test_closing_it_early_stops_the_thread_before_it_reads_everything() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for number in range(1000):
            taken.append(number)
            yield number

    with closing(iterate_ahead(items(), depth=2)) as ahead:
        assert next(ahead) == 0
    assert not _readers()
    # The first item, two waiting, one blocked putting and at most one more.
    assert len(taken) <= 5


@pytest.mark.django_db
def test_the_restore_decodes_in_the_thread_and_writes_on_the_callers(user, monkeypatch) -> None:
    loaded_on: set[str] = set()
    written_on: set[str] = set()
    load, insert = record_columns.ColumnLoader.load, Inserter.insert_columns

    def spy_load(self, *args, **kwargs):
        loaded_on.add(threading.current_thread().name)
        return load(self, *args, **kwargs)

    def spy_insert(self, *args, **kwargs):
        written_on.add(threading.current_thread().name)
        return insert(self, *args, **kwargs)

    monkeypatch.setattr(record_columns.ColumnLoader, "load", spy_load)
    monkeypatch.setattr(Inserter, "insert_columns", spy_insert)
    # Where forked processes cannot decode (tests/people/test_process_ahead.py).
    monkeypatch.setattr(process_ahead, "available", lambda: False)
    document = _big_export(user, RESTORE_BATCH + 5)
    restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert Interaction.objects.filter(owner=user).count() == RESTORE_BATCH + 5
    assert loaded_on == {"read-ahead"}
    assert written_on == {threading.current_thread().name}


@pytest.mark.django_db
def test_a_failing_write_stops_the_thread_and_writes_nothing(user, monkeypatch) -> None:
    insert = Inserter.insert_columns

    def failing(self, count, columns):
        if self.model is Interaction:
            raise RestoreError("the disk is full")
        return insert(self, count, columns)

    monkeypatch.setattr(Inserter, "insert_columns", failing)
    document = _big_export(user, 3 * RESTORE_BATCH)
    with pytest.raises(RestoreError, match="the disk is full"):
        restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert not _readers()
    assert _nothing(user)
