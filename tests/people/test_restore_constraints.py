"""A restore into empty PostgreSQL tables checks its foreign keys once, and the schema survives.

amity.core.load_constraints drops the foreign keys of the tables a restore fills and
adds them back at the end. These tests hold it to what it promises: the same
constraints and indexes afterwards (validated), nothing written and every constraint
in place when a restore fails, a reference to nothing still refused, and the usual
per-row checks whenever other accounts use the tables. On SQLite nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

import amity.portability.exporting as exporting
from amity.core.bulk_writing import Inserter, copy_text
from amity.core.load_constraints import (
    DuplicateRows,
    foreign_keys,
    indexes_built_at_end,
    keys_checked_at_end,
    unique_indexes,
)
from amity.people import services, timeline
from amity.people.models import ContactPoint, Interaction, Note, Person, Tag
from amity.portability import restore_batches
from amity.portability.exporting import bulk_models, export_json, restore_json
from amity.portability.sections import RestoreError

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the keys are dropped on PostgreSQL only"
)


def _schema() -> set[tuple[Any, ...]]:
    """Return every constraint and index of the database as the catalog defines it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid),"
            " convalidated, condeferrable, condeferred FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace"
        )
        constraints = set(cursor.fetchall())
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
        return constraints | set(cursor.fetchall())


def _export_of_a_network() -> str:
    """Return the export of a small network whose owner is then deleted (tables empty)."""
    source = get_user_model().objects.create_user(username="source")
    ada = services.create_person(
        owner=source, full_name="Ada Lovelace", emails=["ada@example.org"], tags=["maths"]
    )
    grace = services.create_person(owner=source, full_name="Grace Hopper", tags=["navy"])
    for day in range(1, 25):
        timeline.log_interaction(
            owner=source,
            people=[ada, grace] if day % 3 else [ada],
            occurred_at=dt.datetime(2026, 1, day, 9, tzinfo=dt.UTC),
            summary=f"tab\there, line\nthere, back\\slash {day}",
        )
    timeline.add_note(person=grace, body="met at the conference")
    out = io.StringIO()
    export_json(owner=source, out=out)
    source.delete()
    return out.getvalue()


