"""Register the relationship engine's app: summaries, ties, cadences and Today."""

from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """The relationship engine's storage: summaries, snoozes, cadences, daily lists."""

    name = "amity.relationships"
    label = "relationships"
    verbose_name = "Relationships"
