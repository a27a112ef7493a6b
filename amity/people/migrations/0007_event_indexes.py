"""Index birthdays, anniversaries and job changes, so today's list skips the table."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_covering_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(
                    ("birthday__isnull", False), ("connected_on__isnull", False), _connector="OR"
                ),
                fields=["owner", "birthday", "connected_on"],
                name="person_owner_dates",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("provenance__has_key", "company_changed_on")),
                fields=["owner"],
                name="person_owner_job_changed",
            ),
        ),
    ]
