"""Make the uids of people and interactions unique by named indexes a restore can drop.

`unique=True` put a UNIQUE clause inside SQLite's CREATE TABLE, whose index has no
name of its own and cannot be dropped: a restore kept it up to date row by row, a
random B-tree walk per uuid4 (see amity.people.models.uid_unique). SQLite remakes
both tables to take the clause out (a copy of every row: 20 s of CPU for 100k
people and 2M interactions on a loaded machine, 43 s wall); PostgreSQL drops the
`_uid_key` constraints and builds the unique indexes. Uniqueness holds throughout:
the migration is one transaction.
"""

import uuid

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_interaction_time_covering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="interaction",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="person",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name="interaction",
            constraint=models.UniqueConstraint(models.F("uid"), name="interaction_unique_uid"),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(models.F("uid"), name="person_unique_uid"),
        ),
    ]
