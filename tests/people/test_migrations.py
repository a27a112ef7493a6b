"""Test the data step of migrations: existing rows come out as new code writes them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from amity.people import services, timeline
from amity.people.models import Interaction, Person
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


@pytest.mark.django_db(transaction=True)
def test_0011_keeps_the_rows_and_their_uids_unique(user: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0010_interaction_time_covering")])
    old = (
        MigrationExecutor(connection)
        .loader.project_state(("people", "0010_interaction_time_covering"))
        .apps
    )
    OldPerson = old.get_model("people", "Person")
    OldInteraction = old.get_model("people", "Interaction")
    ada = OldPerson.objects.create(owner_id=user.pk, full_name="Ada", sort_name="ada")
    logged = OldInteraction.objects.create(owner_id=user.pk)
    logged.people.add(ada)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Person.objects.get(uid=ada.uid).full_name == "Ada"
    assert list(Interaction.objects.get(uid=logged.uid).people.all()) == [Person.objects.get()]
    for model, row in ((Person, {"full_name": "Copy"}), (Interaction, {})):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(owner=user, uid=model.objects.get().uid, **row)
    with connection.cursor() as cursor:
        # SQLite's UNIQUE clause (an index without a name of its own) is gone: the
        # unique indexes on uid are the named ones a restore can drop.
        unique_on_uid = {
            name
            for model in (Person, Interaction)
            for name, found in connection.introspection.get_constraints(
                cursor, model._meta.db_table
            ).items()
            if found["columns"] == ["uid"] and found["unique"]
        }
    assert unique_on_uid == {"person_unique_uid", "interaction_unique_uid"}
