"""Register the network app (sharing, introductions, referrals, breadth)."""

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Sharing, introductions, referrals and network breadth."""

    name = "amity.network"
    label = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        """Give Today the network's steps; embed profiles in the background as they change."""
        from amity.core import hooks
        from amity.network.optin import open_introductions
        from amity.network.services import add_network_actions
        from amity.network.tasks import queue_for_people, queue_preparation

        hooks.add_to_today(add_network_actions)
        hooks.provide_open_introductions(open_introductions)
        hooks.on_profiles_changed(queue_preparation)
        hooks.on_people_changed(queue_for_people)
