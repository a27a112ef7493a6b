"""Store when each scheduled background job last ran."""

from __future__ import annotations

from django.db import models


class JobRun(models.Model):
    """The last time the scheduler enqueued a job: one row per job name."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at}"
