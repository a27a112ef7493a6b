"""Carry id, direction and intent in the (owner, occurred_at) index on PostgreSQL.

Insights reads a window of events as (id, time) and a year of them with their
direction and intent; with these in the index PostgreSQL answers from the index
alone. SQLite has no INCLUDE (its index would come out as it is), so there the
index is left alone rather than rebuilt over every interaction for nothing.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

BEFORE = models.Index(fields=["owner", "occurred_at"], name="interaction_owner_time")
AFTER = models.Index(
    fields=["owner", "occurred_at"],
    include=("id", "direction", "intent"),
    name="interaction_owner_time",
)


def _swap(old: models.Index, new: models.Index) -> Any:
    """Return a migration step replacing `old` by `new` where INCLUDE exists."""

    def swap(apps: Any, schema_editor: Any) -> None:
        if not schema_editor.connection.features.supports_covering_indexes:
            return
        interaction = apps.get_model("people", "Interaction")
        schema_editor.remove_index(interaction, old)
        schema_editor.add_index(interaction, new)

    return swap


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_engine_moves_to_relationships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="interaction", name="interaction_owner_time"),
                migrations.AddIndex(model_name="interaction", index=AFTER),
            ],
            database_operations=[migrations.RunPython(_swap(BEFORE, AFTER), _swap(AFTER, BEFORE))],
        ),
    ]