@pytest.fixture
def path_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether each restore dropped the foreign keys (the fast path)."""
    taken: list[bool] = []

    @contextmanager
    def spy(*args: Any, **kwargs: Any) -> Iterator[bool]:
        with keys_checked_at_end(*args, **kwargs) as dropped:
            taken.append(dropped)
            yield dropped

    monkeypatch.setattr(exporting, "keys_checked_at_end", spy)
    return taken


@postgresql_only
def test_it_leaves_every_constraint_and_index_as_it_was(user, path_taken) -> None:
    text = _export_of_a_network()
    before = _schema()
    counts = restore_json(owner=user, fp=io.StringIO(text))
    assert path_taken == [True]
    assert counts["people"] == 2 and counts["interactions"] == 24 and counts["notes"] == 1
    assert _schema() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE NOT convalidated")
        assert cursor.fetchone() == (0,)
    out = io.StringIO()
    export_json(owner=user, out=out)
    assert _records(out.getvalue()) == _records(text)


def _records(text: str) -> dict[str, Any]:
    document = json.loads(text)
    return {k: v for k, v in document.items() if k not in ("exported_at", "user")}


@postgresql_only
def test_with_another_account_the_owner_keys_stay_and_all_comes_back(
    user, other_user, path_taken
) -> None:
    text = _export_of_a_network()
    before = _schema()
    restore_json(owner=user, fp=io.StringIO(text))
    assert path_taken == [True]
    assert _schema() == before
    out = io.StringIO()
    export_json(owner=user, out=out)
    assert _records(out.getvalue()) == _records(text)


@postgresql_only
def test_a_failing_restore_writes_nothing_and_keeps_every_constraint(user, path_taken) -> None:
    document = json.loads(_export_of_a_network())
    document["notes"][0]["person"] = str(uuid.uuid4())  # the last section loaded with keys off
    before = _schema()
    with pytest.raises(RestoreError, match=r"notes\[0\].*refers to unknown people"):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert path_taken == [True]
    assert _schema() == before
    assert not Person.objects.filter(owner=user).exists()
    assert not Interaction.objects.filter(owner=user).exists()


@postgresql_only
def test_a_reference_to_nothing_is_still_refused(user, path_taken, monkeypatch) -> None:
    real = Inserter.insert_columns

    def dangling(self: Inserter, count: int, columns: dict[str, Any]) -> None:
        # A participant pointing at no person: what a bug in the restore could write.
        if self.model is Interaction.people.through and count:
            columns = {**columns, "person_id": [10**12 + i for i in range(count)]}
        real(self, count, columns)

    monkeypatch.setattr(Inserter, "insert_columns", dangling)
    text = _export_of_a_network()
    before = _schema()
    with pytest.raises(RestoreError, match=r"breaks a database rule.*foreign key"):
        restore_json(owner=user, fp=io.StringIO(text))
    assert path_taken == [True]
    assert _schema() == before
    assert not Interaction.objects.filter(owner=user).exists()


@postgresql_only
def test_it_drops_and_restores_the_keys_of_empty_tables_only(user) -> None:
    tables = [model._meta.db_table for model in bulk_models()]
    with connection.cursor() as cursor:
        every = foreign_keys(cursor, tables)
    assert {key.target for key in every} == {
        "auth_user",
        "people_interaction",
        "people_person",
        "people_tag",
    }
    with transaction.atomic():
        with (
            keys_checked_at_end(bulk_models(), owner_id=user.pk) as dropped,
            connection.cursor() as cursor,
        ):
            assert dropped and foreign_keys(cursor, tables) == []
        with connection.cursor() as cursor:
            assert foreign_keys(cursor, tables) == every


def _secondary_indexes(tables: list[str]) -> set[str]:
    """Return the names of the indexes of `tables` that are not primary keys."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index"
            " WHERE indrelid = ANY (%s::regclass[]) AND NOT indisprimary",
            [tables],
        )
        return {name for (name,) in cursor.fetchall()}


@postgresql_only
def test_it_builds_the_indexes_of_empty_tables_at_the_end(user, other_user) -> None:
    tables = [model._meta.db_table for model in bulk_models()]
    before = _schema()
    every = _secondary_indexes(tables)
    assert {"interaction_owner_time", "person_unique_uid", "person_unique_linkedin"} <= every
    with connection.cursor() as cursor:
        assert {index.name for index in unique_indexes(cursor, tables)} >= {
            "interaction_unique_uid",
            "interaction_unique_external",
        }
    with transaction.atomic():
        with indexes_built_at_end(bulk_models()) as dropped:
            # Unique ones too (built from the rows at the end); the primary keys stay.
            assert dropped and _secondary_indexes(tables) == set()
        assert _schema() == before
    services.create_person(owner=other_user, full_name="Bob's friend")
    with transaction.atomic(), indexes_built_at_end(bulk_models()) as dropped:
        assert not dropped
        assert _secondary_indexes(tables) == every


@postgresql_only
def test_a_value_repeated_in_a_load_is_named_when_its_index_is_built(user) -> None:
    uid = uuid.uuid4()
    inserter = Inserter(Person)
    person = {"owner_id": [user.pk], "uid": [uid], "full_name": ["Ada"]}
    before = _schema()
    with (
        pytest.raises(DuplicateRows) as raised,
        transaction.atomic(),
        indexes_built_at_end(bulk_models()) as dropped,
    ):
        assert dropped
        inserter.insert_columns(1, person)
        inserter.insert_columns(1, {**person, "full_name": ["Ada again"]})
    assert str(raised.value) == f"people: uid {uid} is in more than one row"
    assert _schema() == before
    assert not Person.objects.exists()


