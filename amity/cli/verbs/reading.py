"""Keep a reading list of things to share: `amity reading [list|add|archive|suggest]`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from amity.cli import text_input as cli
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.network import services
from amity.network.models import ReadingItem
from amity.network.serializers import person_ref, reading_json
from amity.people.models import Person
from amity.people.services import ValidationError


class ReadingVerb(Verb):
    """List, add, archive saved items, or see whom they would suit."""

    help = """Keep articles and notes to share later.
    amity reading                      list the reading list
    amity reading add TEXT|FILE|-      save an item (its first line is the title)
    amity reading archive ID           take an item off the list
    amity reading suggest NAME ...     the saved item each person would care most about

    --json: list/add/archive: [ReadingJSON] where ReadingJSON is {"id", "title", "url",
    "created_at", "archived", "shared_with": [person id]}; suggest: [{"person":
    {"id", "name", "title", "company", "field"}, "item": ReadingJSON}]
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action and its arguments."""
        parser.add_argument(
            "action", nargs="?", default="list", choices=["list", "add", "archive", "suggest"]
        )
        parser.add_argument(
            "rest", nargs="*", metavar="ARG", help="TEXT|FILE|-, an item id, or names"
        )
        parser.add_argument("--title", default="", help="title when adding")

    def handle(self, **options: Any) -> None:
        """Run the action."""
        owner = self.owner(options)
        action, rest = options["action"], options["rest"]
        if action == "suggest":
            self._suggest(owner, rest, options)
            return
        if action == "add":
            items = [self._add(owner, rest, options["title"])]
        elif action == "archive":
            items = [self._archive(owner, rest)]
        else:
            items = list(services.reading_list(owner=owner).prefetch_related("shared_with"))

        def render() -> None:
            table = Table(show_edge=False, pad_edge=False)
            for column in ("#", "Title", "URL", "Saved", "Shared with"):
                table.add_column(column)
            for item in items:
                table.add_row(
                    str(item.pk),
                    item.title,
                    item.url,
                    f"{item.created_at:%Y-%m-%d}",
                    str(item.shared_with.count()),
                )
            self.console.print(table if items else "The reading list is empty.")

        self.emit(options, [reading_json(i) for i in items], render)

    def _suggest(self, owner: Any, rest: list[str], options: dict[str, Any]) -> None:
        """Print which saved article suits each person (default: 20 most recent contacts)."""
        people = [cli.person(owner, ref) for ref in rest] or list(
            Person.objects.filter(owner=owner).order_by("-last_interaction_at", "id")[:20]
        )
        found = services.reading_suggestions(owner=owner, person_ids=[p.pk for p in people])
        rows = [
            {"person": person_ref(p), "item": reading_json(found[p.pk])}
            for p in people
            if p.pk in found
        ]

        def render() -> None:
            if not rows:
                self.console.print("Nothing on the reading list suits these people.")
            for row in rows:
                self.console.print(
                    f"{row['person']['name']}: #{row['item']['id']} {row['item']['title']}"
                )

        self.emit(options, rows, render)

    def _add(self, owner: Any, rest: list[str], title: str) -> ReadingItem:
        """Save TEXT|FILE|- to the reading list."""
        if len(rest) != 1:
            raise CliError("amity reading add TEXT|FILE|-")
        try:
            return services.save_reading(
                owner=owner, text=cli.read_text(rest[0], self.stdin), title=title
            )
        except ValidationError as exc:
            raise CliError(str(exc)) from exc

    def _archive(self, owner: Any, rest: list[str]) -> ReadingItem:
        """Archive reading item ID."""
        if len(rest) != 1 or not rest[0].lstrip("#").isdigit():
            raise CliError("amity reading archive ID")
        item = ReadingItem.objects.filter(owner=owner, pk=int(rest[0].lstrip("#"))).first()
        if item is None:
            raise CliError(f"no reading item #{rest[0].lstrip('#')}")
        services.archive_reading(item=item)
        return item
