"""Answer "may I ask this person for something yet?": `amity can-i-ask NAME`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, Verb
from amity.cli.person_options import add_as_of, find, parse_as_of
from amity.cli.verbs.balance import print_balance
from amity.relationships import scoring as relationships


class CanIAskVerb(Verb):
    """Give the verdict on asking someone, with the numbers and deposits to make."""

    help = """Say whether you may ask NAME for something: ready, make deposits first,
    never asked (fine) or overdrawn, with the numbers behind it and two or three
    deposits that fit them. Also available as `amity can-i-ask`.

    --json: the API's BalancePublic shape, as `amity balance NAME --json` (see
    /api/v1/docs); "verdict" is ready, deposits_first, never_asked or overdrawn.
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare NAME and --as-of."""
        parser.add_argument("name", metavar="NAME", help="#id, email, LinkedIn URL or name")
        add_as_of(parser)

    def handle(self, **options: Any) -> None:
        """Print the verdict."""
        owner = self.owner(options)
        as_of, _ = relationships.resolve_as_of(parse_as_of(options["as_of"]))
        person = find(owner, options["name"])
        data = relationships.balance_for(person=person, as_of=as_of)
        self.emit(options, data, lambda: print_balance(self.console, data))
