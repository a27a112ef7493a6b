"""Mark every cached profile vector as older than any change, so the new facets get embedded.

Share now compares texts with seven facets per person (issue 19) and the whole-profile
text no longer carries recent interactions. The quick staleness check
(`network.profiles.stale_people`) compares timestamps, so without this it would call
an unchanged person fresh and never give them the new facets. Backdating the rows
makes everyone stale once: `amity embed` (or Share itself, on small networks) then
embeds the new facets and, by comparing text hashes, only touches unchanged ones.
"""

import datetime as dt

from django.db import migrations

BACKDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def backdate(apps, schema_editor):
    """Set every profile vector's `embedded_at` to a date before any profile change."""
    apps.get_model("network", "ProfileEmbedding").objects.update(embedded_at=BACKDATED)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0003_embedding_facets"),
    ]

    operations = [
        migrations.RunPython(backdate, migrations.RunPython.noop),
    ]
