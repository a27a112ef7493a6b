"""Upload a file to import (LinkedIn, Google, vCard, mbox, iCalendar, CSV) and see the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity import config
from amity.importers.errors import ImportFailed
from amity.importers.limits import megabytes
from amity.importers.models import ImportRun
from amity.importers.registry import FORMATS
from amity.importers.services import ImportSummary, run_import
from amity.importers.source_files import SourceFile


class ImportForm(forms.Form):
    """What to import, and who the user is in it."""

    format = forms.ChoiceField(
        choices=[(f.name, f.label) for f in FORMATS.values()],
        help_text="LinkedIn takes the export ZIP or one of its CSV files.",
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


def _source(upload: UploadedFile) -> SourceFile:
    """Read an upload where Django put it: a temporary file on disk, or memory."""
    name = upload.name or "upload"
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        return SourceFile.from_path(Path(path()), name=name)
    return SourceFile.from_bytes(name, upload.read())


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Show the upload form and past imports; on POST, import the file."""
    form = ImportForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            summary = run_import(
                owner=request.user,
                format=data["format"],
                source=_source(data["file"]),
                me=[m for m in data["me"].split(",") if m.strip()],
                dry_run=data["dry_run"],
            )
        except ImportFailed as exc:
            error = str(exc)
        else:
            if summary.dry_run:
                return render(request, "amity/import.html", _context(request, form, summary))
            messages.success(request, f"Imported {summary.file}")
            return redirect(f"{reverse('imports')}?run={summary.run_id}")
    context = _context(request, form, None)
    context["error"] = error
    run_id = request.GET.get("run", "")
    if run_id.isdigit():
        context["shown"] = ImportRun.objects.filter(owner=request.user, pk=int(run_id)).first()
    status = 400 if error or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "amity/import.html", context, status=status)


def _context(
    request: HttpRequest, form: ImportForm, summary: ImportSummary | None
) -> dict[str, object]:
    return {
        "form": form,
        "preview": summary.as_dict() if summary is not None else None,
        "runs": ImportRun.objects.filter(owner=request.user)[:20],
        "formats": FORMATS.values(),
    }
