"""Test the data step of migrations: existing rows come out as new code writes them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from amity.people import services, timeline
from amity.relationships import stored_summaries as summaries
from amity.relationships.models import PersonSummary


@pytest.mark.django_db(transaction=True)
def test_0005_packs_the_summaries_already_stored(user: Any) -> None:
    ada = services.create_person(owner=user, full_name="Ada Lovelace")
    timeline.log_interaction(owner=user, people=[ada], direction="inbound", subtype="help")
    timeline.log_interaction(owner=user, people=[ada], occurred_at=timezone.now())
    written = bytes(PersonSummary.objects.get(person=ada).packed)
    assert len(written) == summaries.PACKED_SIZE

    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0004_today_payload")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert bytes(PersonSummary.objects.get(person=ada).packed) == written
