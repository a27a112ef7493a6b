"""Register the people app."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People, contact points, tags, notes and interactions."""

    name = "amity.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        """Add snoozes, cadences and daily lists to the JSON export; analyze after migrations."""
        from django.db.models.signals import post_migrate

        from amity.bootstrap import refresh_statistics_after_migrate

        post_migrate.connect(refresh_statistics_after_migrate, sender=self)
        # Through exporting: its core sections (tags, people...) register first, so they
        # lead every export; the other apps' ready() runs after this one.
        from amity.people import exporting  # noqa: F401
        from amity.people.export_sections import Nested, model_section, register_section
        from amity.people.models import CadenceOverride, DailyList, DailyPick, Snooze

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
