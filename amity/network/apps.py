"""Register the network app (sharing, introductions, referrals, breadth)."""

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Sharing, introductions, referrals and network breadth."""

    name = "amity.network"
    label = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        """Give Today the network's pending steps and the introductions awaiting follow-up."""
        from amity.core import hooks
        from amity.network.optin import open_introductions
        from amity.network.services import add_network_actions

        hooks.add_to_today(add_network_actions)
        hooks.provide_open_introductions(open_introductions)
