"""Add, list, change or delete notes on a person's timeline: `amity note edit ID TEXT`."""

from __future__ import annotations

import inspect
from typing import Any

from django.utils import timezone
from rich.table import Table

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.person_options import find
from amity.people import services, timeline
from amity.people.models import Note


def note_public(note: Note) -> dict[str, Any]:
    """Return a note as --json prints it: the API's NotePublic shape."""
    from amity.api.notes import NotePublic

    data: dict[str, Any] = NotePublic.from_orm(note).model_dump(mode="json")
    return data


class NoteVerb(Verb):
    """Keep dated Markdown notes about people; change or delete them (deletes can be undone)."""

    help = inspect.cleandoc(
        """Add, list, change or delete the dated notes on a person's timeline.

    amity note add NAME TEXT      (TEXT "-" reads it from stdin)
    amity note list NAME
    amity note edit ID TEXT       (the note keeps its date)
    amity note delete ID          (prints the undo id: `amity undo` brings it back)

    --json: add/edit print the API's NotePublic shape {"id", "uid", "person", "body",
    "body_html", "created_at"}; list prints a list of them; delete prints
    {"deleted": ID, "undo_id": N, "label": "Deleted the note …"}.
    """
    )
    schema_name = "NotePublic"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, whom or which note, and the text."""
        parser.add_argument("action", choices=["add", "list", "edit", "delete"])
        parser.add_argument("target", metavar="NAME|ID", help="add/list: a person; edit/delete: ID")
        parser.add_argument("text", nargs="?", default=None, help="add/edit: the note (- = stdin)")

    def handle(self, **options: Any) -> None:
        """Run the chosen action for the acting user."""
        owner = self.owner(options)
        action = options["action"]
        if action in {"add", "list"}:
            person = find(owner, options["target"])
            if action == "list":
                notes = list(person.timeline_notes.order_by("-created_at", "-id"))
                self.emit(options, [note_public(n) for n in notes], lambda: self._table(notes))
                return
            note = self._write(lambda body: timeline.add_note(person=person, body=body), options)
            self._say(options, note, f"Added a note to {person.full_name}")
            return
        raw = options["target"].lstrip("#")
        note = Note.objects.filter(owner=owner, pk=int(raw)).first() if raw.isdigit() else None
        if note is None:
            raise CliError(f"no note #{raw} of {owner} (see `amity note list NAME`)")
        if action == "edit":
            found = note
            note = self._write(lambda body: timeline.update_note(note=found, body=body), options)
            self._say(options, note, f"Saved the note about {note.person.full_name}")
            return
        pk = note.pk
        record = timeline.delete_note(note=note)
        self.emit(
            options,
            {"deleted": pk, "undo_id": record.pk, "label": record.label},
            lambda: self.console.print(f"{record.label}. Undo: amity undo {record.pk}"),
        )

    def _write(self, write: Any, options: dict[str, Any]) -> Note:
        text = options["text"]
        if text is None:
            raise CliError(f"give the note's text: amity note {options['action']} … TEXT")
        if text == "-":
            text = self.stdin.read()
        try:
            note: Note = write(text)
        except services.ValidationError as exc:
            raise CliError(str(exc)) from exc
        return note

    def _say(self, options: dict[str, Any], note: Note, text: str) -> None:
        self.emit(
            options, note_public(note), lambda: self.console.print(f"{text} (note #{note.pk}).")
        )

    def _table(self, notes: list[Note]) -> None:
        if not notes:
            self.console.print("No notes yet: `amity note add NAME TEXT`.")
            return
        table = Table("#", "date", "note", show_edge=False, pad_edge=False)
        for note in notes:
            day = timezone.localtime(note.created_at).date().isoformat()
            table.add_row(str(note.pk), day, note.body)
        self.console.print(table)
