"""Register the people app."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People, contact points, tags, notes and interactions."""

    name = "amity.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        """Gather planner statistics after migrations."""
        from django.db.models.signals import post_migrate

        from amity.core.bootstrap import refresh_statistics_after_migrate

        post_migrate.connect(refresh_statistics_after_migrate, sender=self)
