"""Declare the reminders app's background task (django-tasks; run by the database worker)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from amity.reminders import delivery


@task()
def send_due_reminders() -> list[dict[str, Any]]:
    """Send the digests and pushes due now (each at most once per user and local day)."""
    return [vars(sent) for sent in delivery.send_due()]
