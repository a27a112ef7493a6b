"""Register the core app (the stored last run of each scheduled job)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure: scheduled background jobs."""

    name = "amity.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
