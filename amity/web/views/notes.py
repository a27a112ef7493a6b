"""Add notes to a person's timeline, change them and delete them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amity.people import services, timeline
from amity.people.models import Note
from amity.web.forms import NoteForm, attach_error
from amity.web.views.people import owned_person, render_person
from amity.web.views.undo import confirm_with_undo


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add a note to a person from the form on their page."""
    person = owned_person(request, person_id)
    page = reverse("person", kwargs={"person_id": person.pk})
    if request.method == "GET":
        return redirect(f"{page}#note")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            timeline.add_note(person=person, body=form.cleaned_data["body"])
        except services.ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"Added a note to {person.given_name or person.full_name}")
            # No anchor: the confirmation shows at the top, where the page opens.
            return redirect(page)
    return render_person(request, person, note_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, person_id: int, note_id: int) -> HttpResponse:
    """Show a note in a form; save the new text on POST."""
    person = owned_person(request, person_id)
    note = get_object_or_404(Note, pk=note_id, owner=request.user, person=person)
    form = NoteForm(request.POST if request.method == "POST" else None, initial={"body": note.body})
    if request.method == "POST" and form.is_valid():
        try:
            timeline.update_note(note=note, body=form.cleaned_data["body"])
        except services.ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"Saved the note about {person.full_name}")
            return redirect("person", person_id=person.pk)
    return render(request, "amity/notes/edit.html", {"person": person, "note": note, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def note_delete(request: HttpRequest, person_id: int, note_id: int) -> HttpResponse:
    """Ask before deleting a note; delete on POST and offer to undo."""
    person = owned_person(request, person_id)
    note = get_object_or_404(Note, pk=note_id, owner=request.user, person=person)
    if request.method == "POST":
        record = timeline.delete_note(note=note)
        confirm_with_undo(request, record.label, record)
        return redirect("person", person_id=person.pk)
    return render(request, "amity/notes/confirm_delete.html", {"person": person, "note": note})
