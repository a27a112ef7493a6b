"""Test the column-wise restore: same rows as the per-record reference, errors by record."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.core.bulk_writing import Inserter, Prepared, Same, reserve_pks
from amity.core.json_stream import JsonObjectStream
from amity.domain.control_chars import ESCAPED_CONTROL, clean_record
from amity.people import services, timeline
from amity.people.models import Interaction, Note, Person
from amity.portability.exporting import export_json, restore_json
from amity.portability.record_columns import ColumnLoader
from amity.portability.records import (
    INTERACTION_CODECS,
    PERSON_CODECS,
    RecordError,
    load_fields,
)
from amity.portability.sections import RESTORE_BATCH, RestoreError


def _stored(owner, columns: dict[str, Any], count: int) -> list[tuple]:
    """Insert interactions given column-wise; return the rows as the database holds them."""
    Inserter(Interaction).insert_columns(count, {**columns, "owner_id": Same(owner.pk)})
    names = ", ".join(connection.ops.quote_name(c.field.column) for c in INTERACTION_CODECS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM people_interaction WHERE owner_id = %s ORDER BY id", [owner.pk]
        )
        rows = cursor.fetchall()
    Interaction.objects.filter(owner=owner).delete()
    return rows


def _reference(codecs, records: list[dict], required) -> dict[str, list[Any]]:
    values = [load_fields(codecs, r, f"r[{i}]", required=required) for i, r in enumerate(records)]
    return {c.field.attname: [v[c.key] for v in values] for c in codecs}


_UTC_TIMES = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC)
)
# Spellings of one moment the export never writes but a hand-made file may hold.
_TIME_TEXTS = st.one_of(
    _UTC_TIMES.map(lambda t: t.isoformat()),
    _UTC_TIMES.map(lambda t: t.replace(tzinfo=None).isoformat()),
    _UTC_TIMES.map(lambda t: t.astimezone(dt.timezone(dt.timedelta(hours=5))).isoformat()),
    _UTC_TIMES.map(lambda t: t.replace(microsecond=0).isoformat(timespec="microseconds")),
)
_UIDS = (
    st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper()) | st.uuids().map(lambda u: u.hex)
)
_INTERACTIONS = st.fixed_dictionaries(
    {
        "uid": _UIDS,
        "occurred_at": _TIME_TEXTS,
        "channel": st.sampled_from(["call", "email", "meeting"]),
        "direction": st.sampled_from(["outbound", "inbound"]),
        "intent": st.sampled_from(["deposit", "neutral"]),
        "subtype": st.sampled_from(["", "help", "thanks"]),
        # Control characters are gone before records get here (the stream's hook).
        "summary": st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=20),
        "content": st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=20),
        "source": st.sampled_from(["manual", "mbox"]),
        "external_id": st.just("") | st.uuids().map(str),
        "created_at": _TIME_TEXTS,
        "people": st.just([]),
    },
)


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(
        _INTERACTIONS, min_size=1, max_size=8, unique_by=lambda r: uuid.UUID(r["uid"])
    ),
    drop=st.booleans(),
)
def test_it_stores_what_the_reference_stores_for_any_spelling(records, drop) -> None:
    owner, _ = get_user_model().objects.get_or_create(username="spellings")
    if drop:
        for record in records:
            record.pop("content")  # an older file without a later column
    required = ("uid", "occurred_at", "people")
    loader = ColumnLoader(INTERACTION_CODECS, required=required)
    fast = loader.load(records, lambda i: f"r[{i}]")
    reference = _reference(INTERACTION_CODECS, records, required)
    assert _stored(owner, fast, len(records)) == _stored(owner, reference, len(records))


@pytest.mark.django_db
def test_it_takes_the_fast_way_for_the_exports_own_spelling_and_nulls() -> None:
    people = [
        {"uid": str(uuid.uuid4()), "full_name": f"P {i}", "birthday": day, "interests": ["x"]}
        for i, day in enumerate(["1815-12-10", None, "2000-02-29"])
    ]
    for person in people:
        person["last_interaction_at"] = None if person["birthday"] else "2026-11-02T12:00:00+00:00"
        # Columns whose default is computed per row: the export always writes them.
        person.update(created_at="2026-11-02T12:00:00.500000+00:00", provenance={"x": "manual"})
        person.update(updated_at="2026-11-02T12:00:00.000001+00:00")
    loader = ColumnLoader(PERSON_CODECS, required=("uid", "full_name"))
    columns = loader.load(people, lambda i: f"people[{i}]")
    assert isinstance(columns["birthday"], Prepared)
    assert isinstance(columns["last_interaction_at"], Prepared)
    assert isinstance(columns["uid"], Prepared)
    expected = _reference(PERSON_CODECS, people, ("uid", "full_name"))
    assert columns["full_name"] == expected["full_name"]
    assert columns["birthday"].values == ["1815-12-10", None, "2000-02-29"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occurred_at": "2026-02-30T10:00:00+00:00"}, "'occurred_at': .* is not an ISO datetime"),
        ({"channel": "fax"}, "'channel': 'fax' is not one of"),
        ({"uid": "not-a-uid"}, "'uid': 'not-a-uid' is not a UUID"),
        ({"source": "x" * 21}, "'source': is longer than 20"),
        ({"summary": 7}, "'summary': 7 is not text"),
        ({"occurred_at": None}, "'occurred_at': must not be null"),
    ],
)
def test_it_names_the_record_and_field_the_reference_names(change, message) -> None:
    records = [
        {"uid": str(uuid.uuid4()), "occurred_at": "2026-11-02T12:00:00+00:00", "people": ["x"]}
        for _ in range(50)
    ]
    records[37].update(change)
    loader = ColumnLoader(INTERACTION_CODECS, required=("uid", "occurred_at", "people"))
    with pytest.raises(RecordError, match=rf"^interactions\[37\]: field {message}"):
        loader.load(records, lambda i: f"interactions[{i}]")


def _big_export(owner, count: int) -> dict:
    """Return the export of one person with `count` interactions (made in the file)."""
    ada = services.create_person(owner=owner, full_name="Ada Lovelace")
    timeline.log_interaction(owner=owner, people=[ada], channel="call")
    out = io.StringIO()
    export_json(owner=owner, out=out)
    document = json.loads(out.getvalue())
    Interaction.objects.filter(owner=owner).delete()
    Person.objects.filter(owner=owner).delete()
    (template,) = document["interactions"]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    document["interactions"] = [
        {
            **template,
            "uid": str(uuid.uuid4()),
            "occurred_at": (start + dt.timedelta(minutes=i)).isoformat(),
        }
        for i in range(count)
    ]
    return document


def _text(document: dict) -> str:
    """Lay a document out as export_json does: one record per line."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            lines = ",\n".join(json.dumps(item, sort_keys=True) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{lines}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _nothing(owner) -> bool:
    return not (
        Person.objects.filter(owner=owner).exists()
        or Interaction.objects.filter(owner=owner).exists()
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d, n: d["interactions"][n].update(occurred_at="2021-02-30T00:00:00+00:00"),
            r"interactions\[{n}\] \(uid [-0-9a-f]+\): field 'occurred_at'",
        ),
        (
            lambda d, n: d["interactions"][n].update(uid=d["interactions"][3]["uid"]),
            # PostgreSQL into empty tables: found when the uid index is built at the end.
            r"interactions(\[{n}\] \(uid [-0-9a-f]+\): its uid appears twice in the file"
            r"|: uid [-0-9a-f]+ is in more than one row)",
        ),
        (
            lambda d, n: d["interactions"][n].update(people=["nobody"]),
            r"interactions\[{n}\] \(uid [-0-9a-f]+\): refers to unknown people 'nobody'",
        ),
        (
            lambda d, n: d["interactions"][n].pop("people"),
            r"interactions\[{n}\] \(uid [-0-9a-f]+\): field 'people': is missing",
        ),
    ],
)
def test_it_names_a_bad_record_deep_in_a_later_batch_and_writes_nothing(
    user, change, message
) -> None:
    deep = RESTORE_BATCH + 1234
    document = _big_export(user, RESTORE_BATCH + 2000)
    change(document, deep)
    with pytest.raises(RestoreError, match=message.format(n=deep)):
        restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert _nothing(user)


