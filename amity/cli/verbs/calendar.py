"""Show or replace your private calendar feed address: `amity calendar url|reset|off`."""

from __future__ import annotations

import inspect
from typing import Any

from amity.cli.base import ArgumentParser, Verb
from amity.reminders import calendar


class CalendarVerb(Verb):
    """Print, replace or stop the private iCalendar feed."""

    schema_name = "CalendarFeedPublic"

    help = inspect.cleandoc(
        """Subscribe your calendar app to Amity: birthdays and work anniversaries of
    people in your closer circles, today's suggested touches (with the 60-second
    action), introduction follow-ups and overdue thank-yous (AMITY_CALENDAR_KINDS).
    amity calendar url      the address to subscribe to (made on first use)
    amity calendar reset    a new address; the old one answers 404 from now on,
                            and the links in digests already sent stop working
    amity calendar off      no address at all until the next `url`

    --json: the API's CalendarFeedPublic {"url"} (url, reset; GET /api/v1/calendar,
    POST /api/v1/calendar/reset) or {"stopped"} (off)
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action."""
        parser.add_argument("action", choices=["url", "reset", "off"])

    def handle(self, **options: Any) -> None:
        """Run the action for the acting user."""
        owner = self.owner(options)
        if options["action"] == "off":
            stopped = calendar.stop_feed(owner=owner)
            self.emit(
                options,
                {"stopped": stopped},
                lambda: self.console.print("Calendar feed off." if stopped else "No feed was on."),
            )
            return
        if options["action"] == "reset":
            token = calendar.reset_feed(owner=owner)
        else:
            token = calendar.feed_token(owner=owner)
        url = calendar.feed_url(token)
        self.emit(options, {"url": url}, lambda: self.stdout.write(url))
