"""Read a draft message and say how it will land: `amity coach [FILE|-] [--to NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.text import Text

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.domain import display
from amity.inbox import services
from amity.people.services import ValidationError


def highlighted(text: str, flags: list[dict[str, Any]]) -> Text:
    """Return the message with every flagged span underlined in red."""
    shown = Text(text)
    for flag in flags:
        shown.stylize("bold red underline", flag["start"], flag["end"])
    return shown


def print_review(console: Any, text: str, data: dict[str, Any]) -> None:
    """Print a review: verdict, traits, the text with flagged spans, flags, suggestions."""
    colour = "green" if data["verdict"] == "relational" else "red"
    console.print(
        f"[bold {colour}]{data['verdict']}[/bold {colour}]  score {data['score']}/100"
        f"  ({data['words']} words; {', '.join(data['reasons']) or 'no strong signals'})"
    )
    recipient = data["recipient"]
    if recipient:
        console.print(
            f"To {recipient['name'] or 'them'}: {recipient['tie']} tie, balance "
            f"{display.one_decimal(recipient['balance'])} (deposits minus asks)"
            + (
                f", {recipient['days_since']} days since you were in touch"
                if recipient["days_since"] is not None
                else ""
            )
        )
    console.print()
    console.print(highlighted(text, data["flags"]))
    console.print()
    console.print("[bold]Traits[/bold]")
    for trait in data["traits"]:
        evidence = "; ".join(f"“{e['text']}”" for e in trait["evidence"][:3]) or "-"
        console.print(f"  {trait['score']:3d}  {trait['label']}: {escape(evidence)}")
    if data["flags"]:
        console.print("[bold]Flags[/bold]")
        for flag in data["flags"]:
            console.print(
                f"  [red]{flag['label']}[/red] “{escape(flag['text'])}” "
                f"({flag['start']}-{flag['end']}): {escape(flag['detail'])}"
            )
    if data["suggestions"]:
        console.print("[bold]Suggestions[/bold]")
        for suggestion in data["suggestions"]:
            rewrite = ""
            if suggestion["rewrite"] and suggestion["span"]:
                rewrite = f" “{suggestion['span']['text']}” → “{suggestion['rewrite']}”."
            console.print(f"  - {suggestion['advice']}{rewrite}", markup=False)


class CoachVerb(Verb):
    """Say whether a draft reads relational or transactional, and how to improve it."""

    help = """Read a draft message (from FILE, or stdin with - or no FILE) and say how it
    will land: relational or transactional, a score 0..100 (higher = more personal and
    generous), five traits with the words that show them, flags on the exact spans that
    hurt it, and concrete suggestions. With --to NAME (#id, email or name) the
    relationship counts too: asking someone you owe, or a dormant tie, is flagged
    with your balance and a deposit to make first.

    --json: {"verdict" (relational | transactional), "score", "words", "text_model",
    "traits": [{"code", "label", "score", "evidence": [{"start", "end", "text"}]}],
    "flags": [{"code", "label", "start", "end", "text", "detail"}],
    "suggestions": [{"code", "advice", "span": {"start", "end", "text"} | null,
    "rewrite" | null}], "reasons": [str], "recipient": {"name", "tie" (close | known |
    dormant | none), "balance", "days_since" | null, "dormant"} | null}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare FILE and --to."""
        parser.add_argument(
            "file", nargs="?", default="-", metavar="FILE", help="draft (- = stdin)"
        )
        parser.add_argument("--to", default="", metavar="NAME", help="who it is for")

    def handle(self, **options: Any) -> None:
        """Read the draft and print the review."""
        owner = self.owner(options)
        source = options["file"]
        try:
            text = self.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read {source}: {exc.strerror}") from exc
        try:
            review = services.coach_message(owner=owner, text=text, to=options["to"] or None)
        except (LookupError, ValidationError) as exc:
            raise CliError(str(exc)) from exc
        data = review.as_dict()
        self.emit(options, data, lambda: print_review(self.console, text, data))
