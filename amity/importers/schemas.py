"""Declare the JSON shapes of an import's result, shared by `amity import --json` and the API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ImportCounts(Schema):
    """Rows an import created, changed and found as they were."""

    created: int
    updated: int
    unchanged: int


class ImportTotals(ImportCounts):
    """People and interactions together, plus the records skipped."""

    skipped: int


class FieldChangePublic(Schema):
    """One field of one person, before and after the import."""

    field: str = Field(description="full_name, company, title, location, email, tags, …")
    old: str = Field(description="the value before (empty for an added email, tag, …)")
    new: str


class PersonChangePublic(Schema):
    """What the import did to one person."""

    person_id: int | None = Field(description="null once the person was deleted")
    name: str
    action: str = Field(description="created, updated, or interactions (new ones only)")
    fields: list[FieldChangePublic]
    new_interactions: int


class ImportSummaryPublic(Schema):
    """An import's result: counts, where skipped records were, and every person it touched."""

    format: str
    file: str
    dry_run: bool
    people: ImportCounts
    interactions: ImportCounts
    skipped: dict[str, int] = Field(description="records left out, by reason")
    skipped_at: dict[str, list[str]] = Field(
        description="the first places (FILE:LINE) of each skip reason"
    )
    totals: ImportTotals
    seconds: float
    run_id: int | None = Field(description="the import history entry (null for a dry run)")
    changes: list[PersonChangePublic]


class ImportRunPublic(Schema):
    """One entry of the import history."""

    id: int
    format: str
    file: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    totals: ImportTotals


class ImportJobPublic(Schema):
    """A file queued for, being imported by, or imported by the background worker."""

    id: int
    status: str = Field(description="queued, running, done or failed")
    phase: str
    percent: int = Field(description="0-100; 100 once done or failed")
    done: int
    total: int | None
    error: str = Field(description="FILE:LINE: reason when the import failed; nothing was written")
    run_id: int | None = Field(description="the history entry once a real import is done")
