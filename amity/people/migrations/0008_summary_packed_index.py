"""Cover the packed summaries with an index, so loading a network skips the table."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_event_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="personsummary",
            index=models.Index(fields=["owner", "packed"], name="summary_owner_packed"),
        ),
    ]
