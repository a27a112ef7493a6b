"""Register the accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The accounts app of Amity."""

    name = "amity.accounts"
    label = "accounts"
