"""Suggest people who should meet each other: `amity intros`."""

from __future__ import annotations

import time
from typing import Any

from rich.table import Table

from amity.cli import text_input as cli
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.network.introductions import suggest_introductions
from amity.network.serializers import suggestions_json


class IntrosVerb(Verb):
    """Suggest pairs of contacts who would benefit from knowing each other."""

    help = """Suggest pairs of your people who would benefit from knowing each other,
    with the reasons: one is looking for what the other offers (asks they logged with
    you count), shared interests across different fields, complementary roles, the same
    city. People Amity knows already know each other (a shared interaction, or an
    introduction in any state, declined ones included) are never paired. Start one with
    `amity intro propose A B`; say no to one with `amity intro dismiss A B`.

    --json: {"text_model", "backend": "model"|"tfidf", "people", "pending",
    "suggestions": [{"a": {"id", "name", "title", "company", "field"}, "b": {...},
    "score", "reasons": [{"kind": "need"|"interests"|"roles"|"city", "text"}]}],
    "seconds"}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --limit and --for."""
        parser.add_argument("--limit", type=int, default=10, help="at most this many pairs (10)")
        parser.add_argument(
            "--for", dest="person", default="", metavar="NAME", help="only pairs with NAME"
        )

    def handle(self, **options: Any) -> None:
        """Compute and print the suggestions."""
        owner = self.owner(options)
        if options["limit"] < 1:
            raise CliError("--limit must be at least 1")
        person = cli.person(owner, options["person"]) if options["person"] else None
        started = time.perf_counter()
        result = suggest_introductions(owner=owner, limit=options["limit"], person=person)
        data = suggestions_json(result)
        data["seconds"] = round(time.perf_counter() - started, 2)

        def render() -> None:
            self.console.print(f"[dim]Text matching: {result.text_model}[/dim]")
            if result.pending:
                self.console.print(
                    f"[yellow]{result.pending} profiles changed since they were embedded; "
                    "run `amity embed` to include them.[/yellow]"
                )
            if not result.items:
                self.console.print("No introductions to suggest right now.")
                return
            table = Table(show_edge=False, pad_edge=False, show_lines=True)
            for column in ("Who", "and who", "Why"):
                table.add_column(column)
            for s in result.items:
                table.add_row(
                    f"#{s.a.pk} [bold]{s.a.full_name}[/bold]\n{cli.role(s.a)}",
                    f"#{s.b.pk} [bold]{s.b.full_name}[/bold]\n{cli.role(s.b)}",
                    "\n".join(r.text for r in s.reasons),
                )
            self.console.print(table)
            self.console.print(
                "[dim]Start one: amity intro propose '#A' '#B'  ·  "
                "never suggest again: amity intro dismiss '#A' '#B'[/dim]"
            )

        self.emit(options, data, render)
