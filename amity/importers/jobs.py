"""Run web imports on the background worker: keep the upload, queue it, report progress.

The request only checks what is cheap to check (the file is of the chosen format, a
ZIP's members do not inflate past the limit), keeps the upload in AMITY_HOME/imports
(mode 0600) and queues an ImportJob for django-tasks' worker (`amity worker`, or the
one inside `amity serve`). The worker runs the same `run_import` as the CLI and
writes how far it got onto the job, which the progress page polls.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone
from django_tasks import task

from amity import config
from amity.core.private_files import private_home
from amity.importers.errors import ImportFailed
from amity.importers.models import ImportJob
from amity.importers.registry import get_format
from amity.importers.services import run_import
from amity.importers.source_files import SourceFile

log = logging.getLogger(__name__)

# The phases run_import reports, in order: the bar moves through them.
PHASES = (
    "Reading",
    "Loading your people",
    "Matching people",
    "Writing people",
    "Writing interactions",
    "Publishing",
    "Updating summaries",
)
# Seconds between two progress writes within a phase (each is one UPDATE).
WRITE_EVERY = 0.25
# Changes kept on a job for a dry run's preview (a real run keeps all, as rows).
PREVIEW_CHANGES = 500


def uploads_dir() -> Path:
    """Return the folder where uploads wait for the worker (created private)."""
    folder = private_home(config.HOME.value()) / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\-]+", "_", base)[-100:] or "upload"


def keep_upload(name: str, chunks: Iterable[bytes]) -> Path:
    """Write an upload's bytes to a new private file under uploads_dir(); return its path."""
    path = uploads_dir() / f"{uuid.uuid4().hex}-{_safe_name(name)}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path


def queue_import(
    *,
    owner: AbstractBaseUser,
    format: str,
    name: str,
    chunks: Iterable[bytes],
    me: Sequence[str] = (),
    dry_run: bool = False,
) -> ImportJob:
    """Check and keep an upload, then queue its import; return the job.

    Raises ImportFailed (nothing kept, nothing queued) when the file is plainly not
    of `format` or a ZIP member would inflate past the import limit, and ValueError
    for an unknown format.
    """
    fmt = get_format(format)
    path = keep_upload(name, chunks)
    try:
        fmt.check(SourceFile.from_path(path, name=name))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job = ImportJob.objects.create(
        owner=owner,
        format=fmt.name,
        file_name=name[-300:],
        stored_path=str(path),
        me=[m.strip() for m in me if m.strip()],
        dry_run=dry_run,
    )
    run_import_job.enqueue(job.pk)
    return job


class JobProgress:
    """Write an import's phase and steps onto its job, at most every WRITE_EVERY seconds."""

    def __init__(self, job_id: int, owner_id: int) -> None:
        """Report onto the ImportJob `job_id` of `owner_id`."""
        self.job_id, self.owner_id = job_id, owner_id
        self.name, self.step, self.total, self.done = "", 0, None, 0
        self._written = 0.0

    def phase(self, name: str, total: int | None) -> None:
        """Start a phase: the bar jumps to the phase's place among PHASES."""
        self.name, self.total, self.done = name, total, 0
        known = [i for i, p in enumerate(PHASES) if name.startswith(p)]
        self.step = known[0] if known else self.step
        self._write(force=True)

    def advance(self, amount: int = 1) -> None:
        """Count steps done in the current phase."""
        self.done += amount
        self._write(force=False)

    def _write(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._written < WRITE_EVERY:
            return
        self._written = now
        try:
            # A savepoint: on PostgreSQL the import writes inside one transaction
            # (amity.importers.staging), which a failed write must not end.
            with transaction.atomic():
                ImportJob.objects.filter(owner_id=self.owner_id, pk=self.job_id).update(
                    phase=self.name[:200], step=self.step, done=self.done, total=self.total
                )
        except DatabaseError:
            # Progress is a courtesy: a busy database must not fail the import itself.
            log.warning("could not record the progress of import job %s", self.job_id)


def percent(job: ImportJob) -> int:
    """Return how far `job` got, 0-100 (100 only once it finished)."""
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return 100
    if job.status == ImportJob.Status.QUEUED:
        return 0
    fraction = min(job.done / job.total, 1.0) if job.total else 0.0
    return min(99, int(100 * (job.step + fraction) / len(PHASES)))


def run_job(job_id: int) -> ImportJob:
    """Run the queued import `job_id` (the worker's task); record its result or error."""
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job  # claimed twice (a retried task): the first run owns it
    job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
    _save(job, ["status", "started_at"])
    path = Path(job.stored_path)
    try:
        summary = run_import(
            owner=job.owner,
            format=job.format,
            source=SourceFile.from_path(path, name=job.file_name),
            me=job.me,
            progress=JobProgress(job.pk, job.owner_id),
            dry_run=job.dry_run,
        )
    except ImportFailed as exc:
        _fail(job, str(exc), exc.file, exc.line)
    except Exception as exc:  # recorded on the job for the user, logged for the admin
        log.exception("import job %s failed", job.pk)
        _fail(job, f"{job.file_name}: the import stopped ({type(exc).__name__}: {exc})", "", None)
    else:
        result = summary.as_dict()
        if job.dry_run:
            result["changes"] = result["changes"][:PREVIEW_CHANGES]
        else:
            del result["changes"]  # kept as ImportChange rows of the run
        job.result, job.run_id = result, summary.run_id
        job.status = ImportJob.Status.DONE
    finally:
        path.unlink(missing_ok=True)
    job.finished_at = timezone.now()
    _save(job, ["status", "error", "error_file", "error_line", "result", "run", "finished_at"])
    return job


@task()
def run_import_job(job_id: int) -> str:
    """Run one queued web import (see run_job); return its final status."""
    return str(run_job(job_id).status)


def _save(job: ImportJob, fields: list[str], attempts: int = 5) -> None:
    """Save the job's state, waiting out a moment's lock: a job left "running" is lost."""
    for attempt in range(attempts):
        try:
            job.save(update_fields=fields)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _fail(job: ImportJob, error: str, file: str, line: int | None) -> None:
    job.status, job.error = ImportJob.Status.FAILED, error
    job.error_file, job.error_line = file[-500:], line


def job_state(job: ImportJob) -> dict[str, Any]:
    """Return what the progress page shows, as JSON-ready data."""
    return {
        "id": job.pk,
        "status": job.status,
        "phase": job.phase or job.get_status_display().capitalize(),
        "percent": percent(job),
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "run_id": job.run_id,
    }
