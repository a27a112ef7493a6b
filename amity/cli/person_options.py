"""Share the --as-of option and person lookup of the relationship-engine verbs."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser

from amity.cli.base import ArgumentParser, CliError
from amity.people import services
from amity.people.models import Person

AS_OF_HELP = "score as of the end of this day (YYYY-MM-DD); default now"


def add_as_of(parser: ArgumentParser) -> None:
    """Add --as-of DATE to a verb."""
    parser.add_argument("--as-of", default="", metavar="DATE", help=AS_OF_HELP)


def parse_as_of(raw: str) -> dt.date | None:
    """Return the --as-of day, None for "now", or stop with a clear error."""
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise CliError(f"--as-of: {raw!r} is not a date (YYYY-MM-DD)") from None


def find(owner: AbstractBaseUser, ref: str) -> Person:
    """Return the owner's person named by `ref`, or stop listing the candidates."""
    try:
        return services.find_person(owner=owner, ref=ref)
    except LookupError as exc:
        raise CliError(str(exc)) from exc
