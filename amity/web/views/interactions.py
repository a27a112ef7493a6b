"""Log interactions with a person, change them and delete them from the timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity.people import services, timeline
from amity.people.models import Interaction, Person
from amity.web.forms import CHANNEL_PHRASES, InteractionForm, attach_error
from amity.web.views.people import owned_person, render_person
from amity.web.views.undo import confirm_with_undo


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
            # No anchor: the confirmation shows at the top, where the page opens.
            return redirect("person", person_id=person.pk)
    return render_person(request, person, interaction_form=form)


def _owned_interaction(
    request: HttpRequest, person_id: int, interaction_id: int
) -> tuple[Person, Interaction]:
    """Return the person and their interaction named in the URL, or 404 (also for others')."""
    person = owned_person(request, person_id)
    interaction = get_object_or_404(
        Interaction, pk=interaction_id, owner=request.user, people=person
    )
    return person, interaction


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request: HttpRequest, person_id: int, interaction_id: int) -> HttpResponse:
    """Show an interaction in a form; save the changes on POST."""
    person, interaction = _owned_interaction(request, person_id, interaction_id)
    if request.method == "GET":
        form = InteractionForm(initial=InteractionForm.initial_for(interaction))
    else:
        form = InteractionForm(request.POST)
        if form.is_valid():
            try:
                changes = form.service_kwargs(keep=interaction.occurred_at)
                if changes["subtype"] and changes["intent"] == "neutral":
                    # As when logging here: a kind picked under "Neutral" implies its intent.
                    del changes["intent"]
                timeline.update_interaction(interaction=interaction, **changes)
            except services.ValidationError as exc:
                attach_error(form, exc)
            else:
                names = list(interaction.people.values_list("full_name", flat=True))
                messages.success(request, f"Saved {timeline.describe(interaction, names)}")
                return redirect("person", person_id=person.pk)
    return render(
        request,
        "amity/interactions/edit.html",
        {"person": person, "interaction": interaction, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interaction_delete(request: HttpRequest, person_id: int, interaction_id: int) -> HttpResponse:
    """Ask before deleting an interaction; delete on POST and offer to undo."""
    person, interaction = _owned_interaction(request, person_id, interaction_id)
    if request.method == "POST":
        record = timeline.delete_interaction(interaction=interaction)
        confirm_with_undo(request, record.label, record)
        return redirect("person", person_id=person.pk)
    return render(
        request,
        "amity/interactions/confirm_delete.html",
        {"person": person, "interaction": interaction},
    )
