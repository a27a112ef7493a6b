"""Check the installation: `amity check [--deploy]` runs Django's system checks."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from amity.cli.base import CliError, Verb


class CheckVerb(Verb):
    """Report configuration problems before they bite."""

    help = """Check the installation (settings, URLs, models) for problems.

    --deploy adds the checks for a production server (HTTPS, cookies, secret key).
    Exits with status 1 when an error is found; warnings are printed only.

    --json: [{"id": "security.W004", "level": "warning"|"error", "message": str,
              "hint": str|null}]
    """
    acts_as_user = False
    uses_database = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --deploy."""
        parser.add_argument(
            "--deploy", action="store_true", help="also run the production deployment checks"
        )

    def handle(self, **options: Any) -> None:
        """Run the checks and print what they found."""
        from django.core import checks

        found = checks.run_checks(include_deployment_checks=options["deploy"])
        rows = [
            {
                "id": message.id,
                "level": "error" if message.is_serious() else "warning",
                "message": message.msg,
                "hint": message.hint,
            }
            for message in found
            if message.level >= checks.WARNING and not message.is_silenced()
        ]

        def render() -> None:
            for row in rows:
                hint = f"\n    hint: {row['hint']}" if row["hint"] else ""
                self.stdout.write(f"{row['level']} {row['id']}: {row['message']}{hint}")
            self.stdout.write(f"{len(rows)} problem(s) found." if rows else "No problems found.")

        self.emit(options, rows, render)
        if any(row["level"] == "error" for row in rows):
            raise CliError("the checks found errors")
