"""Carry id, direction and intent in the (owner, occurred_at) index on PostgreSQL.

Insights reads a window of events as (id, time) and a year of them with their
direction and intent; with these in the index PostgreSQL answers from the index
alone. SQLite does not support INCLUDE: its index is rebuilt as it was.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_engine_moves_to_relationships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="interaction", name="interaction_owner_time"),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                fields=["owner", "occurred_at"],
                include=("id", "direction", "intent"),
                name="interaction_owner_time",
            ),
        ),
    ]
