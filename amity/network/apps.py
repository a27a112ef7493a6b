"""Register the network app (sharing, introductions, referrals, breadth)."""

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Sharing, introductions, referrals and network breadth."""

    name = "amity.network"
    label = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        """Add the reading list, introductions and referrals to the JSON export.

        Profile embeddings are not exported: they are a cache, rebuilt when needed.
        """
        from amity.network.models import Introduction, ReadingItem, Referral
        from amity.people.export_sections import model_section, register_section

        # An item's vector is the text model's cache of it: re-embedded when missing.
        register_section(
            model_section(
                "reading_items",
                ReadingItem,
                many={"shared_with": "people"},
                skip=("model_name", "vector"),
                order=("created_at", "uid"),
            )
        )
        # pair_key is made of database ids (as amity.network.introductions._key makes
        # it), so it is rebuilt from the restored people rather than written out.
        register_section(
            model_section(
                "introductions",
                Introduction,
                refs={"person_a": "people", "person_b": "people"},
                derived={
                    "pair_key": lambda row: "{}-{}".format(
                        *sorted((row["person_a_id"], row["person_b_id"]))
                    )
                },
                order=("proposed_at", "uid"),
            )
        )
        register_section(
            model_section(
                "referrals",
                Referral,
                refs={"referrer": "people", "person": "people"},
                order=("created_at", "uid"),
            )
        )
