"""Log interactions with a person and delete them from the timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity.people import services, timeline
from amity.people.models import Interaction
from amity.web.forms import CHANNEL_PHRASES, InteractionForm, attach_error
from amity.web.views.people import owned_person, render_person


def _person_page(person_id: int, anchor: str) -> str:
    return f"{reverse('person', kwargs={'person_id': person_id})}#{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def interaction_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Log an interaction with a person from the form on their page."""
    person = owned_person(request, person_id)
    if request.method == "GET":
        return redirect(_person_page(person.pk, "log"))
    form = InteractionForm(request.POST)
    if form.is_valid():
        try:
            interaction = timeline.log_interaction(
                owner=request.user, people=[person], **form.service_kwargs()
            )
        except services.ValidationError as exc:
            attach_error(form, exc)
        else:
            phrase = CHANNEL_PHRASES.get(interaction.channel, "an interaction")
            name = person.given_name or person.full_name
            messages.success(request, f"Logged {phrase} with {name}")
            return redirect(_person_page(person.pk, "timeline"))
    return render_person(request, person, interaction_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_delete(request: HttpRequest, person_id: int, interaction_id: int) -> HttpResponse:
    """Ask before deleting an interaction; delete on POST and return to the person."""
    person = owned_person(request, person_id)
    interaction = get_object_or_404(
        Interaction, pk=interaction_id, owner=request.user, people=person
    )
    if request.method == "POST":
        timeline.delete_interaction(interaction=interaction)
        messages.success(request, "Deleted the interaction")
        return redirect(_person_page(person.pk, "timeline"))
    return render(
        request,
        "amity/interactions/confirm_delete.html",
        {"person": person, "interaction": interaction},
    )
