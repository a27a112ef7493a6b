"""Serve /undo: list the caller's recent actions that can be undone, and undo one.

Deleting an interaction, a note or a person, snoozing someone and "Done" answer with
an `Amity-Undo` header naming the record; POST /undo/{id} puts things back exactly.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from amity.api.auth import current_user
from amity.api.schemas import MessageResponse
from amity.core import undo
from amity.core.models import UndoRecord

router = Router(tags=["undo"])

# The response header naming the undo record of a DELETE, a snooze or a "Done".
UNDO_HEADER = "Amity-Undo"


class UndoPublic(Schema):
    """An action that can be (or was just) undone, within 30 minutes of it."""

    id: int
    kind: str
    label: str
    created_at: dt.datetime
    undone_at: dt.datetime | None


def offer_undo(response: HttpResponse, record: UndoRecord) -> None:
    """Name the undo record of this request's action in the response's header."""
    response[UNDO_HEADER] = str(record.pk)


@router.get("/undo", response=list[UndoPublic], summary="List what can be undone")
def list_undoable(request: HttpRequest) -> Any:
    """List your actions of the last 30 minutes that can still be undone, newest first."""
    return undo.pending(owner=current_user(request))


@router.post(
    "/undo", response={200: UndoPublic, 404: MessageResponse}, summary="Undo the last action"
)
def undo_last(request: HttpRequest) -> Any:
    """Undo your most recent action that can still be undone."""
    try:
        return undo.undo(owner=current_user(request))
    except undo.NothingToUndo as exc:
        return Status(404, {"detail": str(exc)})


@router.post(
    "/undo/{record_id}",
    response={200: UndoPublic, 404: MessageResponse},
    summary="Undo an action",
)
def undo_one(request: HttpRequest, record_id: int) -> Any:
    """Undo one action (the id an `Amity-Undo` header or GET /undo gave)."""
    try:
        return undo.undo(owner=current_user(request), record_id=record_id)
    except undo.NothingToUndo as exc:
        return Status(404, {"detail": str(exc)})
