"""Set the contact cadence of a person (from their page) or a tag (from its people list)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity.people.models import Tag
from amity.relationships import cadences
from amity.web.forms import CadenceForm
from amity.web.views.people import owned_person, render_person


def tag_page(tag: Tag) -> str:
    """Return the address of the people list filtered by `tag`, where its cadence is set."""
    return f"{reverse('people')}?{urlencode({'tag': tag.name})}"


def _changed(choice: cadences.Choice, *, whom: str) -> str:
    """Say what a change did, for the flash message."""
    if isinstance(choice, str):
        return f"Cadence for {whom}: back to the default"
    if choice is None:
        return f"Cadence for {whom}: never remind me"
    return f"Cadence for {whom}: {cadences.cadence_text(choice)}"


@login_required
@require_http_methods(["GET", "POST"])
def person_cadence(request: HttpRequest, person_id: int) -> HttpResponse:
    """Set or remove a person's own contact cadence from the form on their page (POST)."""
    person = owned_person(request, person_id)
    page = f"{reverse('person', kwargs={'person_id': person.pk})}#cadence"
    if request.method == "GET":
        return redirect(page)
    form = CadenceForm(request.POST)
    if not form.is_valid():
        # The person page shows the form again with the error next to the field.
        return render_person(request, person, cadence_form=form)
    choice = form.cleaned_data["choice"]
    cadences.apply_choice(owner=request.user, choice=choice, person=person)
    messages.success(request, _changed(choice, whom=person.given_name or person.full_name))
    return redirect(page)


@login_required
@require_http_methods(["GET", "POST"])
def tag_cadence(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Set or remove a tag's contact cadence from the form above its people (POST)."""
    tag = get_object_or_404(Tag, pk=tag_id, owner=request.user)
    if request.method == "GET":
        return redirect(tag_page(tag))
    form = CadenceForm(request.POST, for_tag=True)
    if not form.is_valid():
        # The list keeps no bound form across the redirect: say which field was wrong.
        messages.error(request, f"Nothing changed. {form.first_error()}")
        return redirect(tag_page(tag))
    choice = form.cleaned_data["choice"]
    cadences.apply_choice(owner=request.user, choice=choice, tag=tag)
    messages.success(request, _changed(choice, whom=f"people tagged {tag.name}"))
    return redirect(tag_page(tag))
