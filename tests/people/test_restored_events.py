"""Test that summaries worked out from a restore's own interactions equal those read back."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest

from amity.people.models import Interaction, Person
from amity.portability import exporting, restored_events
from amity.portability.exporting import export_json, restore_json
from amity.relationships import bulk_summaries
from amity.relationships.models import PersonSummary
from amity.relationships.stored_summaries import refresh_engine_summaries
from tests.people.test_bulk_summaries import _network, _rows

pytestmark = pytest.mark.django_db


def _export(user, other_user) -> dict:
    """Return an export of a varied network (kinds, shared interactions, microseconds)."""
    _network(user, other_user)
    out = io.StringIO()
    export_json(owner=user, out=out)
    Interaction.objects.filter(owner=user).delete()
    Person.objects.filter(owner=user).delete()
    PersonSummary.objects.all().delete()
    return json.loads(out.getvalue())


def _written_from_restore(monkeypatch) -> list[bool]:
    """Record, per restore, whether the summaries were written from its own events."""
    used: list[bool] = []
    write = bulk_summaries.write_owner

    def spy(*args):
        used.append(True)
        return write(*args)

    monkeypatch.setattr(bulk_summaries, "write_owner", spy)
    return used


def _read_back(user) -> dict[int, dict]:
    """Return the summaries rebuilt from the database, the stored ones left as they were."""
    stored = _rows()
    PersonSummary.objects.filter(owner=user).delete()
    ids = list(Person.objects.filter(owner=user).values_list("pk", flat=True))
    refresh_engine_summaries(person_ids=ids, owner_id=user.pk)
    rebuilt = _rows()
    PersonSummary.objects.filter(owner=user).delete()
    for row in stored.values():
        PersonSummary.objects.create(**row)
    return rebuilt


@pytest.mark.parametrize("spelling", ["export", "offsets"])
def test_the_restores_own_summaries_equal_the_ones_read_back(
    user, other_user, monkeypatch, spelling
) -> None:
    document = _export(user, other_user)
    if spelling == "offsets":
        # Another spelling of the same instants: the reference decoder's datetimes.
        for record in document["interactions"]:
            when = dt.datetime.fromisoformat(record["occurred_at"])
            record["occurred_at"] = when.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 2)
    used = _written_from_restore(monkeypatch)
    restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert used == [True]
    mine = {k: v for k, v in _rows().items() if v["owner_id"] == user.pk}
    assert len(mine) == 9  # nine people with interactions; "Nobody yet" has none
    expected = {k: v for k, v in _read_back(user).items() if v["owner_id"] == user.pk}
    assert mine == expected


def test_a_small_restore_reads_its_summaries_back_as_before(user, other_user, monkeypatch) -> None:
    document = _export(user, other_user)
    used = _written_from_restore(monkeypatch)
    restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert used == []  # ten people: fewer than a one-pass rebuild takes
    assert PersonSummary.objects.filter(owner=user).count() == 9


def test_a_time_in_another_shape_sends_the_summaries_back_to_the_database(
    user, other_user, monkeypatch
) -> None:
    document = _export(user, other_user)
    monkeypatch.setattr(bulk_summaries, "BULK_PEOPLE", 2)
    monkeypatch.setattr(restored_events, "sqlite_times", lambda text: None)
    used = _written_from_restore(monkeypatch)
    rebuilt = []
    refresh = exporting.refresh_engine_summaries
    monkeypatch.setattr(
        exporting,
        "refresh_engine_summaries",
        lambda **kwargs: rebuilt.append(True) or refresh(**kwargs),
    )
    restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert used == [] and rebuilt == [True]
    assert PersonSummary.objects.filter(owner=user).count() == 9


def test_a_kind_outside_the_choices_cannot_be_named_from_numbers() -> None:
    wanted = np.array([5, 9], dtype=np.int64)
    parts = {"channel": ["call", "fax"], "direction": ["inbound", "outbound"]}
    kinds = bulk_summaries.kind_numbers(parts, 2)
    people = np.array([5, 9], dtype=np.int64)
    micros = np.array([0, 1_000_000], dtype=np.int64)
    assert bulk_summaries.events_of(people, micros, kinds, wanted) is None
    parts["channel"] = ["call", "email"]
    events = bulk_summaries.events_of(people, micros, bulk_summaries.kind_numbers(parts, 2), wanted)
    assert events is not None
    assert events.group.tolist() == [0, 1] and events.ts.tolist() == [0.0, 1.0]
    # Left-out parts take their field's default, as the bulk writer stores them.
    intent = events.intent
    assert [intent.labels[code] for code in intent.codes] == ["neutral", "neutral"]
