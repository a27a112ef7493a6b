"""Mail today's digest now, or show what would be sent: `amity digest [--dry-run]`."""

from __future__ import annotations

import inspect
from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.person_options import add_as_of, parse_as_of
from amity.reminders import digest


class DigestVerb(Verb):
    """Send (or with --dry-run print) the reminder digest."""

    schema_name = "DigestPublic"

    help = inspect.cleandoc(
        """The digest is today's short list (the same people, reasons and 60-second
    actions as `amity today`) with links to log a touch done or snooze it, pending
    introductions, who to thank and, on AMITY_REVIEW_DAY, the weekly review. The
    worker mails it by itself at your hour, on your days, in your time zone
    (`amity reminders --hour --days --time-zone`); this verb sends it now to your
    account's address through AMITY_EMAIL_URL.

    The "done" and "snooze" links are signed for you alone, work without a login
    for 10 days, and stop working after `amity reminders --revoke-links`.

    --json: the API's DigestPublic (GET /api/v1/digest): {"day", "to", "subject",
    "items" (TodayPublic's items, each with "links": {"person", "done", "snooze"}),
    "network", "thanks": [{"id", "name", "helped_on", "link"}], "review"
    (ReviewPublic) | null, "base_url"} and, unless --dry-run, "sent": true
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --dry-run, --review and --as-of."""
        parser.add_argument("--dry-run", action="store_true", help="print it, send nothing")
        parser.add_argument(
            "--review", action="store_true", help="include the weekly review on any day"
        )
        add_as_of(parser)

    def handle(self, **options: Any) -> None:
        """Compose the digest, then print or send it."""
        owner = self.owner(options)
        content = digest.compose(
            owner=owner,
            day=parse_as_of(options["as_of"]),
            with_review=True if options["review"] else None,
        )
        if not options["dry_run"]:
            try:
                digest.send(content)
            except (digest.DigestError, OSError) as exc:
                raise CliError(f"the digest was not sent: {exc}") from exc
            content["sent"] = True
        text, _ = digest.render(content)
        note = "" if options["dry_run"] else f"Sent to {content['to']}:\n\n"
        self.emit(options, content, lambda: self.stdout.write(note + text))
