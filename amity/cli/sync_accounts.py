"""Share password input and sync printing between `amity mail` and `amity contacts`."""

from __future__ import annotations

import getpass
from typing import IO, Any

from amity.cli.base import CliError, Verb
from amity.sync.schemas import SyncOutcomePublic, dump
from amity.sync.services import SyncOutcome, summary


def read_password(options: dict[str, Any], stdin: IO[str]) -> str:
    """Return the password from stdin (--password-stdin) or a hidden prompt."""
    if options.get("password_stdin"):
        password = stdin.readline().rstrip("\r\n")
    elif stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        raise CliError("pass the password on stdin with --password-stdin")
    if not password:
        raise CliError("the password is empty")
    return password


def print_outcomes(command: Verb, options: dict[str, Any], outcomes: list[SyncOutcome]) -> None:
    """Print each account's sync (or JSON); fail the command if any account failed."""

    def render() -> None:
        if not outcomes:
            command.console.print("No accounts yet.")
        for outcome in outcomes:
            if outcome.ok:
                command.console.print(f"{outcome.account}: {summary(outcome.counts)}")
            else:
                command.console.print(f"[red]{outcome.account}: {outcome.error}[/]")

    command.emit(options, dump(SyncOutcomePublic, outcomes), render)
    failed = [o.account for o in outcomes if not o.ok]
    if failed:
        raise CliError(f"sync failed for {', '.join(failed)}")
