"""Test that introductions made before answers were recorded get their answers dated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("network", "0004_embed_new_facets")]
AFTER = [("network", "0005_introduction_answers")]


@pytest.mark.django_db(transaction=True)
def test_old_introductions_get_the_answers_their_steps_imply(user: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Person = old.get_model("people", "Person")
    Introduction = old.get_model("network", "Introduction")
    people = [Person.objects.create(owner_id=user.pk, full_name=f"P{i}") for i in range(6)]
    day = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    made = {}
    for state, (a, b) in zip(
        ("asked_a", "asked_b", "introduced"), ((0, 1), (2, 3), (4, 5)), strict=True
    ):
        made[state] = Introduction.objects.create(
            owner_id=user.pk,
            person_a=people[a],
            person_b=people[b],
            pair_key=f"{people[a].pk}-{people[b].pk}",
            state=state,
            asked_a_at=day,
            asked_b_at=day + dt.timedelta(days=2) if state != "asked_a" else None,
            introduced_at=day + dt.timedelta(days=5) if state == "introduced" else None,
        ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("network", "Introduction")
    rows = {r.pk: (r.agreed_a_at, r.agreed_b_at) for r in new.objects.all()}
    assert rows[made["asked_a"]] == (None, None)
    assert rows[made["asked_b"]] == (day + dt.timedelta(days=2), None)
    assert rows[made["introduced"]] == (day + dt.timedelta(days=2), day + dt.timedelta(days=5))
