"""Store when each scheduled background job last ran, and what the last actions can undo."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager


class JobRun(models.Model):
    """The last time the scheduler enqueued a job: one row per job name."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at}"


class UndoRecord(models.Model):
    """What one user action changed, kept for a short while so it can be undone.

    `kind` names the handler an app registered (amity.core.undo); `payload` holds
    what it needs to put things back exactly: serialized rows for a deletion, the
    previous state for a snooze or a "Done".
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    # What the confirmation said: "Deleted the call with Ada on 3 Nov".
    label = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"], name="undo_owner_time")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"
