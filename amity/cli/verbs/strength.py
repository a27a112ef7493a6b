"""Show tie strength, circles and dormant ties: `amity strength [NAME] [--as-of DATE]`."""

from __future__ import annotations

from typing import Any

import orjson
from rich.table import Table

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.person_options import add_as_of, find, parse_as_of
from amity.domain import display, strength
from amity.people.models import Tag
from amity.relationships import scoring as relationships
from amity.relationships import ties


class StrengthVerb(Verb):
    """List people by tie strength."""

    help = """List people with their tie strength (0..1), circle, last interaction, days
    since, interactions in the last 90 days, reciprocity and a dormant flag, strongest
    first. NAME shows one person; --dormant lists the revival queue (most valuable first).

    Set a contact cadence: `amity strength NAME --set-cadence monthly` or
    `amity strength --tag mentors --set-cadence 6w` (weekly, fortnightly, monthly,
    quarterly, half-yearly, yearly, never, or 45d/6w/3m); `--set-cadence default` removes it.

    --json (compact, one line): {"as_of": ISO time, "people": [StrengthPublic]}, where
    StrengthPublic is the API's shape of one person's tie (see /api/v1/docs): id, name,
    score, circle (1-5), circle_name, cadence_days, last_interaction, days_since,
    count_90d, reciprocity, dormant, revival and the six components.
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare NAME, filters, --as-of and the cadence options."""
        parser.add_argument("name", nargs="?", default="", metavar="NAME", help="one person")
        add_as_of(parser)
        parser.add_argument("--circle", type=int, choices=range(1, 6), help="only this circle")
        parser.add_argument("--dormant", action="store_true", help="only dormant ties")
        parser.add_argument("--limit", type=int, default=0, help="show at most N people")
        parser.add_argument("--tag", default="", help="with --set-cadence: the tag to set")
        parser.add_argument("--set-cadence", default="", metavar="CADENCE")

    def handle(self, **options: Any) -> None:
        """Print the strength table (or set a cadence)."""
        owner = self.owner(options)
        person = find(owner, options["name"]) if options["name"] else None
        if options["set_cadence"]:
            self._set_cadence(owner, person, options)
        as_of, _ = relationships.resolve_as_of(parse_as_of(options["as_of"]))
        rows = ties.strength_rows(owner=owner, as_of=as_of, person=person)
        if options["circle"]:
            rows = [r for r in rows if r["circle"] == options["circle"]]
        if options["dormant"]:
            rows = sorted((r for r in rows if r["dormant"]), key=lambda r: -r["revival"])
        if options["limit"] > 0:
            rows = rows[: options["limit"]]
        if options["json"]:
            # Compact JSON by orjson: the standard encoder takes ~1 s for 100k rows.
            payload = {"as_of": as_of.isoformat(), "people": rows}
            self.stdout.write(orjson.dumps(payload).decode())
            return
        self._render(rows)

    def _set_cadence(self, owner: Any, person: Any, options: dict[str, Any]) -> None:
        raw = options["set_cadence"]
        tag = None
        if options["tag"]:
            tag = Tag.objects.filter(owner=owner, name=options["tag"]).first()
            if tag is None:
                raise CliError(f"no tag named {options['tag']!r}")
        if (person is None) == (tag is None):
            raise CliError("--set-cadence needs NAME or --tag (one of them)")
        if raw.strip().lower() == "default":
            relationships.clear_cadence(owner=owner, person=person, tag=tag)
            return
        try:
            days = strength.parse_cadence(raw)
        except ValueError as exc:
            raise CliError(f"--set-cadence: {exc}") from None
        relationships.set_cadence(owner=owner, days=days, person=person, tag=tag)

    def _render(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            self.console.print("Nobody to show.")
            return
        table = Table(show_edge=False, pad_edge=False)
        for title, justify in (
            ("#", "right"),
            ("Name", "left"),
            ("Strength", "right"),
            ("Circle", "left"),
            ("Last", "left"),
            ("Days", "right"),
            ("90d", "right"),
            ("Recip.", "right"),
            ("Dormant", "left"),
        ):
            table.add_column(title, justify=justify)  # type: ignore[arg-type]
        for r in rows:
            table.add_row(
                str(r["id"]),
                r["name"],
                display.points(r["score"]),
                f"{r['circle']} {r['circle_name']}",
                (r["last_interaction"] or "")[:10],
                "" if r["days_since"] is None else str(r["days_since"]),
                str(r["count_90d"]),
                display.points(r["reciprocity"]),
                f"yes (worth {display.points(r['revival'])})" if r["dormant"] else "",
            )
        self.console.print(table)
        # Text output rounds (JSON keeps full precision): say what the numbers are.
        self.console.print(
            "Strength and Recip. (reciprocity) are out of 100. " + display.EXPLAIN["circle"],
            style="dim",
        )
