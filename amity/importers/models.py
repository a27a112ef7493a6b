"""Store the keys other tools use for a person, and the history of imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager
from amity.people.models import Person


class ExternalKey(models.Model):
    """A source's own stable key for a person (a vCard UID, a Google contact key).

    The LinkedIn profile URL lives on Person itself; this table holds the keys that
    have no column there, so re-importing a file finds the same person again.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_keys")
    source = models.CharField(max_length=20)
    key = models.CharField(max_length=300)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "key"], name="external_key_unique_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"


class ImportRun(models.Model):
    """One finished import: what was read and what it changed."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=300)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The summary the command prints with --json (people/interactions/skipped counts).
    counts = models.JSONField(default=dict, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "started_at"], name="import_run_owner_time")]

    def __str__(self) -> str:
        return f"{self.format} {self.file_name} {self.started_at:%Y-%m-%d %H:%M}"
