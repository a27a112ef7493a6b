"""Test restores that build the big tables' indexes after their rows (SQLite).

The schema after any restore, good or failed, must be the one before it: every index
and unique constraint, by name and definition. On PostgreSQL nothing is deferred and
the same tests hold.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, models, transaction

from amity.core import deferred_indexes
from amity.core.deferred_indexes import indexes_built_after
from amity.people import services, timeline
from amity.people.models import Interaction, Note, Person
from amity.portability import restore_batches
from amity.portability.exporting import export_json, restore_json
from amity.portability.sections import RestoreError

BIG_TABLES = (
    "people_person",
    "people_contactpoint",
    "people_person_tags",
    "people_interaction",
    "people_interaction_people",
    "people_note",
)


def _schema() -> list[tuple[str, ...]]:
    """Return every index of the big tables with its definition (constraints included)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master"
                " WHERE tbl_name IN (%s, %s, %s, %s, %s, %s) ORDER BY type, name",
                list(BIG_TABLES),
            )
            rows = cursor.fetchall()
            for table in BIG_TABLES:
                # The autoindexes of UNIQUE clauses have no SQL of their own: their columns.
                cursor.execute(f"PRAGMA index_list({table})")
                for _, name, unique, origin, partial in cursor.fetchall():
                    cursor.execute(f"PRAGMA index_info({name})")
                    columns = ",".join(str(c[2]) for c in cursor.fetchall())
                    rows.append((table, name, str(unique), origin, str(partial), columns))
        else:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes"
                " WHERE tablename = ANY(%s) ORDER BY indexname",
                [list(BIG_TABLES)],
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY conname",
                [list(BIG_TABLES)],
            )
            rows += cursor.fetchall()
    return sorted(tuple(str(value) for value in row) for row in rows)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Make 4 records a batch and a full batch big enough to defer; return what happened.

    The list gets one entry per section that asked: whether its indexes were deferred.
    """
    monkeypatch.setattr(restore_batches, "RESTORE_BATCH", 4)
    monkeypatch.setattr(restore_batches, "DEFER_INDEXES_FROM", 4)
    deferred: list[bool] = []
    real = restore_batches.indexes_built_after

    @contextmanager
    def spy(*tables: type[models.Model], **options: Any) -> Iterator[bool]:
        with real(*tables, **options) as did:
            deferred.append(did)
            yield did

    monkeypatch.setattr(restore_batches, "indexes_built_after", spy)
    return deferred


def _document(owner, people: int, interactions: int) -> dict:
    """Return an export of `people` people (with contacts and tags) and their interactions."""
    made = []
    for index in range(people):
        person = services.create_person(
            owner=owner, full_name=f"Person {index}", emails=[f"p{index}@example.com"]
        )
        made.append(person)
    for index in range(interactions):
        timeline.log_interaction(owner=owner, people=made[index % people : index % people + 2])
    timeline.add_note(person=made[0], body="a note")
    out = io.StringIO()
    export_json(owner=owner, out=out)
    document = json.loads(out.getvalue())
    for model in (Interaction, Note, Person):
        model.objects.filter(owner=owner).delete()
    return document


def _nothing(owner) -> bool:
    return not (
        Person.objects.filter(owner=owner).exists()
        or Interaction.objects.filter(owner=owner).exists()
    )


def test_a_big_restore_builds_the_same_indexes_and_rows(user, small_batches) -> None:
    document = _document(user, 9, 13)
    before = _schema()
    restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _schema() == before
    # People and interactions filled a batch: deferred on SQLite, never on PostgreSQL.
    assert small_batches == [connection.vendor == "sqlite"] * 2
    out = io.StringIO()
    export_json(owner=user, out=out)
    again = json.loads(out.getvalue())
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
    # The rebuilt indexes answer queries (the planner uses them).
    assert Interaction.objects.filter(owner=user).count() == 13


def test_a_small_restore_keeps_the_indexes_up_to_date_as_it_goes(user, small_batches) -> None:
    document = _document(user, 3, 2)
    restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert small_batches == []  # no section filled a batch


def test_a_restore_failing_after_the_indexes_went_writes_nothing_and_keeps_them(
    user, small_batches
) -> None:
    document = _document(user, 9, 13)
    document["interactions"][-1]["people"] = ["nobody"]
    before = _schema()
    with pytest.raises(RestoreError, match=r"interactions\[12\] .*unknown people 'nobody'"):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    # It failed in the interactions' last batch, after their indexes were dropped.
    assert small_batches == [connection.vendor == "sqlite"] * 2
    assert _nothing(user)
    assert _schema() == before


def test_a_rule_broken_at_the_rebuild_is_the_same_error_and_writes_nothing(
    user, small_batches, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _document(user, 9, 13)
    for record in document["interactions"][7:9]:
        record.update(source="mbox", external_id="same-message-id")
    before = _schema()
    with pytest.raises(RestoreError) as deferred:
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert small_batches == [connection.vendor == "sqlite"] * 2
    assert _nothing(user) and _schema() == before
    monkeypatch.setattr(restore_batches, "DEFER_INDEXES_FROM", 10**9)  # the same file, row by row
    with pytest.raises(RestoreError) as row_by_row:
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert str(deferred.value) == str(row_by_row.value)
    assert "breaks a database rule" in str(deferred.value)


def test_a_uid_another_user_has_is_named_with_the_indexes_deferred(
    user, other_user, small_batches
) -> None:
    document = _document(user, 9, 13)
    ada = services.create_person(owner=other_user, full_name="Ada")
    taken = str(timeline.log_interaction(owner=other_user, people=[ada]).uid)
    document["interactions"][10]["uid"] = taken
    with pytest.raises(RestoreError, match=rf"interactions\[10\].*uid {taken} already exists"):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _nothing(user)


def test_tables_holding_many_rows_keep_their_indexes(user, monkeypatch: pytest.MonkeyPatch) -> None:
    ada = services.create_person(owner=user, full_name="Ada")
    timeline.add_note(person=ada, body="one")
    monkeypatch.setattr(deferred_indexes, "REBUILD_MAX_ROWS", 0)
    before = _schema()
    with transaction.atomic(), indexes_built_after(Note) as did:
        assert not did
        assert _schema() == before


def test_an_error_caught_inside_the_transaction_still_rolls_the_indexes_back(user) -> None:
    before = _schema()
    with transaction.atomic():
        try:
            with indexes_built_after(Note) as did:
                if did:
                    assert _schema() != before
                raise ValueError(str(uuid.uuid4()))
        except ValueError:
            pass
    assert _schema() == before


@pytest.mark.parametrize("section", ["people", "interactions"])
def test_a_uid_repeated_in_another_batch_is_named_with_the_indexes_deferred(
    user, small_batches, monkeypatch: pytest.MonkeyPatch, section: str
) -> None:
    # Batches of 4: records 1 and 6 are in different batches, so no batch sees both.
    document = _document(user, 9, 13)
    document[section][6]["uid"] = document[section][1]["uid"]
    if section == "people":
        # Records that named the dropped person now name the kept one.
        for record in document["interactions"]:
            record["people"] = sorted(
                set(record["people"]) & {p["uid"] for p in document["people"]}
            )
    before = _schema()
    pattern = rf"{section}\[6\] \(uid {document[section][1]['uid']}\): its uid appears twice"
    with pytest.raises(RestoreError, match=pattern) as deferred:
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _nothing(user) and _schema() == before
    assert small_batches[-1] == (connection.vendor == "sqlite")
    monkeypatch.setattr(restore_batches, "DEFER_INDEXES_FROM", 10**9)  # the same file, row by row
    with pytest.raises(RestoreError) as row_by_row:
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert str(deferred.value) == str(row_by_row.value)


def test_uids_are_unique_by_indexes_a_restore_can_drop(db: None) -> None:
    with connection.cursor() as cursor:
        for table, index in (
            ("people_person", "person_unique_uid"),
            ("people_interaction", "interaction_unique_uid"),
        ):
            if connection.vendor == "sqlite":
                assert index in dict(deferred_indexes.index_definitions(cursor, table))
            else:
                cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
                (definition,) = cursor.fetchone()
                assert definition.endswith("USING btree (uid)")
