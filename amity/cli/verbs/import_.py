"""Import people and interactions from another tool: `amity import FORMAT PATH`.

Formats: linkedin (export ZIP, folder or CSV), google (Contacts CSV), vcard (.vcf),
mbox (--me ADDRESS), ics (--me ADDRESS), interactions (CSV). Importing the same file
again changes nothing; a newer export updates the same people. A malformed file
stops with FILE:LINE: reason and writes nothing.

Prints who was created and, for each changed person, every field old → new (the
first PEOPLE_SHOWN of each; --json and the web's result page list everyone).

--json prints the API's ImportSummaryPublic (GET /api/v1/imports/RUN_ID):
  {"format": str, "file": str, "dry_run": bool,
   "people": {"created": int, "updated": int, "unchanged": int},
   "interactions": {"created": int, "updated": int, "unchanged": int},
   "skipped": {reason: int}, "skipped_at": {reason: ["FILE:LINE", ...]},
   "totals": {"created", "updated", "unchanged", "skipped"},
   "seconds": float, "run_id": int | null,
   "changes": [{"person_id": int, "name": str, "action": "created|updated|interactions",
                "fields": [{"field": str, "old": str, "new": str}], "new_interactions": int}]}
and on failure (exit status 1):
  {"error": "FILE:LINE: reason", "file": str, "line": int | null, "reason": str}
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from rich.markup import escape

from amity.cli.base import CliError, Verb
from amity.cli.progress_bar import progress_bar
from amity.importers.errors import ImportFailed
from amity.importers.registry import FORMATS
from amity.importers.services import ImportSummary, open_path, run_import

# People listed per kind of change before "… and N more".
PEOPLE_SHOWN = 50
_VERBS = {"created": "created", "updated": "changed", "interactions": "met again"}


class ImportVerb(Verb):
    """Import a file: amity import FORMAT PATH."""

    help = __doc__
    schema_name = "ImportSummaryPublic"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare FORMAT, PATH, --me and --dry-run."""
        choices = ", ".join(f"{f.name} ({f.help})" for f in FORMATS.values())
        parser.add_argument("format", choices=list(FORMATS), help=f"one of: {choices}")
        parser.add_argument("path", type=Path, help="the file (or unzipped LinkedIn folder)")
        parser.add_argument(
            "--me",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="your email address (mbox, ics) or LinkedIn profile URL; repeatable",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )

    def handle(self, **options: Any) -> None:
        """Run the import and print its summary."""
        owner = self.owner(options)
        show_bar = not options["json"] and sys.stderr.isatty()
        try:
            source = open_path(options["path"])
            with progress_bar(show_bar) as progress:
                summary = self._run(owner, options, source, progress)
        except ImportFailed as exc:
            if options["json"]:
                error = {"error": str(exc), "file": exc.file, "line": exc.line}
                self.stdout.write(json.dumps({**error, "reason": exc.reason}, ensure_ascii=False))
            raise CliError(str(exc)) from None
        self.emit(options, summary.as_dict(), lambda: self._render(summary))

    def _run(
        self, owner: Any, options: dict[str, Any], source: Any, progress: Any
    ) -> ImportSummary:
        return run_import(
            owner=owner,
            format=options["format"],
            source=source,
            me=options["me"],
            progress=progress,
            dry_run=options["dry_run"],
        )

    def _render(self, summary: ImportSummary) -> None:
        data = summary.as_dict()
        verb = "Would import" if summary.dry_run else "Imported"
        self.console.print(f"{verb} {data['file']} ({data['format']}) in {data['seconds']:.1f} s")
        for what in ("people", "interactions"):
            counts = data[what]
            if any(counts.values()):
                self.console.print(
                    f"  {what}: {counts['created']} created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged"
                )
        skipped = data["skipped"]
        self.console.print(f"  skipped: {sum(skipped.values())}")
        for reason, count in skipped.items():
            places = data["skipped_at"].get(reason, [])
            where = f" (at {', '.join(places[:3])}{', …' if count > 3 else ''})" if places else ""
            self.console.print(f"    {count} × {escape(reason)}{escape(where)}")
        self._render_people(summary)

    def _render_people(self, summary: ImportSummary) -> None:
        """Print each created, changed or met-again person (the first PEOPLE_SHOWN of each)."""
        for action, verb in _VERBS.items():
            changes = [c for c in summary.changes if c.action == action]
            for change in changes[:PEOPLE_SHOWN]:
                more = (
                    f" (+{change.new_interactions} interactions)" if change.new_interactions else ""
                )
                self.console.print(f"  {verb} {escape(change.name)}{more}")
                for item in change.fields:
                    old = f"{item.old} → " if item.old else ""
                    self.console.print(f"    {escape(item.label)}: {escape(old + item.new)}")
            if len(changes) > PEOPLE_SHOWN:
                rest = len(changes) - PEOPLE_SHOWN
                self.console.print(f"  … and {rest} more {verb} (--json lists everyone)")
