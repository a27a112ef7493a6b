"""Register the reminders app and its scheduled job."""

from __future__ import annotations

import datetime as dt

from django.apps import AppConfig

# Digests go out at the hour set in each user's own time zone; checking every quarter
# hour sends them within fifteen minutes of it.
CHECK_EVERY = dt.timedelta(minutes=15)


class RemindersConfig(AppConfig):
    """Calendar feed, mail digest and push notifications."""

    name = "amity.reminders"
    label = "reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Put "send the reminders that are due" on the core schedule."""
        from amity.core import schedule

        # By its path: mail and push delivery load when the job is due, not in every
        # `amity` command.
        schedule.register(
            name="reminders.send",
            task="amity.reminders.tasks.send_due_reminders",
            every=lambda: CHECK_EVERY,
        )
