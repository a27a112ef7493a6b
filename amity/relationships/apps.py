"""Register the relationship engine's app: summaries, ties, cadences and Today."""

from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """The relationship engine's storage: summaries, snoozes, cadences, daily lists."""

    name = "amity.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        """Rebuild the engine's summaries whenever people's interactions change."""
        from amity.core import hooks

        hooks.on_people_changed(_refresh_summaries)


def _refresh_summaries(person_ids: list[int]) -> None:
    """Rebuild the engine's summaries of these people."""
    from amity.relationships.stored_summaries import refresh_engine_summaries

    refresh_engine_summaries(person_ids=person_ids)
