"""Keep someone off today's list for a while: `amity snooze NAME 30d`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from amity.people.management.base import AmityCommand
from amity.people.management.relationship_options import find
from amity.relationships import today


class Command(AmityCommand):
    """Snooze a person until a later day."""

    help = """Keep NAME off today's list for DURATION (30d, 2w, 3m, 1y; default days) or
    until a date (YYYY-MM-DD). They come back, marked as a due snooze, on that day.

    --json: {"id", "name", "until": "YYYY-MM-DD"}
    """

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare NAME and DURATION."""
        parser.add_argument("name", metavar="NAME", help="#id, email, LinkedIn URL or name")
        parser.add_argument("duration", metavar="DURATION", help="30d, 2w, 3m, 1y or a date")

    def handle(self, *args: Any, **options: Any) -> None:
        """Snooze and say until when."""
        owner = self.owner(options)
        person = find(owner, options["name"])
        try:
            until = today.parse_duration(options["duration"], today=timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        today.snooze(person=person, until=until)
        self.emit(
            options,
            {"id": person.pk, "name": person.full_name, "until": until.isoformat()},
            lambda: self.console.print(f"Snoozed {person.full_name} until {until:%d %b %Y}."),
        )
