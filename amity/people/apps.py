"""Register the people app."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People, contact points, tags, notes and interactions."""

    name = "amity.people"
    label = "people"
    verbose_name = "People"
