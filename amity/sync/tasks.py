"""Declare the sync app's background tasks (django-tasks; run by the database worker)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from amity.sync import services


@task()
def sync_all_accounts() -> list[dict[str, Any]]:
    """Sync every account of every user; each outcome is also stored on its account."""
    return [vars(outcome) for outcome in services.sync_everything()]


@task()
def sync_account(owner_id: int, kind: str, name: str) -> list[dict[str, Any]]:
    """Sync one account now (the web's "Sync now")."""
    owner = get_user_model().objects.get(pk=owner_id)
    if kind == services.MAIL:
        outcomes = services.sync_mail_accounts(owner=owner, name=name)
    else:
        outcomes = services.sync_contact_books(owner=owner, name=name)
    return [vars(outcome) for outcome in outcomes]
