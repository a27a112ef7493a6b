"""Undo a recent delete, snooze or "Done": `amity undo [ID] [--list]`."""

from __future__ import annotations

import inspect
from typing import Any

from django.utils import timezone
from rich.table import Table

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.core import undo
from amity.core.models import UndoRecord


def undo_public(record: UndoRecord) -> dict[str, Any]:
    """Return an undo record as --json prints it: the API's UndoPublic shape."""
    return {
        "id": record.pk,
        "kind": record.kind,
        "label": record.label,
        "created_at": record.created_at.isoformat(),
        "undone_at": record.undone_at.isoformat() if record.undone_at else None,
    }


class UndoVerb(Verb):
    """Put back what a recent delete, snooze or "Done" changed."""

    help = inspect.cleandoc(
        """Undo one of your actions of the last 30 minutes, exactly: a deleted interaction,
    note or person comes back with the same id; a snooze is lifted (an earlier one is
    restored); a "Done" is taken back (the logged interaction goes, the person is
    unticked on Today). The web, the API (POST /api/v1/undo/ID) and this verb share
    the same records.

    amity undo           undo the most recent action
    amity undo ID        undo that one (ids are printed by delete, snooze and done)
    amity undo --list    list what can still be undone

    --json: the API's UndoPublic shape {"id", "kind", "label", "created_at",
    "undone_at"} (a list of them with --list).
    """
    )
    schema_name = "UndoPublic"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the optional id and --list."""
        parser.add_argument("id", nargs="?", type=int, default=None, help="which action")
        parser.add_argument("--list", action="store_true", help="list what can be undone")

    def handle(self, **options: Any) -> None:
        """Undo, or list."""
        owner = self.owner(options)
        if options["list"]:
            records = undo.pending(owner=owner)
            self.emit(options, [undo_public(r) for r in records], lambda: self._table(records))
            return
        try:
            record = undo.undo(owner=owner, record_id=options["id"])
        except undo.NothingToUndo as exc:
            raise CliError(str(exc)) from exc
        label = record.label[:1].lower() + record.label[1:]
        self.emit(options, undo_public(record), lambda: self.console.print(f"Undone: {label}."))

    def _table(self, records: list[UndoRecord]) -> None:
        if not records:
            self.console.print("Nothing to undo in the last 30 minutes.")
            return
        table = Table("id", "when", "what", show_edge=False, pad_edge=False)
        for record in records:
            table.add_row(
                str(record.pk), f"{timezone.localtime(record.created_at):%H:%M}", record.label
            )
        self.console.print(table)
