"""Show today's short list of people to contact: `amity today [--limit 5]`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.person_options import add_as_of, parse_as_of
from amity.people import validation
from amity.people.validation import ValidationError
from amity.relationships import today, today_cache


class TodayVerb(Verb):
    """List who to reach out to today, why, and a 60-second action for each."""

    help = """List a few people to contact today, each with a reason (overdue for their
    circle, dormant but valuable, an anniversary, a birthday, a new job, an
    introduction awaiting follow-up, help never thanked) and a 60-second action. The
    list is kept for the day; nobody appears two days running unless a snooze is due.
    Act on it with `amity done NAME` or `amity snooze NAME 30d`. While nothing has
    changed since the last run that day, the stored answer is printed straight away.

    --json: the API's TodayPublic shape (GET /api/v1/today; see /api/v1/docs):
    {"day", "cached", "items": [{"rank", "id", "name", "circle", "circle_name",
    "score", "priority", "reason", "reasons": [{"code", "text"}], "action",
    "action_subtype", "done", "reading"}], "network": {"reading", "introductions",
    "referrals"}}
    """
    schema_name = "TodayPublic"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --limit and --as-of."""
        parser.add_argument("--limit", type=int, default=5, help="how many people (5)")
        add_as_of(parser)

    def handle(self, **options: Any) -> None:
        """Print today's list."""
        if options["limit"] < 1:
            raise CliError("--limit must be at least 1")
        owner = self.owner(options)
        try:
            # A day to come has no list yet: scoring it would store picks for it.
            day = validation.past_day(parse_as_of(options["as_of"]), field="as_of")
            data = today.today_list(owner=owner, day=day, limit=options["limit"])
        except ValidationError as exc:
            raise CliError(f"--as-of: {exc.message}") from exc
        self.emit(options, data, lambda: today_cache.render_text(data, self.console))
