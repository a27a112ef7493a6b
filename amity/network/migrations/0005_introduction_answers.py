"""Record each side's yes of an introduction (issue 15).

Introductions used to go asked_a -> asked_b -> introduced with nobody's answer kept.
Under that flow the user asked B only after A said yes, and introduced them only
after B said yes, so the answers are dated from those steps.
"""

from django.db import migrations, models
from django.db.models import F


def date_the_answers(apps, schema_editor):
    """Date A's yes from asking B and B's yes from the introduction, where they happened."""
    Introduction = apps.get_model("network", "Introduction")
    Introduction.objects.filter(asked_b_at__isnull=False).update(agreed_a_at=F("asked_b_at"))
    Introduction.objects.filter(introduced_at__isnull=False).update(
        agreed_b_at=F("introduced_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0004_embed_new_facets"),
    ]

    operations = [
        migrations.AddField(
            model_name="introduction",
            name="agreed_a_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="introduction",
            name="agreed_b_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="introduction",
            name="state",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("asked_a", "Asked the first person"),
                    ("agreed_a", "The first person said yes"),
                    ("asked_b", "Asked the second person"),
                    ("agreed", "Both said yes"),
                    ("introduced", "Introduced"),
                    ("followed_up", "Followed up"),
                    ("declined_a", "Declined by the first person"),
                    ("declined_b", "Declined by the second person"),
                    ("dismissed", "Dismissed by you"),
                ],
                default="proposed",
                max_length=12,
            ),
        ),
        migrations.RunPython(date_the_answers, migrations.RunPython.noop),
    ]
