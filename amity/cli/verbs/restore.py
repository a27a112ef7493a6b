"""Restore a JSON export into an empty account: `amity restore FILE.json`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.progress_bar import progress_bar
from amity.portability.exporting import RestoreError, restore_json


class RestoreVerb(Verb):
    """Restore an export."""

    help = """Restore a file written by `amity export --format json` into an empty account
    (--user, default the first user). Keeps uids, timestamps and summaries. Checks the
    whole file in one transaction: on any error nothing is written. At a terminal a
    progress bar shows the file being read, then the tie summaries being rebuilt.

    --json: {"user": "ada", "file": "FILE", "counts": {"tags": N, "people": N,
    "interactions": N, "notes": N, ...}}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the file to read."""
        parser.add_argument("file", metavar="FILE.json", help="the export to restore (- for stdin)")

    def handle(self, **options: Any) -> None:
        """Restore the file and report what was written."""
        owner = self.owner(options)
        name = options["file"]
        show_bar = not options["json"] and sys.stderr.isatty()
        try:
            with progress_bar(show_bar, counts=False) as progress:
                if name == "-":
                    counts = restore_json(owner=owner, fp=self.stdin, progress=progress)
                else:
                    path = Path(name).expanduser()
                    with path.open(encoding="utf-8") as fp:
                        counts = restore_json(
                            owner=owner, fp=fp, progress=progress, size=path.stat().st_size
                        )
        except OSError as exc:
            raise CliError(f"cannot read {name!r}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CliError(f"{name}: not UTF-8 text ({exc.reason})") from exc
        except RestoreError as exc:
            raise CliError(f"{name}: {exc}; nothing was restored") from exc
        data = {"user": owner.get_username(), "file": name, "counts": counts}
        summary = ", ".join(f"{n} {section}" for section, n in counts.items())
        self.emit(
            options,
            data,
            lambda: self.console.print(f"Restored {summary} for {owner.get_username()}"),
        )
