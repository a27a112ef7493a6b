"""Register the importers app."""

from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """The importers app of Amity."""

    name = "amity.importers"
    label = "importers"

    def ready(self) -> None:
        """Add import keys and import history to the JSON export."""
        from amity.importers.models import ExternalKey, ImportRun
        from amity.people.export_sections import model_section, register_section

        # The keys make re-importing the same file after a restore update, not duplicate.
        register_section(
            model_section(
                "external_keys", ExternalKey, refs={"person": "people"}, order=("source", "key")
            )
        )
        register_section(model_section("import_runs", ImportRun, order=("started_at",)))