def test_a_uid_repeated_across_batches_of_a_restore_is_named(user, monkeypatch) -> None:
    monkeypatch.setattr(restore_batches, "RESTORE_BATCH", 10)
    document = json.loads(_export_of_a_network())
    repeated = document["interactions"][3]["uid"]
    document["interactions"][15]["uid"] = repeated  # another batch of 10
    with pytest.raises(RestoreError, match=rf"interactions.*uid {repeated}.*(twice|more than one)"):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert not Interaction.objects.filter(owner=user).exists()


@postgresql_only
def test_other_accounts_keep_the_per_row_checks(user, other_user) -> None:
    tables = [model._meta.db_table for model in bulk_models()]
    with connection.cursor() as cursor:
        every = foreign_keys(cursor, tables)
    # Another account exists but owns nothing: its user row is not locked.
    with (
        transaction.atomic(),
        keys_checked_at_end(bulk_models(), owner_id=user.pk) as dropped,
        connection.cursor() as cursor,
    ):
        assert dropped
        assert {key.target for key in foreign_keys(cursor, tables)} == {"auth_user"}
    # Another account has people: nothing is dropped.
    services.create_person(owner=other_user, full_name="Bob's friend")
    with (
        transaction.atomic(),
        keys_checked_at_end(bulk_models(), owner_id=user.pk) as dropped,
        connection.cursor() as cursor,
    ):
        assert not dropped and foreign_keys(cursor, tables) == every


def test_nothing_is_dropped_on_sqlite(user) -> None:
    with transaction.atomic(), keys_checked_at_end(bulk_models(), owner_id=user.pk) as dropped:
        assert dropped == (connection.vendor == "postgresql")
    with transaction.atomic(), indexes_built_at_end(bulk_models()) as dropped:
        assert dropped == (connection.vendor == "postgresql")


AWKWARD = ["", "plain", "tab\tin", "new\nline", "cr\rhere", "back\\slash", "\\N", "ünï 😀"]


def test_copy_text_writes_what_the_driver_would(user) -> None:
    person = services.create_person(owner=user, full_name="Ada")
    inserter = Inserter(ContactPoint)
    count = len(AWKWARD)
    inserter.insert_columns(
        count,
        {
            "owner_id": [user.pk] * count,
            "person_id": [person.pk] * count,
            "kind": ["url"] * count,
            "value": AWKWARD,
            "normalized": [f"n{i}" for i in range(count)],
        },
    )
    stored = ContactPoint.objects.filter(owner=user, kind="url").order_by("pk")
    assert list(stored.values_list("value", flat=True)) == AWKWARD
    note_time = dt.datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
    Inserter(Note).insert_columns(
        2,
        {
            "owner_id": [user.pk] * 2,
            "person_id": [person.pk] * 2,
            "uid": [uuid.uuid4(), uuid.uuid4()],
            "body": ["a", "b"],
            "created_at": [note_time, note_time.astimezone(dt.timezone(dt.timedelta(hours=-5)))],
        },
    )
    times = Note.objects.filter(owner=user).values_list("created_at", flat=True)
    assert list(times) == [note_time, note_time]
    assert Tag.objects.filter(owner=user).count() == 0


def test_copy_text_leaves_what_it_does_not_know_to_the_driver() -> None:
    assert copy_text([[1, None], ["a", None], [True, False]]) == "1\ta\tt\n\\N\t\\N\tf\n"
    assert copy_text([[{"a": 1}]]) is None
    assert copy_text([[b"\x00\xff", None]]) == "\\\\x00ff\n\\N\n"
    assert copy_text([["nul\x00inside"]]) is None
    assert copy_text([[1, "mixed"]]) is None
    assert copy_text([[dt.date(2026, 1, 2)], [1.5]]) == "2026-01-02\t1.5\n"
