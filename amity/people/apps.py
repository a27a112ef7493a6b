"""Register the people app."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People, contact points, tags, notes and interactions."""

    name = "amity.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        """Gather planner statistics after migrations; let deletes be undone."""
        from django.db.models.signals import post_migrate

        from amity.core import undo
        from amity.core.bootstrap import refresh_statistics_after_migrate
        from amity.people import timeline

        post_migrate.connect(refresh_statistics_after_migrate, sender=self)
        undo.register(timeline.UNDO_DELETE, timeline.restore_deleted)
