"""Run an import: parse the file, then write it (staged, published at once) and record the run.

Parsing touches no table, so a malformed file fails with `FILE:LINE: reason` and the
database is exactly as before; writing stages new rows out of sight and publishes
them in one short transaction (amity.importers.staging), so it is all-or-nothing too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError
from django.utils import timezone

from amity.core.bootstrap import refresh_planner_statistics
from amity.core.collector import collector_paused
from amity.core.progress import NoProgress, Progress
from amity.importers.applying import Counts, Outcome, apply_batch
from amity.importers.change_log import PersonChange, person_changes, record_changes
from amity.importers.errors import ImportFailed
from amity.importers.models import ImportRun
from amity.importers.records import ImportBatch, ParseOptions
from amity.importers.registry import ImportFormat, get_format
from amity.importers.source_files import SourceFile, SourceFolder
from amity.importers.staging import Stage

# Parsers turn every problem they know about into ImportFailed; these are what a
# third-party parser (vobject, icalendar, email) may still raise on hostile bytes.
_PARSER_SURPRISES = (ValueError, LookupError, TypeError, AttributeError, UnicodeError, OSError)


@dataclass
class ImportSummary:
    """What an import did: the shape `amity import --json` prints."""

    format: str
    file: str
    people: Counts = field(default_factory=Counts)
    interactions: Counts = field(default_factory=Counts)
    skipped: dict[str, int] = field(default_factory=dict)
    # Where the first few records of each skip reason are: "FILE:LINE".
    skipped_at: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False
    seconds: float = 0.0
    run_id: int | None = None
    changes: list[PersonChange] = field(default_factory=list)

    def as_dict(self, *, changes: bool = True) -> dict[str, Any]:
        """Return the summary as JSON-ready data (stable keys); `changes`: per person too."""
        people, interactions = self.people.as_dict(), self.interactions.as_dict()
        data = {
            "format": self.format,
            "file": self.file,
            "dry_run": self.dry_run,
            "people": people,
            "interactions": interactions,
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_at": {k: self.skipped_at[k] for k in sorted(self.skipped_at)},
            "totals": {
                **{k: people[k] + interactions[k] for k in people},
                "skipped": sum(self.skipped.values()),
            },
            "seconds": round(self.seconds, 3),
            "run_id": self.run_id,
        }
        if changes:
            data["changes"] = [change.as_dict() for change in self.changes]
        return data

    def take(self, outcome: Outcome, skipped_at: dict[str, list[str]], clock: float) -> None:
        """Fill the counts and per-person changes from what the import staged."""
        self.people, self.interactions = outcome.people, outcome.interactions
        self.skipped = dict(outcome.skipped)
        self.skipped_at = {k: v for k, v in skipped_at.items() if k in self.skipped}
        self.changes = person_changes(outcome.rows, outcome.new_interactions)
        self.seconds = time.perf_counter() - clock


def open_path(path: Path) -> SourceFile | SourceFolder:
    """Return the import source at `path`: a file, or a folder (an unzipped export)."""
    if path.is_dir():
        files = {
            p.name.lower(): SourceFile.from_path(p, name=str(p))
            for p in sorted(path.rglob("*"))
            if p.is_file()
        }
        return SourceFolder(name=str(path), files=files)
    if not path.exists():
        raise ImportFailed(str(path), None, "no such file or folder")
    return SourceFile.from_path(path, name=str(path))


def parse_source(
    fmt: ImportFormat, source: SourceFile | SourceFolder, options: ParseOptions
) -> ImportBatch:
    """Parse `source` with `fmt`, turning any parser failure into ImportFailed."""
    try:
        return fmt.parse(source, options)
    except ImportFailed:
        raise
    except RecursionError as exc:
        raise ImportFailed(source.name, None, "the file nests too deeply to read") from exc
    except _PARSER_SURPRISES as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ImportFailed(source.name, None, f"cannot read this file: {reason}") from exc


def run_import(
    *,
    owner: AbstractBaseUser,
    format: str,
    source: SourceFile | SourceFolder,
    me: Sequence[str] = (),
    progress: Progress | None = None,
    dry_run: bool = False,
    now: Any = None,
) -> ImportSummary:
    """Import `source` as `format` for `owner`; return what changed.

    Raises ImportFailed (nothing written) for unreadable, malformed or wrong files,
    and ValueError for an unknown format.
    """
    fmt = get_format(format)
    progress = progress or NoProgress()
    own_email = str(getattr(owner, "email", "") or "")
    options = ParseOptions(
        me=tuple(m.strip() for m in me if m.strip()) or ((own_email,) if own_email else ()),
        now=now or timezone.now(),
        default_tz=timezone.get_current_timezone(),
    )
    started, clock = timezone.now(), time.perf_counter()
    with collector_paused():
        progress.phase(f"Reading {source.name}", None)
        batch = parse_source(fmt, source, options)
        summary = _apply(
            owner=owner,
            fmt=fmt,
            source=source,
            batch=batch,
            progress=progress,
            dry_run=dry_run,
            started=started,
            clock=clock,
        )
    if not dry_run:
        # A big import changes what the best query plans are (see bootstrap).
        refresh_planner_statistics()
    return summary


def _apply(
    *,
    owner: AbstractBaseUser,
    fmt: ImportFormat,
    source: SourceFile | SourceFolder,
    batch: ImportBatch,
    progress: Progress,
    dry_run: bool,
    started: Any,
    clock: float,
) -> ImportSummary:
    """Write `batch` (staged, then published in one short transaction) and record the run."""
    summary = ImportSummary(format=fmt.name, file=source.name, dry_run=dry_run)

    def record(outcome: Outcome, stage: Stage) -> None:
        # Staged: the run and its change log appear in the same transaction as the
        # rows they describe.
        summary.take(outcome, batch.skipped_at, clock)
        if batch.people or batch.interactions:
            # Only files with something in them are recorded: one with nothing but
            # skipped records (or bytes that happen to parse as an empty file) leaves
            # the database untouched.
            (run_id,) = stage.reserve_ids(ImportRun, 1)
            run = {
                "id": run_id,
                "owner_id": owner.pk,
                "format": fmt.name,
                "file_name": source.name[-300:],
                "started_at": started,
                "finished_at": timezone.now(),
                "counts": _counts(summary),
            }
            stage.inserter(ImportRun, with_pk=True).insert([run])
            record_changes(stage=stage, owner_id=owner.pk, run_id=run_id, changes=summary.changes)
            summary.run_id = run_id

    try:
        outcome = apply_batch(
            owner=owner, batch=batch, progress=progress, dry_run=dry_run, on_stage=record
        )
    except IntegrityError as exc:
        # Matching reads outside the write transactions: someone changed the same
        # people meanwhile. Everything staged was discarded.
        raise ImportFailed(
            source.name,
            None,
            f"your data changed during the import ({exc}); nothing was written, run it again",
        ) from exc
    if summary.run_id is None:
        summary.take(outcome, batch.skipped_at, clock)
    else:
        # The time publishing and the summaries took too (one row, after the fact).
        summary.seconds = time.perf_counter() - clock
        ImportRun.objects.filter(owner=owner, pk=summary.run_id).update(
            finished_at=timezone.now(), counts=_counts(summary)
        )
    return summary


def _counts(summary: ImportSummary) -> dict[str, Any]:
    """Return what ImportRun.counts keeps: the summary without its per-person changes."""
    return {k: v for k, v in summary.as_dict(changes=False).items() if k != "run_id"}
