"""Show the give/ask ledger: `amity balance [NAME] [--as-of DATE]`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, Verb
from amity.cli.person_options import add_as_of, find, parse_as_of
from amity.domain import display
from amity.relationships import scoring as relationships


def print_balance(console: Any, data: dict[str, Any]) -> None:
    """Print one person's two-sided ledger, verdict and suggested deposits."""
    c = data["counts"]
    n = display.one_decimal
    console.print(f"[bold]{data['person']['name']}[/bold]: {data['label']}")
    console.print(
        f"  you gave {n(data['gave'])} ({c['gave']}x)   you asked {n(data['asked'])}"
        f" ({c['asked']}x)   ratio {n(data['ratio'])} (target {n(data['target'])})"
    )
    console.print(
        f"  they gave {n(data['received'])} ({c['received']}x)   they asked"
        f" {n(data['were_asked'])} ({c['were_asked']}x)"
    )
    console.print(f"  {data['explanation']}")
    if data["suggestions"]:
        console.print("  Deposits that fit:")
        for idea in data["suggestions"]:
            console.print(f"   - {idea['text']}")


class BalanceVerb(Verb):
    """Show what you gave and asked, per person or across the network."""

    help = """Show the give/ask ledger. With NAME: what you gave them and asked of them
    (and they of you), weighted by kind and decayed over time, the verdict against
    AMITY_DEPOSITS_PER_ASK and deposits that fit them. Without NAME: whether you are a
    giver, balanced or a taker overall, and whom you have only ever asked.

    --json: with NAME the API's BalancePublic shape (GET /api/v1/people/ID/balance),
    without NAME its NetworkBalancePublic shape (GET /api/v1/balance); both are
    documented at /api/v1/docs.
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare NAME and --as-of."""
        parser.add_argument("name", nargs="?", default="", metavar="NAME", help="one person")
        add_as_of(parser)

    def handle(self, **options: Any) -> None:
        """Print the balance."""
        owner = self.owner(options)
        as_of, _ = relationships.resolve_as_of(parse_as_of(options["as_of"]))
        if options["name"]:
            person = find(owner, options["name"])
            data = relationships.balance_for(person=person, as_of=as_of)
            self.emit(options, data, lambda: print_balance(self.console, data))
            return
        data = relationships.network_balance(owner=owner, as_of=as_of)
        self.emit(options, data, lambda: self._render_network(data))

    def _render_network(self, data: dict[str, Any]) -> None:
        n = display.one_decimal
        self.console.print(
            f"Overall you are [bold]{data['stance']}[/bold]: gave {n(data['gave'])}, asked"
            f" {n(data['asked'])} (ratio {n(data['ratio'])}, target {n(data['target'])});"
            f" received {n(data['received'])}, were asked {n(data['were_asked'])}."
        )
        if data["only_asked"]:
            names = ", ".join(f"{p['name']} (#{p['id']})" for p in data["only_asked"])
            self.console.print(f"You have only ever asked: {names}")
