"""Serve /imports: the import history, one import's per-person result, and uploads.

An upload is checked and queued for the background worker, as on the web; its job
says how far it got and, once done, which history entry holds the result. The
result's shape is the one `amity import --json` prints (ImportSummaryPublic).
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from amity.api.auth import current_user
from amity.api.schemas import MessageResponse
from amity.importers.change_log import stored_summary
from amity.importers.errors import ImportFailed
from amity.importers.jobs import job_state, queue_import
from amity.importers.models import ImportJob, ImportRun
from amity.importers.registry import FORMATS
from amity.importers.schemas import ImportJobPublic, ImportRunPublic, ImportSummaryPublic

router = Router(tags=["imports"])


@router.get("/imports", response=list[ImportRunPublic], summary="List past imports")
def list_imports(request: HttpRequest, limit: int = 50) -> Any:
    """List your imports, newest first, with their totals."""
    runs = ImportRun.objects.filter(owner=current_user(request))[: max(1, min(limit, 500))]
    empty = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    return [
        {
            "id": run.pk,
            "format": run.format,
            "file": run.file_name,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "totals": run.counts.get("totals", empty),
        }
        for run in runs
    ]


@router.get(
    "/imports/{run_id}",
    response={200: ImportSummaryPublic, 404: MessageResponse},
    summary="Show one import, person by person",
)
def show_import(request: HttpRequest, run_id: int) -> Any:
    """Show an import: its counts, skips and every person it created or changed (old → new)."""
    run = ImportRun.objects.filter(owner=current_user(request), pk=run_id).first()
    if run is None:
        raise Http404(f"no import #{run_id}")
    return stored_summary(run)


@router.post(
    "/imports",
    response={202: ImportJobPublic, 400: MessageResponse},
    summary="Upload a file to import in the background",
)
def upload(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's way to declare an upload
    format: str = Form(...),  # noqa: B008
    me: str = Form(""),  # noqa: B008
    dry_run: bool = Form(False),  # noqa: B008
) -> Any:
    """Queue `file` as `format` (linkedin, google, vcard, mbox, ics, interactions)."""
    if format not in FORMATS:
        return Status(400, {"detail": f"unknown format {format!r}; one of: {', '.join(FORMATS)}"})
    try:
        job = queue_import(
            owner=current_user(request),
            format=format,
            name=file.name or "upload",
            chunks=file.chunks(),
            me=[m for m in me.split(",") if m.strip()],
            dry_run=dry_run,
        )
    except ImportFailed as exc:
        return Status(400, {"detail": str(exc)})
    return Status(202, job_state(job))


@router.get(
    "/imports/jobs/{job_id}",
    response={200: ImportJobPublic, 404: MessageResponse},
    summary="Follow an uploaded import",
)
def show_job(request: HttpRequest, job_id: int) -> Any:
    """Say how far an upload's import got; `run_id` names its result once done."""
    job = ImportJob.objects.filter(owner=current_user(request), pk=job_id).first()
    if job is None:
        raise Http404(f"no import job #{job_id}")
    return job_state(job)
