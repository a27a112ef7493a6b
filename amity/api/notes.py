"""Serve notes: list and add a person's notes; change and delete one."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from amity.api.auth import current_user
from amity.api.pagination import AmityPagination
from amity.api.people import person_of
from amity.api.schemas import ErrorResponse, MessageResponse
from amity.api.undo import offer_undo
from amity.core.markdown import render_markdown
from amity.people import timeline, validation
from amity.people.models import Note

router = Router(tags=["notes"])

_NOT_FOUND = {404: MessageResponse}


class NoteCreate(Schema):
    """A new note about a person (Markdown)."""

    body: str = Field(description=f"Markdown, up to {validation.MAX_NOTE:,} characters")


class NoteUpdate(Schema):
    """A note's new text; its date stays."""

    body: str = Field(description=f"Markdown, up to {validation.MAX_NOTE:,} characters")


class NotePublic(Schema):
    """A dated note about a person; `body_html` is sanitised Markdown."""

    id: int
    uid: str
    person: int
    body: str
    body_html: str
    created_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Note) -> str:
        """Return the note's stable id as text."""
        return str(obj.uid)

    @staticmethod
    def resolve_person(obj: Note) -> int:
        """Return the id of the person the note is about."""
        return obj.person_id

    @staticmethod
    def resolve_body_html(obj: Note) -> str:
        """Render the note to safe HTML."""
        return render_markdown(obj.body)


def note_of(request: HttpRequest, note_id: int) -> Note:
    """Return the caller's note with this id, or raise 404 (also for others')."""
    return get_object_or_404(Note, pk=note_id, owner=current_user(request))


@router.get(
    "/people/{person_id}/notes",
    response={200: list[NotePublic], **_NOT_FOUND},
    summary="List a person's notes",
)
@paginate(AmityPagination)
def list_notes(request: HttpRequest, person_id: int) -> Any:
    """List a person's notes, newest first."""
    return Note.objects.filter(
        owner=current_user(request), person=person_of(request, person_id)
    ).order_by("-created_at", "-id")


@router.post(
    "/people/{person_id}/notes",
    response={201: NotePublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Add a note",
)
def create_note(request: HttpRequest, person_id: int, payload: NoteCreate) -> Any:
    """Add a dated Markdown note to a person."""
    note = timeline.add_note(person=person_of(request, person_id), body=payload.body)
    return Status(201, note)


@router.get("/notes/{note_id}", response={200: NotePublic, **_NOT_FOUND}, summary="Show a note")
def get_note(request: HttpRequest, note_id: int) -> Any:
    """Return one of your notes."""
    return note_of(request, note_id)


@router.patch(
    "/notes/{note_id}",
    response={200: NotePublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Change a note",
)
def update_note(request: HttpRequest, note_id: int, payload: NoteUpdate) -> Any:
    """Change a note's text."""
    return timeline.update_note(note=note_of(request, note_id), body=payload.body)


@router.delete("/notes/{note_id}", response={204: None, **_NOT_FOUND}, summary="Delete a note")
def delete_note(request: HttpRequest, note_id: int, response: HttpResponse) -> Any:
    """Delete a note; the `Amity-Undo` header names the record that brings it back."""
    offer_undo(response, timeline.delete_note(note=note_of(request, note_id)))
    return Status(204, None)
