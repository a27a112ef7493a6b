"""Say you reached out to someone on today's list: `amity done NAME`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.display import describe_interaction, interaction_public
from amity.cli.person_options import find
from amity.domain import vocabulary
from amity.people import services
from amity.relationships import today


class DoneVerb(Verb):
    """Log the touch or deposit and tick the person off today's list."""

    help = """Log that you reached out to NAME and tick them off today's list. Without
    options it logs what today's action suggested (a congrats, thanks or shared-content
    deposit, or a neutral touch); --deposit SUBTYPE or --neutral say otherwise.

    --json: the API's InteractionPublic shape, as `amity log --json`.
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare NAME, the intent and the channel."""
        parser.add_argument("name", metavar="NAME", help="#id, email, LinkedIn URL or name")
        intent = parser.add_mutually_exclusive_group()
        intent.add_argument(
            "--deposit", default=None, metavar="SUBTYPE", help="log this kind of deposit"
        )
        intent.add_argument("--neutral", action="store_true", help="log a plain touch")
        parser.add_argument("--channel", default="message", help="how (message)")
        parser.add_argument("--note", default="", help="a one-line summary")

    def handle(self, **options: Any) -> None:
        """Log and tick off."""
        owner = self.owner(options)
        person = find(owner, options["name"])
        subtype: str | None = None
        try:
            if options["neutral"]:
                subtype = ""
            elif options["deposit"]:
                subtype = vocabulary.parse_subtype(options["deposit"], intent="deposit")
            channel = vocabulary.parse_channel(options["channel"])
        except ValueError as exc:
            raise CliError(str(exc)) from None
        try:
            done = today.mark_done(
                owner=owner, person=person, subtype=subtype, channel=channel, note=options["note"]
            )
        except services.ValidationError as exc:
            raise CliError(str(exc)) from exc
        self.emit(
            options,
            interaction_public(done.interaction),
            lambda: self.console.print(
                f"Done: logged {describe_interaction(done.interaction, [person])}. "
                f"Undo: amity undo {done.undo.pk}"
            ),
        )
