"""Register the inbox app: the message coach and inbound triage."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    """Triage labels the user set, and the glue between the store and the coach."""

    name = "amity.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        """Add the user's triage corrections to the JSON export."""
        from amity.inbox.models import TriageLabel
        from amity.people.export_sections import model_section, register_section

        register_section(
            model_section(
                "triage_labels",
                TriageLabel,
                refs={"interaction": "interactions", "sender": "people"},
                order=("created_at", "interaction__uid"),
            )
        )
