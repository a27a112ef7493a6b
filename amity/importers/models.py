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


class ImportChange(models.Model):
    """One thing an import did to one person: created them, or changed one field.

    A created person has one row with an empty `field`; an updated person has one row
    per field, with the value before and after, so a re-import that changed a title
    says what the title was.
    """

    class Action(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"
        # Only new interactions with a person the import did not otherwise change.
        INTERACTIONS = "interactions", "new interactions"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Indexed by (run, action) below, which also serves lookups by run alone.
    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    # Kept (with the name as it was) when the person is deleted later.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_changes"
    )
    person_name = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=Action.choices)
    field = models.CharField(max_length=40, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["id"]
        # The person's own foreign-key index serves the person page.
        indexes = [models.Index(fields=["run", "action"], name="import_change_run")]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.field or self.action}"


class ImportJob(models.Model):
    """A web upload waiting for, running on or finished by the background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for the worker"
        RUNNING = "running", "importing"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=300)
    # Where the upload waits for the worker (in AMITY_HOME/imports); removed once read.
    stored_path = models.CharField(max_length=500, blank=True)
    me = models.JSONField(default=list, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    # Phases finished so far out of the import's usual number: the bar's coarse part.
    step = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    error_file = models.CharField(max_length=500, blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True)
    # The summary (ImportSummary.as_dict) of a finished job, changes included for a dry run.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="import_job_owner_time")]

    def __str__(self) -> str:
        return f"{self.format} {self.file_name} ({self.status})"
