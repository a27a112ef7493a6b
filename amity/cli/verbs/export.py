"""Export everything the user owns (json) or their people (vcard, csv): `amity export`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth.models import AbstractBaseUser

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.progress_bar import progress_bar
from amity.core.private_files import open_private
from amity.core.progress import NoProgress, Progress
from amity.portability.contact_formats import CSV_COLUMNS, export_csv, export_vcard
from amity.portability.exporting import export_json


def _json(owner: AbstractBaseUser, out: TextIO, progress: Progress) -> dict[str, int]:
    return export_json(owner=owner, out=out, progress=progress)


def _vcard(owner: AbstractBaseUser, out: TextIO, progress: Progress) -> dict[str, int]:
    return {"people": export_vcard(owner=owner, out=out)}


def _csv(owner: AbstractBaseUser, out: TextIO, progress: Progress) -> dict[str, int]:
    return {"people": export_csv(owner=owner, out=out)}


FORMATS: dict[str, Callable[[AbstractBaseUser, TextIO, Progress], dict[str, int]]] = {
    "json": _json,
    "vcard": _vcard,
    "csv": _csv,
}


class _Passthrough:
    """Let exporters write to the command's stdout without a newline per write."""

    def __init__(self, command: Verb) -> None:
        self._stdout = command.stdout

    def write(self, text: str) -> int:
        self._stdout.write(text, ending="")
        return len(text)


class ExportVerb(Verb):
    """Export the user's data."""

    help = f"""Export everything you own as JSON (lossless; `amity restore` reads it back),
    or your people as vCard 3.0 or CSV (one row per person; multi-values joined with
    " ::: "). Writes to stdout unless --output is given (then with a progress bar at
    a terminal, and through a .partial file renamed at the end).

    CSV header: {",".join(CSV_COLUMNS)}

    JSON document: {{"format": "amity-export", "version": 1, "exported_at", "user",
    "tags", "people", "interactions", "notes", ...}} (see amity/people/exporting.py).
    With --output, --json prints {{"format": "json", "output": "FILE",
    "counts": {{"people": N, ...}}}}.
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --format and --output."""
        parser.add_argument("--format", choices=list(FORMATS), default="json")
        parser.add_argument("--output", "-o", metavar="FILE", help="write here (default stdout)")

    def handle(self, **options: Any) -> None:
        """Write the export to stdout or to a file."""
        owner = self.owner(options)
        exporter = FORMATS[options["format"]]
        if not options["output"]:
            try:
                exporter(owner, _Passthrough(self), NoProgress())  # type: ignore[arg-type]
            except BrokenPipeError:
                # `amity export | head`: the reader left; stop quietly, as cat would.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            return
        path = Path(options["output"]).expanduser()
        if not path.parent.is_dir():
            raise CliError(f"--output: folder {str(path.parent)!r} does not exist")
        # Write beside the target and rename, so a failed export never leaves half a file.
        partial = path.with_name(path.name + ".partial")
        show_bar = not options["json"] and sys.stderr.isatty()
        try:
            with (
                progress_bar(show_bar) as progress,
                open_private(partial, newline="") as out,
            ):
                counts = exporter(owner, out, progress)
            os.replace(partial, path)
        except OSError as exc:
            raise CliError(f"--output: cannot write {str(path)!r}: {exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
        data = {"format": options["format"], "output": str(path), "counts": counts}
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.emit(options, data, lambda: self.console.print(f"Exported {summary} to {path}"))
