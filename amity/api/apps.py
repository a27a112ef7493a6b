"""Register the api app."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The api app of Amity."""

    name = "amity.api"
    label = "api"
