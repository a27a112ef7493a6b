"""Register the network app (sharing, introductions, referrals, breadth)."""

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Sharing, introductions, referrals and network breadth."""

    name = "amity.network"
    label = "network"
    verbose_name = "Network"
