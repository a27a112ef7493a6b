"""Register the web app."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web app of Amity."""

    name = "amity.web"
    label = "web"