def test_it_restores_many_batches_with_their_people(user) -> None:
    count = RESTORE_BATCH + 10
    document = _big_export(user, count)
    (person,) = document["people"]
    document["people"][0]["interaction_count"] = count
    document["people"][0]["last_interaction_at"] = document["interactions"][-1]["occurred_at"]
    restore_json(owner=user, fp=io.StringIO(_text(document)))
    ada = Person.objects.get(owner=user, uid=person["uid"])
    assert ada.interaction_count == count
    through = Interaction.people.through.objects.filter(person=ada)
    assert through.count() == count
    times = (
        Interaction.objects.filter(owner=user).order_by("pk").values_list("occurred_at", flat=True)
    )
    assert list(times) == sorted(times)  # restored in file order, with increasing ids


def test_it_refuses_a_file_breaking_a_database_rule_on_either_backend(user) -> None:
    document = _big_export(user, 3)
    for record in document["interactions"]:
        record.update(source="mbox", external_id="same-message-id")
    with pytest.raises(RestoreError, match="breaks a database rule"):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _nothing(user)


def test_it_refuses_an_interaction_uid_another_user_has(user, other_user) -> None:
    document = _big_export(user, 5)
    ada = services.create_person(owner=other_user, full_name="Ada")
    timeline.log_interaction(owner=other_user, people=[ada])
    taken = str(Interaction.objects.get(owner=other_user).uid)
    document["interactions"][4]["uid"] = taken
    with pytest.raises(RestoreError, match=rf"interactions\[4\].*uid {taken} already exists"):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _nothing(user)


