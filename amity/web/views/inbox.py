"""Show inbound messages one group per tab, preview a move, apply it, undo it."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from amity.domain.triage import GROUP_LABELS, GROUPS
from amity.inbox import moves, services
from amity.people.models import Interaction
from amity.people.services import ValidationError

# The page triages this many of the newest inbound messages so it stays quick;
# `amity triage` and the API go through everything.
RECENT = 2000
PER_PAGE = 25
# The session key of the last move, so it can be undone.
UNDO_KEY = "inbox_undo"


class LabelForm(forms.Form):
    """The group the user says a message belongs in, and whether similar ones follow."""

    group = forms.ChoiceField(choices=[(g, GROUP_LABELS[g]) for g in GROUPS])
    follow = forms.BooleanField(required=False)


def _view_state(data: Any) -> dict[str, Any]:
    """Return the tab, page and source a request asks for, made safe."""
    source = data.get("source", "all")
    group = data.get("tab", "")
    page = data.get("page", "1")
    return {
        "source": source if source in services.SOURCES else "all",
        "tab": group if group in GROUPS else "",
        "page": int(page) if str(page).isdigit() and int(page) > 0 else 1,
    }


def _inbox_url(state: dict[str, Any]) -> str:
    query = {k: v for k, v in state.items() if v and (k, v) not in {("source", "all"), ("page", 1)}}
    return reverse("inbox") + (f"?{urlencode(query)}" if query else "")


def _report(request: HttpRequest, source: str, tab: str, page: int) -> dict[str, Any]:
    return services.triage_inbox(
        owner=request.user,
        source=source,
        recent=RECENT,
        limit=PER_PAGE,
        offsets={tab: (page - 1) * PER_PAGE},
    )


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """Show one group's newest inbound messages a page at a time, with tabs for the others."""
    state = _view_state(request.GET)
    source, tab, page = state["source"], state["tab"], state["page"]
    if tab:
        report = _report(request, source, tab, page)
    else:
        # No tab asked for: every group's first page is in one triage; open the first
        # group that has messages.
        page, report = 1, _report(request, source, GROUPS[0], 1)
        tab = next((g for g in GROUPS if report["counts"][g]), GROUPS[0])
    pages = max(1, math.ceil(report["counts"][tab] / PER_PAGE))
    if page > pages:
        page = pages
        report = _report(request, source, tab, page)
    group = next(g for g in report["groups"] if g["group"] == tab)
    here = {**state, "tab": tab, "page": page}
    first = (page - 1) * PER_PAGE
    return render(
        request,
        "amity/inbox.html",
        {
            "report": report,
            "group": group,
            "tab": tab,
            "state": here,
            "pages": pages,
            "first": first + 1 if group["messages"] else 0,
            "last": first + len(group["messages"]),
            "tabs": [
                {**g, "url": _inbox_url({**here, "tab": g["group"], "page": 1})}
                for g in report["groups"]
            ],
            "previous_url": _inbox_url({**here, "page": page - 1}) if page > 1 else "",
            "next_url": _inbox_url({**here, "page": page + 1}) if page < pages else "",
            "sources": services.SOURCES,
            "choices": [(g, GROUP_LABELS[g]) for g in GROUPS],
            "recent": RECENT,
            "undo": request.session.get(UNDO_KEY),
        },
    )


def owned_interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    """Return the signed-in user's interaction with this id, or raise Http404."""
    return get_object_or_404(Interaction, pk=interaction_id, owner=request.user)


@login_required
def move_preview(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Show what moving one message would change before anything is written."""
    message = owned_interaction(request, interaction_id)
    state = _view_state(request.GET)
    form = LabelForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Choose one of the four groups.")
        return redirect(_inbox_url(state))
    try:
        preview = moves.preview_move(
            owner=request.user,
            interaction_id=message.pk,
            group=form.cleaned_data["group"],
            source=state["source"],
            recent=RECENT,
        )
    except LookupError:
        raise Http404("only inbound messages can be triaged") from None
    except ValidationError as exc:
        messages.error(request, exc.message)
        return redirect(_inbox_url(state))
    for option in preview["options"]:
        option["count_rows"] = [
            (GROUP_LABELS[g], change["before"], change["after"])
            for g, change in option["counts"].items()
        ]
        for moved in option["changed"]:
            moved["from_label"], moved["to_label"] = (
                GROUP_LABELS[moved["from_group"]],
                GROUP_LABELS[moved["to_group"]],
            )
    return render(
        request,
        "amity/inbox_move.html",
        {
            "message": message,
            "preview": preview,
            "from_label": GROUP_LABELS[preview["from_group"]],
            "state": state,
            "back": _inbox_url(state),
        },
    )


def _remember(request: HttpRequest, before: moves.LabelState, text: str) -> None:
    """Keep what the last action replaced, so "Undo" can put it back."""
    request.session[UNDO_KEY] = {"state": before.as_dict(), "text": text}


@login_required
@require_http_methods(["GET", "POST"])
def label_message(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Put one of the user's inbound messages in the chosen group (POST)."""
    message = owned_interaction(request, interaction_id)
    state = _view_state(request.POST if request.method == "POST" else request.GET)
    if request.method == "GET":
        return redirect(_inbox_url(state))
    form = LabelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the four groups.")
        return redirect(_inbox_url(state))
    group, follow = form.cleaned_data["group"], form.cleaned_data["follow"]
    before = moves.label_state(owner=request.user, interaction_id=message.pk)
    try:
        moves.relabel(owner=request.user, interaction_id=message.pk, group=group, follow=follow)
    except LookupError:
        raise Http404("only inbound messages can be triaged") from None
    except ValidationError as exc:
        messages.error(request, exc.message)
        return redirect(_inbox_url(state))
    what = "with its sender's messages and look-alikes" if follow else "alone"
    text = f"Moved message #{message.pk} to {GROUP_LABELS[group]} ({what})."
    _remember(request, before, text)
    messages.success(request, text)
    return redirect(_inbox_url(state))


@login_required
@require_http_methods(["GET", "POST"])
def unlabel_message(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Forget the user's label on one message (POST); triage decides again."""
    message = owned_interaction(request, interaction_id)
    state = _view_state(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        before = moves.label_state(owner=request.user, interaction_id=message.pk)
        if moves.clear_label(owner=request.user, interaction_id=message.pk):
            text = f"Triage decides again for message #{message.pk}."
            _remember(request, before, text)
            messages.success(request, text)
    return redirect(_inbox_url(state))


@login_required
@require_POST
def undo_last(request: HttpRequest) -> HttpResponse:
    """Put back the label the last move or cleared label replaced (POST)."""
    state = _view_state(request.POST)
    last = request.session.pop(UNDO_KEY, None)
    if not last:
        messages.error(request, "Nothing to undo.")
        return redirect(_inbox_url(state))
    before = moves.LabelState.from_dict(last["state"])
    try:
        moves.restore_label(owner=request.user, state=before)
    except (LookupError, ValidationError):
        messages.error(request, "That message is gone; nothing to undo.")
    else:
        messages.success(request, f"Undone: message #{before.interaction_id} is back.")
    return redirect(_inbox_url(state))
