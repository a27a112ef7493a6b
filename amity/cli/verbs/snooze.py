"""Keep someone off today's list for a while: `amity snooze NAME 30d`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.person_options import find
from amity.relationships import today


class SnoozeVerb(Verb):
    """Snooze a person until a later day."""

    schema_name = "SnoozePublic"

    help = """Keep NAME off today's list for DURATION (30d, 2w, 3m, 1y; default days) or
    until a date (YYYY-MM-DD). They come back, marked as a due snooze, on that day.

    Prints the undo id: `amity undo` lifts the snooze again (within 30 minutes).

    --json: the API's SnoozePublic shape {"id", "name", "until": "YYYY-MM-DD", "undo_id"}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare NAME and DURATION."""
        parser.add_argument("name", metavar="NAME", help="#id, email, LinkedIn URL or name")
        parser.add_argument("duration", metavar="DURATION", help="30d, 2w, 3m, 1y or a date")

    def handle(self, **options: Any) -> None:
        """Snooze and say until when."""
        owner = self.owner(options)
        person = find(owner, options["name"])
        try:
            until = today.parse_duration(options["duration"], today=timezone.localdate())
        except ValueError as exc:
            raise CliError(str(exc)) from None
        record = today.snooze(person=person, until=until)
        self.emit(
            options,
            {
                "id": person.pk,
                "name": person.full_name,
                "until": until.isoformat(),
                "undo_id": record.pk,
            },
            lambda: self.console.print(
                f"Snoozed {person.full_name} until {until:%d %b %Y}. Undo: amity undo {record.pk}"
            ),
        )
