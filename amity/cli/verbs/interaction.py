"""Show, change or delete one logged interaction: `amity interaction edit ID --note …`."""

from __future__ import annotations

import inspect
from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.display import describe_interaction, interaction_public, interactions_table
from amity.cli.verbs.log import AT_HELP, find_people, option_error, parse_intent, parse_when
from amity.domain import vocabulary
from amity.people import services, timeline
from amity.people.models import Interaction, Person


class InteractionVerb(Verb):
    """Change or delete an interaction by its id (deletes can be undone)."""

    help = inspect.cleandoc(
        f"""Show, change or delete one interaction by its id (`amity people show NAME`
    and `amity log --json` give ids).

    amity interaction show ID
    amity interaction edit ID [--at WHEN] [--channel C] [--direction D]
                              [--deposit [SUBTYPE] | --withdrawal [SUBTYPE] | --neutral]
                              [--note TEXT] [--content TEXT] [--with NAME ...]
        Only the options given change; --with replaces the people. WHEN: {AT_HELP}.
        Dates after today are refused, as on the web and in the API.
    amity interaction delete ID
        Prints the undo id: `amity undo` brings it back within 30 minutes.

    --json: show/edit print the API's InteractionPublic shape (as `amity log --json`);
    delete prints {{"deleted": ID, "undo_id": N, "label": "Deleted the call with …"}}.
    """
    )
    schema_name = "InteractionPublic"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, the id and the fields edit may change."""
        parser.add_argument("action", choices=["show", "edit", "delete"])
        parser.add_argument("id", metavar="ID", help="the interaction's id (#123 or 123)")
        parser.add_argument("--at", default=None, metavar="WHEN", help="edit: when it happened")
        parser.add_argument("--channel", default=None, help=", ".join(vocabulary.CHANNELS))
        parser.add_argument("--direction", default=None, help="outbound|inbound|mutual")
        intent = parser.add_mutually_exclusive_group()
        intent.add_argument("--deposit", nargs="?", const="", metavar="SUBTYPE")
        intent.add_argument("--withdrawal", nargs="?", const="", metavar="SUBTYPE")
        intent.add_argument("--neutral", action="store_true", help="neither deposit nor ask")
        parser.add_argument("--note", default=None, help="edit: the one-line summary")
        parser.add_argument("--content", default=None, help="edit: the full text")
        parser.add_argument(
            "--with", dest="people", nargs="+", default=None, metavar="NAME", help="edit: who"
        )

    def handle(self, **options: Any) -> None:
        """Run the chosen action on the acting user's interaction."""
        owner = self.owner(options)
        raw = str(options["id"]).lstrip("#")
        found = Interaction.objects.filter(owner=owner, pk=int(raw)) if raw.isdigit() else None
        interaction = found.first() if found is not None else None
        if interaction is None:
            raise CliError(f"no interaction #{raw} of {owner} (see `amity people show NAME`)")
        if options["action"] == "delete":
            self._delete(interaction, options)
            return
        if options["action"] == "edit":
            self._edit(owner, interaction, options)
        people = list(interaction.people.order_by("sort_name"))
        self.emit(
            options,
            interaction_public(interaction),
            lambda: self._render(interaction, people, edited=options["action"] == "edit"),
        )

    def _render(self, interaction: Interaction, people: list[Person], *, edited: bool) -> None:
        if edited:
            self.console.print(f"Saved {describe_interaction(interaction, people)}.")
            return
        self.console.print(interactions_table([interaction]))
        if interaction.content:
            self.console.print(interaction.content)

    def _edit(self, owner: Any, interaction: Interaction, options: dict[str, Any]) -> None:
        fields: dict[str, Any] = {}
        if options["at"] is not None:
            fields["occurred_at"] = parse_when(options["at"])
        for option, field in (
            ("channel", "channel"),
            ("direction", "direction"),
            ("note", "summary"),
            ("content", "content"),
        ):
            if options[option] is not None:
                fields[field] = options[option]
        if (
            options["neutral"]
            or options["deposit"] is not None
            or options["withdrawal"] is not None
        ):
            fields["intent"], fields["subtype"] = parse_intent(options)
        people = None if options["people"] is None else find_people(owner, options["people"])
        if not fields and people is None:
            raise CliError("nothing to change: give --at, --channel, --note, --with, ...")
        try:
            timeline.update_interaction(interaction=interaction, people=people, **fields)
        except services.ValidationError as exc:
            raise CliError(option_error(exc)) from exc

    def _delete(self, interaction: Interaction, options: dict[str, Any]) -> None:
        pk = interaction.pk
        record = timeline.delete_interaction(interaction=interaction)
        data = {"deleted": pk, "undo_id": record.pk, "label": record.label}

        def render() -> None:
            self.console.print(f"{record.label}. Undo: amity undo {record.pk}")

        self.emit(options, data, render)
