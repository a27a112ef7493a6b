"""Give every `amity` verb the same options, output helpers and errors.

A verb is a subclass of `Verb` in its own module under `amity/cli/verbs/`: it declares
its arguments with argparse and does its work in `handle`, calling services. The
front (`amity.cli.main`) finds verbs by module, so adding one is adding a file.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Callable
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, ClassVar, NoReturn

if TYPE_CHECKING:
    from rich.console import Console


class CliError(Exception):
    """A failure to report as `amity: error: MESSAGE` with exit status 1."""

    exit_status = 1


class UsageError(CliError):
    """A wrong invocation (unknown verb, bad option): exit status 2, like argparse."""

    exit_status = 2


class Output:
    """Write lines to a stream, adding the newline a caller left out."""

    def __init__(self, stream: IO[str]) -> None:
        """Write to `stream`."""
        self.stream = stream

    def write(self, text: str = "", ending: str = "\n") -> None:
        """Write `text`, ending it with a newline unless it has one."""
        if ending and not text.endswith(ending):
            text += ending
        self.stream.write(text)

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Say whether the stream is a terminal."""
        return bool(getattr(self.stream, "isatty", lambda: False)())


class ArgumentParser(argparse.ArgumentParser):
    """Report usage mistakes as `amity: error: …` (exit status 2) and keep help layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Lay help out as written: a verb's help shows its --json shape line by line."""
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Raise a usage error instead of printing and exiting (the front does that)."""
        raise UsageError(f"{message}\n{self.format_usage().rstrip()}")


class Verb:
    """One `amity VERB`: its arguments, its work, and how it prints results."""

    name: ClassVar[str] = ""
    help: ClassVar[str] = ""
    # Verbs that never print results (serve, worker) switch this off.
    supports_json: ClassVar[bool] = True
    # The API's schema (its OpenAPI component name) that --json output follows.
    schema_name: ClassVar[str] = ""
    # Verbs that act as a user (nearly all) get --user.
    acts_as_user: ClassVar[bool] = True
    # Verbs that read or write the database migrate a new one first.
    uses_database: ClassVar[bool] = True

    def __init__(
        self,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        stdin: IO[str] | None = None,
    ) -> None:
        """Write to `stdout`/`stderr` (default the process's), read `stdin`."""
        self.stdout = Output(stdout or sys.stdout)
        self.stderr = Output(stderr or sys.stderr)
        self.stdin = stdin or sys.stdin

    @cached_property
    def console(self) -> Console:
        """Return a rich console on stdout, made on first use: --json output needs none."""
        from rich.console import Console

        return Console(file=self.stdout.stream, highlight=False, soft_wrap=True)

    def summary(self) -> str:
        """Return the one line that says what the verb does: its module's docstring's first."""
        doc = sys.modules[type(self).__module__].__doc__ or self.help
        return inspect.cleandoc(doc).splitlines()[0] if doc else ""

    def create_parser(self) -> ArgumentParser:
        """Build `amity NAME`'s parser: the verb's own arguments plus --user and --json."""
        parser = ArgumentParser(
            prog=f"amity {self.name}", description=inspect.cleandoc(self.help) or None
        )
        self.declare(parser)
        return parser

    def declare(self, parser: argparse.ArgumentParser) -> None:
        """Add the verb's own arguments and the shared --user and --json to `parser`."""
        self.add_arguments(parser)
        if self.acts_as_user:
            parser.add_argument(
                "--user", default=None, help="act as this local user (default: the first user)"
            )
        if self.supports_json:
            parser.add_argument(
                "--json", action="store_true", help="print the result as JSON (stable shape)"
            )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the verb's own arguments (none by default)."""

    def handle(self, **options: Any) -> None:
        """Do the verb's work."""
        raise NotImplementedError

    def run(self, argv: list[str]) -> None:
        """Parse `argv` and run the verb, migrating a new database first."""
        options = vars(self.create_parser().parse_args(argv))
        if self.uses_database:
            from amity.core.bootstrap import ensure_migrated

            ensure_migrated()
        self.handle(**options)

    def owner(self, options: dict[str, Any]) -> Any:
        """Return the user this invocation acts as, or stop with a clear error.

        In a fresh home (no user yet, no --user) it creates the first user, as
        `amity serve` does, and says so on stderr (stdout stays the verb's own).
        """
        from amity.accounts.services import resolve_user

        if not options.get("user"):
            self.ensure_first_user()
        try:
            return resolve_user(options.get("user"))
        except LookupError as exc:
            raise CliError(str(exc)) from exc

    def ensure_first_user(self) -> None:
        """Create the first user when there is none; print its name and password once."""
        from amity.core.bootstrap import ensure_first_user

        user, password = ensure_first_user(interactive=False)
        if password is not None:
            name = user.get_username()
            self.stderr.write(
                f"Created the first Amity user: {name} (password: {password}, shown once).\n"
                f"Change it with `amity user password {name}` or on the web at /account/."
            )

    def emit(self, options: dict[str, Any], data: Any, render: Callable[[], None]) -> None:
        """Print `data` as JSON with --json, otherwise call `render` for humans."""
        if options.get("json"):
            self.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False))
        else:
            render()
