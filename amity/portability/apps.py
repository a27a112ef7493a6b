"""Register the portability app: export, restore and the demo network."""

from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """Export, restore and the demo: the one app that reads every other app's rows."""

    name = "amity.portability"
    label = "portability"
    verbose_name = "Export and restore"

    def ready(self) -> None:
        """Register every app's sections of the JSON export, in restore order.

        Core sections (tags, people, interactions...) register when `people_sections`
        is imported, so they lead every export; each later section refers only to
        sections before it. The apps themselves know nothing of exports: this app
        sits above them and reads their models.
        """
        from amity.portability import people_sections  # noqa: F401

        _register_relationship_sections()
        _register_importer_sections()
        _register_network_sections()
        _register_inbox_sections()


def _register_relationship_sections() -> None:
    """Add snoozes, cadences and daily lists (the relationship engine's rows)."""
    from amity.portability.model_sections import Nested, model_section
    from amity.portability.sections import register_section
    from amity.relationships.models import CadenceOverride, DailyList, DailyPick, Snooze

    register_section(
        model_section(
            "snoozes", Snooze, refs={"person": "people"}, order=("created_at", "person__uid")
        )
    )
    register_section(
        model_section(
            "cadences",
            CadenceOverride,
            refs={"person": "people", "tag": "tags"},
            order=("updated_at", "person__uid", "tag__name"),
            check=lambda row: (
                None
                if (row["person_id"] is None) != (row["tag_id"] is None)
                else "a cadence is for exactly one of 'person' and 'tag'"
            ),
        )
    )
    # Picks have no uid: they travel inside their day's list, unique per day.
    register_section(
        model_section(
            "daily_lists",
            DailyList,
            order=("day",),
            key="day",
            skip=("payload",),
            nested=Nested(
                "picks",
                DailyPick,
                parent="daily_list",
                refs={"person": "people"},
                order=("rank", "person__uid"),
            ),
        )
    )


def _register_importer_sections() -> None:
    """Add import keys and import history."""
    from amity.importers.models import ExternalKey, ImportRun
    from amity.portability.model_sections import model_section
    from amity.portability.sections import register_section

    # The keys make re-importing the same file after a restore update, not duplicate.
    register_section(
        model_section(
            "external_keys", ExternalKey, refs={"person": "people"}, order=("source", "key")
        )
    )
    register_section(model_section("import_runs", ImportRun, order=("started_at",)))


def _register_network_sections() -> None:
    """Add the reading list, introductions and referrals.

    Profile embeddings are not exported: they are a cache, rebuilt when needed.
    """
    from amity.network.models import Introduction, ReadingItem, Referral
    from amity.portability.model_sections import model_section
    from amity.portability.sections import register_section

    # An item's vector is the text model's cache of it: re-embedded when missing.
    register_section(
        model_section(
            "reading_items",
            ReadingItem,
            many={"shared_with": "people"},
            skip=("model_name", "vector"),
            order=("created_at", "uid"),
        )
    )
    # pair_key is made of database ids (as amity.network.optin._key makes
    # it), so it is rebuilt from the restored people rather than written out.
    register_section(
        model_section(
            "introductions",
            Introduction,
            refs={"person_a": "people", "person_b": "people"},
            derived={
                "pair_key": lambda row: "{}-{}".format(
                    *sorted((row["person_a_id"], row["person_b_id"]))
                )
            },
            order=("proposed_at", "uid"),
        )
    )
    register_section(
        model_section(
            "referrals",
            Referral,
            refs={"referrer": "people", "person": "people"},
            order=("created_at", "uid"),
        )
    )


def _register_inbox_sections() -> None:
    """Add the user's triage corrections."""
    from amity.inbox.models import TriageLabel
    from amity.portability.model_sections import model_section
    from amity.portability.sections import register_section

    register_section(
        model_section(
            "triage_labels",
            TriageLabel,
            refs={"interaction": "interactions", "sender": "people"},
            order=("created_at", "interaction__uid"),
        )
    )
