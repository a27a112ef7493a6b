"""Upload a file to import, follow its progress, and read what it did, person by person.

The upload is checked and queued (amity.importers.jobs); the background worker runs
it while the progress page polls a small JSON endpoint (or refreshes itself without
JavaScript); a finished import lands on its result page, which stays in the history.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity import config
from amity.importers.change_log import INTERACTIONS, PersonChange, stored_changes
from amity.importers.errors import ImportFailed
from amity.importers.jobs import job_state, queue_import
from amity.importers.limits import megabytes
from amity.importers.models import ImportChange, ImportJob, ImportRun
from amity.importers.registry import FORMATS

# People per page in each part of a result.
RESULT_PAGE = 100
DEFAULT_FORMAT = "linkedin"


class ImportForm(forms.Form):
    """What to import, and who the user is in it."""

    format = forms.ChoiceField(
        choices=[(f.name, f.label) for f in FORMATS.values()],
        help_text="The steps for getting the file change with the format you pick.",
    )
    file = forms.FileField()
    me = forms.CharField(
        label="Your addresses",
        required=False,
        help_text=(
            "Your email addresses (mailbox, calendar) or LinkedIn profile URL, "
            "separated by commas. Empty: your account's email."
        ),
    )
    dry_run = forms.BooleanField(label="Only show what would change", required=False, initial=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Said up front: a bigger upload is refused before it is even received.
        limit = megabytes(config.MAX_UPLOAD.value())
        self.fields["file"].help_text = f"Up to {limit} (AMITY_MAX_UPLOAD)."
        self.fields["format"].widget.attrs["data-format-help"] = "format-help"


def _chosen_format(request: HttpRequest) -> tuple[str, bool]:
    """Return the format whose help to show first, and whether the URL asked for it."""
    asked = (request.POST or request.GET).get("format", "")
    return (asked, True) if asked in FORMATS else (DEFAULT_FORMAT, False)


def _queue(request: HttpRequest, data: dict[str, Any]) -> ImportJob:
    upload: UploadedFile = data["file"]
    return queue_import(
        owner=request.user,
        format=data["format"],
        name=upload.name or "upload",
        chunks=upload.chunks(),
        me=[m for m in data["me"].split(",") if m.strip()],
        dry_run=data["dry_run"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Show the upload form, each format's help and past imports; on POST, queue the file."""
    chosen, asked = _chosen_format(request)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"format": chosen})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            job = _queue(request, form.cleaned_data)
        except ImportFailed as exc:
            error = str(exc)
        else:
            return redirect("import_job", job_id=job.pk)
    context = {
        "form": form,
        "error": error,
        "formats": FORMATS.values(),
        "chosen": chosen,
        # A format-specific page (?format=…) shows only that format's help without script.
        "only_chosen": asked and request.method == "GET",
        "runs": ImportRun.objects.filter(owner=request.user)[:20],
        "jobs": ImportJob.objects.filter(owner=request.user)
        .exclude(status=ImportJob.Status.DONE, dry_run=False)
        .only("pk", "format", "file_name", "status", "dry_run", "created_at", "error")[:10],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "amity/import.html", context, status=status)


def _own_job(request: HttpRequest, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob, owner=request.user, pk=job_id)


def _read_only(request: HttpRequest) -> HttpResponse | None:
    """Refuse anything but GET, once the object was found to be the user's (else 404)."""
    return None if request.method in ("GET", "HEAD") else HttpResponseNotAllowed(["GET"])


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Show a queued or running import's progress, its failure, or a dry run's preview."""
    job = _own_job(request, job_id)
    if refused := _read_only(request):
        return refused
    if job.status == ImportJob.Status.DONE and job.run_id is not None:
        return redirect("import_run", run_id=job.run_id)
    context = {
        "job": job,
        "state": job_state(job),
        "working": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        "preview": job.result if job.status == ImportJob.Status.DONE else None,
        "progress_url": reverse("import_job_progress", args=[job.pk]),
    }
    if context["preview"]:
        context["preview_changes"] = _split(context["preview"].get("changes", []))
    return render(request, "amity/import_job.html", context)


@login_required
def import_job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """Answer how far an import got (the progress page polls this)."""
    job = _own_job(request, job_id)
    if refused := _read_only(request):
        return refused
    state = job_state(job)
    if job.status == ImportJob.Status.DONE and job.run_id is not None:
        state["next"] = reverse("import_run", args=[job.run_id])
    elif job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        state["next"] = reverse("import_job", args=[job.pk])
    response = JsonResponse(state)
    response["Cache-Control"] = "no-store"
    return response


def _split(changes: list[dict[str, Any]]) -> dict[str, list[PersonChange]]:
    """Group a dry run's changes (PersonChange.as_dict) by action."""
    parts: dict[str, list[PersonChange]] = {"created": [], "updated": [], INTERACTIONS: []}
    for change in changes:
        parts.setdefault(change["action"], []).append(PersonChange.from_dict(change))
    return parts


def _section(request: HttpRequest, run: ImportRun, action: str) -> dict[str, Any]:
    """Return one page of a run's people for `action`, grouped back into PersonChanges."""
    rows = ImportChange.objects.filter(owner=request.user, run=run, action=action).order_by(
        "person_name", "person_id", "id"
    )
    param = f"{action}_page"
    page = Paginator(rows, RESULT_PAGE * 3 if action == "updated" else RESULT_PAGE).get_page(
        request.GET.get(param)
    )
    links = {}
    for name, number in (
        ("previous", page.previous_page_number() if page.has_previous() else None),
        ("next", page.next_page_number() if page.has_next() else None),
    ):
        if number is not None:
            query = request.GET.copy()
            query[param] = str(number)
            links[name] = f"?{query.urlencode()}#{action}"
    return {
        "action": action,
        "changes": stored_changes(page.object_list),
        "page": page,
        "links": links,
        "people": rows.values("person_id", "person_name").distinct().count(),
    }


@login_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """Show a finished import: counts, who was created, what changed per person, skips."""
    run = get_object_or_404(ImportRun, owner=request.user, pk=run_id)
    if refused := _read_only(request):
        return refused
    sections = {action: _section(request, run, action) for action in ("created", "updated")}
    sections[INTERACTIONS] = _section(request, run, INTERACTIONS)
    context = {
        "run": run,
        "counts": run.counts,
        "sections": sections,
        "recorded": run.changes.exists(),
    }
    return render(request, "amity/import_run.html", context)
