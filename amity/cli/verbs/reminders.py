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

    help = inspect.cleandoc(
        """Without options, show your reminder settings. The digest and push go out at
    AMITY_DIGEST_HOUR in your own time zone. The calendar feed: `amity calendar`.
    amity reminders --time-zone Pacific/Auckland
    amity reminders --email off --push on
    amity reminders --notify-urls ntfy://ntfy.sh/my-topic
    amity reminders --revoke-links      links in digests already sent stop working

    --json: {"time_zone", "email_digest", "push", "last_digest_on", "last_push_on"}
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the preferences."""
        parser.add_argument(
            "--time-zone", default=None, help="e.g. Europe/Paris ('' for the default)"
        )
        parser.add_argument("--email", default=None, help="the mail digest: on or off")
        parser.add_argument("--push", default=None, help="the daily push: on or off")
        parser.add_argument(
            "--notify-urls", default=None, help="your own Apprise URLs, comma-separated"
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
            )
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        if options["revoke_links"]:
            preferences.revoke_links(owner=owner)
        data = preferences.describe(profile)

        def render() -> None:
            on = {True: "on", False: "off"}
            self.stdout.write(
                f"time zone: {data['time_zone']}\nmail digest: {on[bool(data['email_digest'])]}"
                f"\npush: {on[bool(data['push'])]}"
            )

        self.emit(options, data, render)