def test_it_reserves_keys_above_every_row_and_never_twice(user) -> None:
    ada = services.create_person(owner=user, full_name="Ada")
    with transaction.atomic():
        first = reserve_pks(Note, 3)
        second = reserve_pks(Note, 2)
        later = timeline.add_note(person=ada, body="after").pk
    assert len(set(first + second + [later])) == 6
    assert first == sorted(first) and min(second) > max(first) and later > max(second)
    assert reserve_pks(Note, 0) == []


_LINE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@given(texts=st.lists(_LINE_TEXT, min_size=1, max_size=4), ascii_only=st.booleans())
def test_it_skips_the_control_hook_only_where_it_would_change_nothing(texts, ascii_only) -> None:
    record = {"a": texts[0], "list": texts, "inner": {"b": texts[-1]}}
    line = json.dumps(record, ensure_ascii=ascii_only)
    text = '{"rows": [\n' + line + "\n]}\n"
    stream = JsonObjectStream(
        io.StringIO(text), object_hook=clean_record, hook_needs=ESCAPED_CONTROL
    )
    ((_, rows),) = list((key, list(value)) for key, value in stream.members())
    assert rows == json.loads(text, object_hook=clean_record)["rows"]


def test_it_stores_each_participant_once_however_often_the_file_names_them(user) -> None:
    document = _big_export(user, 30)
    grace = {**document["people"][0], "uid": str(uuid.uuid4()), "linkedin_url": ""}
    document["people"].append(grace)
    ada = document["people"][0]["uid"]
    for index, record in enumerate(document["interactions"]):
        if index % 3 == 0:
            record["people"] = [grace["uid"], ada, grace["uid"]]
    restore_json(owner=user, fp=io.StringIO(_text(document)))
    through = Interaction.people.through.objects.filter(interaction__owner=user)
    assert through.count() == 30 + 10
    pairs = list(through.values_list("interaction__uid", "person__uid"))
    assert len(set(pairs)) == len(pairs)
    both = {str(i) for i, _ in pairs if sum(1 for j, _ in pairs if j == i) == 2}
    assert both == {r["uid"] for n, r in enumerate(document["interactions"]) if n % 3 == 0}
