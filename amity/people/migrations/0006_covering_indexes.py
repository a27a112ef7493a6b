"""Widen three indexes so strength, the fingerprint and the summaries' check skip the table."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_packed_summaries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="person_owner_sort",
        ),
        migrations.RemoveIndex(
            model_name="person",
            name="person_owner_updated",
        ),
        migrations.RemoveIndex(
            model_name="personsummary",
            name="summary_owner_updated",
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["owner", "sort_name", "id", "full_name", "field"],
                name="person_owner_sort_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["owner", "updated_at", "interaction_count"], name="person_owner_upd_count"
            ),
        ),
        migrations.AddIndex(
            model_name="personsummary",
            index=models.Index(
                fields=["owner", "updated_at", "version", "count"], name="summary_owner_upd_check"
            ),
        ),
    ]
