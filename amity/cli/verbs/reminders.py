"""Set your time zone and which reminders reach you: `amity reminders [--email off]`."""

from __future__ import annotations

import inspect
from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.config import parse_bool
from amity.reminders import preferences


def _switch(raw: str) -> bool:
    try:
        return parse_bool(raw)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


class RemindersVerb(Verb):
    """Show or change reminder preferences."""

    schema_name = "ReminderSettingsPublic"

    help = inspect.cleandoc(
        """Without options, show your reminder settings (also on the Reminders page).
    The digest and push go out at your hour in your own time zone; the digest on your
    days only. The calendar feed's address: `amity calendar`.
    amity reminders --time-zone Pacific/Auckland --hour 8 --days mon,thu
    amity reminders --email off --push on
    amity reminders --notify-urls ntfy://ntfy.sh/my-topic
    amity reminders --calendar-kinds birthdays,thanks   (or none, or default)
    amity reminders --revoke-links      links in digests already sent stop working
    --hour, --days and --calendar-kinds take "default" for the server's AMITY_* value.

    --json: the API's ReminderSettingsPublic (GET/PATCH /api/v1/reminders):
    {"time_zone", "digest_hour", "digest_days", "email_digest", "push",
    "calendar_kinds", "last_digest_on", "last_push_on"}
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the preferences."""
        parser.add_argument(
            "--time-zone", default=None, help="e.g. Europe/Paris ('' for the default)"
        )
        parser.add_argument(
            "--hour", default=None, help="hour of your day, 0-23 (AMITY_DIGEST_HOUR)"
        )
        parser.add_argument(
            "--days", default=None, help="daily, or weekdays such as mon,thu (AMITY_DIGEST_DAYS)"
        )
        parser.add_argument("--email", default=None, help="the mail digest: on or off")
        parser.add_argument("--push", default=None, help="the daily push: on or off")
        parser.add_argument(
            "--notify-urls", default=None, help="your own Apprise URLs, comma-separated"
        )
        parser.add_argument(
            "--calendar-kinds",
            default=None,
            help="what the calendar feed holds: birthdays, anniversaries, today, "
            "introductions, thanks (comma-separated), none or default",
        )
        parser.add_argument(
            "--revoke-links",
            action="store_true",
            help="make the done/snooze links of digests already sent stop working",
        )

    def handle(self, **options: Any) -> None:
        """Apply the changes asked for and print the preferences."""
        owner = self.owner(options)
        try:
            profile = preferences.update_profile(
                owner=owner,
                time_zone=options["time_zone"],
                email_digest=None if options["email"] is None else _switch(options["email"]),
                push=None if options["push"] is None else _switch(options["push"]),
                notify_urls=options["notify_urls"],
                hour=options["hour"],
                days=options["days"],
                kinds=options["calendar_kinds"],
            )
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        if options["revoke_links"]:
            preferences.revoke_links(owner=owner)
        data = preferences.describe(profile)

        def render() -> None:
            on = {True: "on", False: "off"}
            days = data["digest_days"]
            when = "every day" if len(days) == len(preferences.WEEKDAYS) else ", ".join(days)
            self.stdout.write(
                f"time zone: {data['time_zone']}\n"
                f"digest at: {data['digest_hour']}:00, {when}\n"
                f"mail digest: {on[bool(data['email_digest'])]}\n"
                f"push: {on[bool(data['push'])]} (daily)\n"
                f"calendar feed holds: {', '.join(data['calendar_kinds']) or 'nothing'}"
            )

        self.emit(options, data, render)
