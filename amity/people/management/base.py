"""Give every Amity CLI verb the same --user and --json options and output helpers."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from rich.console import Console

from amity.accounts.services import resolve_user
from amity.core.bootstrap import ensure_migrated


class AmityCommand(BaseCommand):
    """A management command that acts as one local user and can answer in JSON."""

    # Verbs that never print results (serve) switch this off.
    supports_json = True
    requires_migrations_checks = False
    # Django's system checks import every URL, view and API module to validate them,
    # about 0.3 s on every verb; `amity serve`, which loads all of those, runs them.
    requires_system_checks: list[str] | str = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> ArgumentParser:
        """Add --user and, where results are printed, --json to every verb."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--user", default=None, help="act as this local user (default: the first user)"
        )
        if self.supports_json:
            parser.add_argument(
                "--json", action="store_true", help="print the result as JSON (stable shape)"
            )
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        """Migrate a new database first, so every verb works on a fresh AMITY_HOME."""
        ensure_migrated()
        if options.get("stdout"):
            # call_command(stdout=...) swaps the stream only inside super().execute;
            # bind it now so the console writes where the caller asked.
            self.stdout = OutputWrapper(options["stdout"])
        self.console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        return super().execute(*args, **options)

    def owner(self, options: dict[str, Any]) -> AbstractBaseUser:
        """Return the user this invocation acts as, or stop with a clear error."""
        try:
            return resolve_user(options.get("user"))
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

    def emit(self, options: dict[str, Any], data: Any, render: Callable[[], None]) -> None:
        """Print `data` as JSON with --json, otherwise call `render` for humans."""
        if options.get("json"):
            self.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False))
        else:
            render()
