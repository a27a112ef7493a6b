"""Register the relationship engine's app: summaries, ties, cadences and Today."""

from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """The relationship engine's storage: summaries, snoozes, cadences, daily lists."""

    name = "amity.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        """Rebuild summaries when interactions change; let snoozes and "Done" be undone."""
        from amity.core import hooks
        from amity.relationships.today import register_undo

        hooks.on_people_changed(_refresh_summaries)
        register_undo()


def _refresh_summaries(person_ids: list[int]) -> None:
    """Rebuild the engine's summaries of these people."""
    from amity.relationships.stored_summaries import refresh_engine_summaries

    refresh_engine_summaries(person_ids=person_ids)
