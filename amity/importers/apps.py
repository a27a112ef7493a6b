"""Register the importers app."""

from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """The importers app of Amity."""

    name = "amity.importers"
    label = "importers"
