"""Offer "Undo" in a confirmation, and undo the action when asked (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from amity.core import undo
from amity.core.models import UndoRecord

# Messages carrying this extra tag get an Undo button (see amity/_messages.html).
UNDO_TAG = "undo:"


def confirm_with_undo(request: HttpRequest, text: str, record: UndoRecord) -> None:
    """Show `text` as a success message whose Undo button reverses `record`."""
    messages.success(request, text, extra_tags=f"{UNDO_TAG}{record.pk}")


def _back(request: HttpRequest) -> str:
    """Return where to go after undoing: the page the button was on, if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def undo_action(request: HttpRequest, record_id: int) -> HttpResponse:
    """Undo one of the user's recent actions (POST) and say what came back."""
    # Someone else's record is as unknown as a missing one.
    get_object_or_404(UndoRecord, pk=record_id, owner=request.user)
    if request.method == "GET":
        return redirect("home")
    try:
        record = undo.undo(owner=request.user, record_id=record_id)
    except undo.NothingToUndo as exc:
        messages.error(request, f"Nothing was undone: {exc}.")
    else:
        messages.success(request, f"Undone: {record.label[:1].lower()}{record.label[1:]}")
    return redirect(_back(request))
