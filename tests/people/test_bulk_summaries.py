"""Test that the one-pass rebuild of many summaries equals the person-by-person one."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from amity.core import shared_snapshot
from amity.people import timeline
from amity.people.models import Interaction, Person
from amity.portability.exporting import export_json, restore_json
from amity.relationships import bulk_summaries
from amity.relationships.models import PersonSummary
from amity.relationships.stored_summaries import ensure_summaries, refresh_engine_summaries

NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
KINDS = [
    ("meeting", "outbound", "deposit", "help"),
    ("email", "inbound", "deposit", "thanks"),
    ("call", "mutual", "withdrawal", "advice_request"),
    ("message", "inbound", "deposit", "help"),
    ("email", "outbound", "neutral", ""),
    ("letter", "inbound", "withdrawal", "favour"),
]


def _network(owner, other) -> list[int]:
    people = [Person.objects.create(owner=owner, full_name=f"P {i}") for i in range(9)]
    Person.objects.create(owner=owner, full_name="Nobody yet")
    stranger = Person.objects.create(owner=other, full_name="Someone else's")
    for i in range(60):
        channel, direction, intent, subtype = KINDS[i % len(KINDS)]
        group = [people[i % 9]] + ([people[(i * 7) % 9]] if i % 4 == 0 else [])
        timeline.log_interaction(
            owner=owner,
            people=list({p.pk: p for p in group}.values()),
            # Microseconds on some, to keep the times exact.
            occurred_at=NOW - dt.timedelta(days=i * 11, seconds=i, microseconds=i * 1001 % 7),
            channel=channel,
            direction=direction,
            intent=intent,
            subtype=subtype,
        )
    timeline.log_interaction(owner=other, people=[stranger], occurred_at=NOW)
    return list(Person.objects.values_list("pk", flat=True))


def _rows() -> dict[int, dict]:
    return {
        row["person_id"]: {k: v for k, v in row.items() if k != "updated_at"}
        for row in PersonSummary.objects.values()
    }


def test_one_pass_gives_what_the_chunked_rebuild_gives(user, other_user, monkeypatch) -> None:
    ids = _network(user, other_user)
    expected = _rows()
    assert len(expected) == 10  # nine people and the stranger; "Nobody yet" has none
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "SLICE", 7)  # many slices of interaction ids
    monkeypatch.setattr(bulk_summaries, "PART_PEOPLE", 2)  # PostgreSQL: parts written by a thread
    calls = []
    real = bulk_summaries.rebuild_owner
    monkeypatch.setattr(bulk_summaries, "rebuild_owner", lambda o, w: calls.append(o) or real(o, w))
    refresh_engine_summaries(person_ids=ids)
    assert sorted(calls) == sorted({user.pk, other_user.pk})
    assert _rows() == expected


def test_owners_whose_interactions_interleave_get_their_own_events(
    user, other_user, monkeypatch
) -> None:
    # Two owners logging in turn: every slice of one owner's ids holds the other's
    # interactions and participants too, which the pass must leave out.
    mine = [Person.objects.create(owner=user, full_name=f"Mine {i}") for i in range(3)]
    theirs = [Person.objects.create(owner=other_user, full_name=f"Theirs {i}") for i in range(3)]
    for i in range(24):
        owner, people = (user, mine) if i % 2 else (other_user, theirs)
        channel, direction, intent, subtype = KINDS[i % len(KINDS)]
        timeline.log_interaction(
            owner=owner,
            people=people[: 1 + i % 3],
            occurred_at=NOW - dt.timedelta(days=i, microseconds=i),
            channel=channel,
            direction=direction,
            intent=intent,
            subtype=subtype,
        )
    expected = _rows()
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "SLICE", 5)
    monkeypatch.setattr(bulk_summaries, "PART_PEOPLE", 4)
    refresh_engine_summaries(person_ids=[p.pk for p in mine + theirs])
    assert _rows() == expected
    assert len(expected) == 6


def test_a_refused_row_fails_the_pass_and_writes_nothing(user, other_user, monkeypatch) -> None:
    ids = _network(user, other_user)
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "PART_PEOPLE", 2)
    real = bulk_summaries.summary_columns
    parts = []

    def refused_in_the_second_part(owner_id, wanted, summary):
        rows, columns = real(owner_id, wanted, summary)
        parts.append(rows)
        if len(parts) == 2:
            columns["count"] = columns["count"] * 0 - 1  # the table's check refuses it
        return rows, columns

    monkeypatch.setattr(bulk_summaries, "summary_columns", refused_in_the_second_part)
    with pytest.raises(IntegrityError):
        refresh_engine_summaries(person_ids=ids)
    assert not PersonSummary.objects.exists()


def test_a_partial_pass_keeps_the_other_summaries(user, other_user, monkeypatch) -> None:
    ids = _network(user, other_user)
    expected = _rows()
    some = sorted(Person.objects.filter(owner=user).values_list("pk", flat=True))[:5]
    PersonSummary.objects.filter(person_id__in=some).delete()
    PersonSummary.objects.filter(person_id=some[0]).delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    refresh_engine_summaries(person_ids=some)
    assert _rows() == expected
    assert len(ids) == 11


def test_restore_recounts_people_whose_counts_the_file_got_wrong(user, other_user) -> None:
    _network(user, other_user)
    out = io.StringIO()
    export_json(owner=user, out=out)
    document = json.loads(out.getvalue())
    right = {
        p["uid"]: (p["interaction_count"], p["last_interaction_at"]) for p in document["people"]
    }
    wrong = document["people"][0]
    wrong["interaction_count"] += 5
    wrong["last_interaction_at"] = None
    Interaction.objects.filter(owner=user).delete()
    Person.objects.filter(owner=user).delete()
    fresh = user
    restore_json(owner=fresh, fp=io.StringIO(json.dumps(document)))
    for person in Person.objects.filter(owner=fresh):
        count, last = right[str(person.uid)]
        assert person.interaction_count == count
        assert (person.last_interaction_at is None) == (last is None)
        if last:
            assert person.last_interaction_at == dt.datetime.fromisoformat(last)
    assert PersonSummary.objects.filter(owner=fresh).count() == 9


def test_a_pass_keeps_the_circles_people_were_placed_in(user, other_user, monkeypatch) -> None:
    _network(user, other_user)
    mine = sorted(PersonSummary.objects.filter(owner=user).values_list("person_id", flat=True))
    for circle, person_id in zip((2, 3, 4), mine, strict=False):
        PersonSummary.objects.filter(owner=user, person_id=person_id).update(circle=circle)
    expected = _rows()
    assert sorted(row["circle"] for row in expected.values())[-3:] == [2, 3, 4]
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    # Everyone of the owner (one delete), then a part (the ids of the part only).
    refresh_engine_summaries(person_ids=mine)
    assert _rows() == expected
    refresh_engine_summaries(person_ids=mine[1:4])
    assert _rows() == expected


def test_kinds_outside_the_choices_give_what_the_chunked_rebuild_gives(
    user, other_user, monkeypatch
) -> None:
    ids = _network(user, other_user)
    # Values no form offers (an old import, a hand-edited database): the numbered read
    # cannot name them, so their slice is read again as text.
    odd = list(Interaction.objects.filter(owner=user).order_by("id").values_list("pk", flat=True))
    Interaction.objects.filter(pk__in=odd[:3]).update(channel="fax", subtype="odd")
    Interaction.objects.filter(pk__in=odd[3:5]).update(direction="sideways")
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 10_000)
    refresh_engine_summaries(person_ids=ids)
    expected = _rows()
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "SLICE", 20)  # some slices numbered, some as text
    refresh_engine_summaries(person_ids=ids)
    assert _rows() == expected


def test_the_kind_number_names_every_known_kind() -> None:
    known = bulk_summaries.kind_places()
    assert "" in known[-1]  # a blank subtype is a known value, not an unknown one
    sql, scales = bulk_summaries.kind_number(known)
    assert sql.count("CASE") == 4
    every = [len(values) for values in known]
    number = sum(s * (v % n + 1) for s, v, n in zip(scales, (3, 1, 2, 0), every, strict=True))
    names = bulk_summaries._kind_names(np.array([number]), known, scales)
    assert names == [
        ":".join(values[v % len(values)] for v, values in zip((3, 1, 2, 0), known, strict=True))
    ]
    assert bulk_summaries._kind_names(np.array([0]), known, scales) is None


def test_ensure_summaries_rebuilds_none_stored_and_some_missing(
    user, other_user, monkeypatch
) -> None:
    _network(user, other_user)
    expected = _rows()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    PersonSummary.objects.filter(owner=user).delete()
    assert ensure_summaries(owner=user) == 9  # "Nobody yet" has no history to summarise
    assert _rows() == expected
    first = min(row for row in expected if expected[row]["owner_id"] == user.pk)
    PersonSummary.objects.filter(owner=user, person_id=first).delete()
    assert ensure_summaries(owner=user) == 1
    assert _rows() == expected
    assert ensure_summaries(owner=user) == 0


def test_a_time_just_before_a_whole_second_stays_in_its_second(user, monkeypatch) -> None:
    person = Person.objects.create(owner=user, full_name="Late in the second")
    at = dt.datetime(2026, 11, 2, 11, 59, 59, 999700, tzinfo=dt.UTC)
    timeline.log_interaction(
        owner=user,
        people=[person],
        occurred_at=at,
        channel="email",
        direction="outbound",
        intent="neutral",
        subtype="",
    )
    # Person by person (logging), then in one pass: both keep 59.9997 s, not 60.
    assert PersonSummary.objects.get(person=person).first_ts == pytest.approx(
        at.timestamp(), rel=0, abs=1e-5
    )
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    refresh_engine_summaries(person_ids=[person.pk])
    assert PersonSummary.objects.get(person=person).first_ts == pytest.approx(
        at.timestamp(), rel=0, abs=1e-5
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's datetime text")
def test_times_numpy_cannot_read_give_what_the_chunked_rebuild_gives(
    user, other_user, monkeypatch
) -> None:
    ids = _network(user, other_user)
    # A datetime text written around Django (a day SQLite counts on into the next
    # month): numpy leaves its slice to SQLite, which reads it as before.
    odd = Interaction.objects.filter(owner=user).order_by("id").values_list("pk", flat=True)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Interaction._meta.db_table} SET occurred_at = %s WHERE id = %s",
            ["2026-02-30 10:00:00", odd],
        )
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 10_000)
    refresh_engine_summaries(person_ids=ids)
    expected = _rows()
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "SLICE", 20)  # one slice from SQLite, others numpy's
    asked = []
    real = bulk_summaries.read_bigints
    monkeypatch.setattr(
        bulk_summaries, "read_bigints", lambda *args: asked.append(args) or real(*args)
    )
    refresh_engine_summaries(person_ids=ids)
    assert _rows() == expected
    assert len(asked) == 1  # only the odd time's slice went back to SQLite


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exported snapshot")
def test_a_second_connection_reads_the_participants_of_committed_data(monkeypatch) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    user, other_user = users.create_user(username="ada"), users.create_user(username="bob")
    ids = _network(user, other_user)  # committed: a second connection can read it
    expected = _rows()
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "SLICE", 7)
    opened = []
    real = shared_snapshot.unwritten_reader

    @contextlib.contextmanager
    def watched():
        with real() as other:
            opened.append(other is not None)
            yield other

    monkeypatch.setattr(shared_snapshot, "unwritten_reader", watched)
    refresh_engine_summaries(person_ids=ids)
    assert _rows() == expected
    # The first owner's pass reads with a second connection; the second owner's comes
    # after the first's rows were written, so it reads alone.
    assert opened == [True, False]
    # Once the transaction has written, another connection could not see its rows.
    opened.clear()
    PersonSummary.objects.all().delete()
    with transaction.atomic():
        Person.objects.create(owner=user, full_name="Written first")
        refresh_engine_summaries(person_ids=ids)
    assert _rows() == expected
    assert opened == [False, False]


def test_one_pass_stores_the_quiet_spells_the_chunked_rebuild_stores(
    user, other_user, monkeypatch
) -> None:
    # Weeks of dormancy: most people's interactions months apart leave spells between them.
    monkeypatch.setenv("AMITY_DORMANT_AFTER_DAYS", "20")
    ids = _network(user, other_user)
    expected = _rows()
    assert max(len(row["quiet_spells"]) for row in expected.values()) > 2 * 16
    assert {row["quiet_days"] for row in expected.values()} == {20}
    PersonSummary.objects.all().delete()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 1)
    monkeypatch.setattr(bulk_summaries, "PART_PEOPLE", 2)
    refresh_engine_summaries(person_ids=ids)
    assert _rows() == expected
