"""Say, person by person, what an import did: who it created and which fields it changed.

The matching step notes every field it changes on a stored person (old → new, on
`PersonRow.diffs`); here those notes become `PersonChange`s for the summary the CLI
and API print, and `ImportChange` rows kept with the run, so a re-import that
changed someone's title says what the title was, on the result page and the
person's page, long after.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from amity.core.bulk_writing import CHUNK, Same, columns_of
from amity.importers.models import ImportChange, ImportRun
from amity.importers.person_matching import PersonRow
from amity.importers.staging import Stage

# Fields as a person reads them (the model's names otherwise).
LABELS = {
    "full_name": "name",
    "linkedin_url": "LinkedIn profile",
    "connected_on": "connected on",
    "email": "email added",
    "phone": "phone added",
    "url": "web address added",
    "tags": "tags added",
}
INTERACTIONS = "interactions"


@dataclass
class FieldChange:
    """One field of one person, before and after."""

    field: str
    old: str
    new: str

    @property
    def label(self) -> str:
        """Return the field's name as a person reads it."""
        return LABELS.get(self.field, self.field.replace("_", " "))


@dataclass
class PersonChange:
    """What an import did to one person."""

    person_id: int | None
    name: str
    # created, updated, or interactions (only new interactions with a known person)
    action: str
    fields: list[FieldChange] = field(default_factory=list)
    new_interactions: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PersonChange:
        """Return the change `as_dict` described."""
        fields = [FieldChange(f["field"], f["old"], f["new"]) for f in data.get("fields", [])]
        return cls(
            data.get("person_id"),
            data["name"],
            data["action"],
            fields,
            int(data.get("new_interactions", 0)),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the change as JSON-ready data (the API's PersonChangePublic)."""
        return {
            "person_id": self.person_id,
            "name": self.name,
            "action": self.action,
            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in self.fields],
            "new_interactions": self.new_interactions,
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def person_changes(rows: Iterable[PersonRow], new_interactions: Counter[int]) -> list[PersonChange]:
    """Return one PersonChange per person the import created, changed or met again."""
    changes = []
    for row in rows:
        count = new_interactions.get(row.pk, 0) if row.pk is not None else 0
        if row.status == "created":
            action = "created"
        elif row.status == "updated":
            action = "updated"
        elif count:
            action = INTERACTIONS
        else:
            continue
        fields = [
            FieldChange(name, _text(old), _text(new))
            for name, (old, new) in sorted((row.diffs or {}).items())
        ]
        changes.append(PersonChange(row.pk, row.full_name, action, fields, count))
    changes.sort(key=lambda c: (c.action, c.name.casefold()))
    return changes


def record_changes(
    *, stage: Stage, owner_id: int, run_id: int, changes: list[PersonChange]
) -> None:
    """Stage `changes` as ImportChange rows of the run (published with the import's rows)."""
    rows = list(_change_rows(changes))
    if not rows:
        return

    def chunks() -> Iterator[tuple[int, dict[str, Any]]]:
        # Columns straight from tuples: no dict per row (100,000 for a first import).
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            columns: dict[str, Any] = columns_of(_CHANGE_COLUMNS, part)
            yield len(part), {**columns, "owner_id": Same(owner_id), "run_id": Same(run_id)}

    stage.inserter(ImportChange).insert_column_chunks(chunks())


# The columns of _change_rows' tuples.
_CHANGE_COLUMNS = ("person_id", "person_name", "action", "field", "old", "new")


def _change_rows(changes: list[PersonChange]) -> Iterator[tuple[Any, ...]]:
    for change in changes:
        person, name = change.person_id, change.name[:200]
        if change.action != INTERACTIONS and not change.fields:
            # Created, or matched and linked (a key, a contact) without a visible field.
            yield person, name, change.action, "", "", ""
        for item in change.fields:
            yield person, name, change.action, item.field[:40], item.old, item.new
        if change.new_interactions:
            yield person, name, change.action, INTERACTIONS, "", str(change.new_interactions)


def stored_changes(rows: Iterable[ImportChange]) -> list[PersonChange]:
    """Group stored ImportChange rows (ordered by person) back into PersonChanges."""
    grouped: dict[tuple[int | None, str], PersonChange] = {}
    for row in rows:
        key = (row.person_id, row.person_name)
        change = grouped.setdefault(key, PersonChange(row.person_id, row.person_name, row.action))
        if row.field == INTERACTIONS:
            change.new_interactions = int(row.new or 0)
        elif row.field:
            change.fields.append(FieldChange(row.field, row.old, row.new))
    return list(grouped.values())


def stored_summary(run: ImportRun) -> dict[str, Any]:
    """Return a finished run as `amity import --json` printed it (ImportSummaryPublic)."""
    counts = dict(run.counts)
    rows = ImportChange.objects.filter(owner_id=run.owner_id, run=run).order_by(
        "action", "person_name", "person_id", "id"
    )
    empty = {"created": 0, "updated": 0, "unchanged": 0}
    return {
        "format": counts.get("format", run.format),
        "file": counts.get("file", run.file_name),
        "dry_run": False,
        "people": counts.get("people", empty),
        "interactions": counts.get("interactions", empty),
        "skipped": counts.get("skipped", {}),
        "skipped_at": counts.get("skipped_at", {}),
        "totals": counts.get("totals", {**empty, "skipped": 0}),
        "seconds": counts.get("seconds", 0.0),
        "run_id": run.pk,
        "changes": [change.as_dict() for change in stored_changes(rows.iterator())],
    }


def imported_changes(person: Any, limit: int = 10) -> list[ImportChange]:
    """Return the fields imports changed on `person`, newest first, with their runs."""
    rows = ImportChange.objects.filter(
        owner_id=person.owner_id, person=person, action=ImportChange.Action.UPDATED
    )
    rows = rows.exclude(field__in=["", INTERACTIONS]).select_related("run")
    found = list(rows.order_by("-id")[:limit])
    for row in found:
        row.label = FieldChange(row.field, row.old, row.new).label  # type: ignore[attr-defined]
    return found
