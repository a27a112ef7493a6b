"""Register the sync app and its scheduled job."""

from __future__ import annotations

import datetime as dt

from django.apps import AppConfig


class SyncConfig(AppConfig):
    """Mail and contacts accounts, synced every AMITY_SYNC_INTERVAL minutes."""

    name = "amity.sync"
    label = "sync"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Put "sync every account" on the core schedule."""
        from amity import config
        from amity.core import schedule

        # By its path: the mail and contacts clients load when the job is due, not in
        # every `amity` command.
        schedule.register(
            name="sync.accounts",
            task="amity.sync.tasks.sync_all_accounts",
            every=lambda: dt.timedelta(minutes=config.SYNC_INTERVAL.value()),
        )
