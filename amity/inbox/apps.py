"""Register the inbox app: the message coach and inbound triage."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    """Triage labels the user set, and the glue between the store and the coach."""

    name = "amity.inbox"
    label = "inbox"
    verbose_name = "Inbox"
