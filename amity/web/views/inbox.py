"""Show inbound messages in four groups with their reasons, and correct a group."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity.domain.triage import GROUP_LABELS, GROUPS
from amity.inbox import services
from amity.people.models import Interaction

# The page triages this many of the newest inbound messages so it stays quick;
# `amity triage` and the API go through everything.
RECENT = 2000
PER_GROUP = 50


class LabelForm(forms.Form):
    """The group the user says a message belongs in."""

    group = forms.ChoiceField(choices=[(g, GROUP_LABELS[g]) for g in GROUPS])


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """Show the newest inbound messages grouped, each with why it landed there."""
    source = request.GET.get("source", "all")
    if source not in services.SOURCES:
        source = "all"
    report = services.triage_inbox(
        owner=request.user, source=source, recent=RECENT, limit=PER_GROUP
    )
    return render(
        request,
        "amity/inbox.html",
        {
            "report": report,
            "source": source,
            "sources": services.SOURCES,
            "choices": [(g, GROUP_LABELS[g]) for g in GROUPS],
            "recent": RECENT,
        },
    )


def owned_interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    """Return the signed-in user's interaction with this id, or raise Http404."""
    return get_object_or_404(Interaction, pk=interaction_id, owner=request.user)


def _back_to(request: HttpRequest, interaction_id: int) -> str:
    source = request.POST.get("source", "all")
    query = f"?source={source}" if source in services.SOURCES and source != "all" else ""
    return f"{reverse('inbox')}{query}#message-{interaction_id}"


@login_required
@require_http_methods(["GET", "POST"])
def label_message(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Put one of the user's inbound messages in the chosen group (POST)."""
    message = owned_interaction(request, interaction_id)
    if request.method == "GET":
        return redirect(f"{reverse('inbox')}#message-{message.pk}")
    form = LabelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the four groups.")
        return redirect(_back_to(request, message.pk))
    try:
        label = services.relabel(
            owner=request.user, interaction_id=message.pk, group=form.cleaned_data["group"]
        )
    except LookupError:
        raise Http404("only inbound messages can be triaged") from None
    messages.success(
        request,
        f"Moved message #{label.interaction_id} to {GROUP_LABELS[label.group]}; "
        "its sender's messages and look-alikes will follow.",
    )
    return redirect(_back_to(request, message.pk))


@login_required
@require_http_methods(["GET", "POST"])
def unlabel_message(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Forget the user's label on one message (POST); triage decides again."""
    message = owned_interaction(request, interaction_id)
    cleared = request.method == "POST" and services.clear_label(
        owner=request.user, interaction_id=message.pk
    )
    if cleared:
        messages.success(request, f"Triage decides again for message #{message.pk}.")
    return redirect(_back_to(request, message.pk))
