"""Serve the message coach and inbound triage.

POST /coach reads a draft (optionally for one of the caller's people); GET /triage
groups the caller's inbound messages; POST /triage/{id}/label corrects one. Someone
else's person or message is a 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from amity.api.auth import current_user
from amity.api.people import person_of
from amity.api.schemas import ErrorResponse, MessageResponse
from amity.inbox import moves, services

router = Router(tags=["coach"])

Group = Literal["trusted", "genuine_new", "asks", "cold_pitch"]
Source = Literal["all", "linkedin", "mbox"]


class SpanPublic(Schema):
    """A stretch of the message: character offsets [start, end) and its text."""

    start: int
    end: int
    text: str


class TraitPublic(Schema):
    """One of the five qualities, scored 0..100, with the words that show it."""

    code: str
    label: str
    score: int
    evidence: list[SpanPublic]


class FlagPublic(Schema):
    """A problem and the exact span that triggered it."""

    code: str = Field(description="ask_first_contact, template, vague_ask, pressure, ...")
    label: str
    start: int
    end: int
    text: str
    detail: str


class SuggestionPublic(Schema):
    """A concrete rewrite of a flagged span, or something to add."""

    code: str
    advice: str
    span: SpanPublic | None
    rewrite: str | None


class RecipientPublic(Schema):
    """What the coach knew about the recipient."""

    name: str
    tie: str = Field(description="close, known, dormant or none")
    balance: float
    days_since: int | None
    dormant: bool


class CoachRequest(Schema):
    """A draft to read, and optionally the id of the person it is for."""

    text: str = Field(min_length=1, max_length=20000)
    to: int | None = Field(default=None, description="id of one of your people")


class CoachPublic(Schema):
    """How a draft will land."""

    verdict: Literal["relational", "transactional"]
    score: int = Field(description="0..100, higher is more personal and generous")
    words: int
    text_model: str
    traits: list[TraitPublic]
    flags: list[FlagPublic]
    suggestions: list[SuggestionPublic]
    reasons: list[str]
    recipient: RecipientPublic | None


class SenderPublic(Schema):
    """Who sent a message."""

    id: int
    name: str


class ReplyPublic(Schema):
    """A reply draft for a cold message, for the user to send or not (Amity never does)."""

    kind: Literal["decline", "redirect", "invite"]
    label: str
    text: str
    to: str


class TriagedPublic(Schema):
    """One inbound message, where it landed and why."""

    id: int
    occurred_at: str
    source: str
    channel: str
    sender: SenderPublic | None
    subject: str
    preview: str
    group: Group
    text_class: str
    scores: dict[str, float]
    reasons: list[str]
    balance: dict[str, float] | None
    corrected: bool
    reply: ReplyPublic | None = None


class TriageGroupPublic(Schema):
    """One group: its size and newest messages."""

    group: Group
    label: str
    help: str
    count: int
    messages: list[TriagedPublic]


class TriagePublic(Schema):
    """The caller's inbound messages in four groups."""

    source: str
    total: int
    counts: dict[str, int]
    groups: list[TriageGroupPublic]


class TriageFilters(Schema):
    """Which messages to triage and how many to list per group."""

    source: Source = "all"
    limit: int = Field(default=20, ge=0, le=500, description="messages listed per group")


class LabelRequest(Schema):
    """The group a message belongs in, and whether similar messages follow."""

    group: Group
    follow: bool = Field(
        default=True,
        description="the sender's other messages and look-alikes follow (false: only this one)",
    )


class MoveCountPublic(Schema):
    """A group's count before and after a move."""

    before: int
    after: int


class MovedPublic(Schema):
    """One message a move would change."""

    id: int
    sender: str
    subject: str
    from_group: Group
    to_group: Group


class MoveOptionPublic(Schema):
    """What one way of moving a message would change."""

    follow: bool
    moves: int
    counts: dict[str, MoveCountPublic]
    changed: list[MovedPublic]


class MovePreviewPublic(Schema):
    """What moving a message would change, before anything is written."""

    id: int
    group: Group
    label: str
    from_group: Group
    options: list[MoveOptionPublic]


class LabelPublic(Schema):
    """A message's label after a change."""

    id: int
    group: Group | None
    labelled: bool


@router.post(
    "/coach",
    response={200: CoachPublic, 404: MessageResponse, 422: ErrorResponse},
    summary="Read a draft message",
)
def coach(request: HttpRequest, payload: CoachRequest) -> Any:
    """Say whether a draft reads relational or transactional, with flags and fixes."""
    owner = current_user(request)
    person = person_of(request, payload.to) if payload.to is not None else None
    return services.coach_message(owner=owner, text=payload.text, to=person).as_dict()


@router.get("/triage", response=TriagePublic, summary="Triage inbound messages")
def triage(request: HttpRequest, filters: Query[TriageFilters]) -> Any:
    """Group the caller's inbound messages into trusted, genuine new, asks, cold pitches."""
    return services.triage_inbox(
        owner=current_user(request), source=filters.source, limit=filters.limit
    )


@router.post(
    "/triage/{interaction_id}/label",
    response={200: LabelPublic, 404: MessageResponse, 422: ErrorResponse},
    summary="Correct a message's group",
)
def label(request: HttpRequest, interaction_id: int, payload: LabelRequest) -> Any:
    """Put one inbound message in a group; its sender and look-alikes follow."""
    try:
        saved = moves.relabel(
            owner=current_user(request),
            interaction_id=interaction_id,
            group=payload.group,
            follow=payload.follow,
        )
    except LookupError:
        raise Http404("no such message") from None
    return {"id": saved.interaction_id, "group": saved.group, "labelled": True}


@router.get(
    "/triage/{interaction_id}/preview",
    response={200: MovePreviewPublic, 404: MessageResponse, 422: ErrorResponse},
    summary="Preview moving a message",
)
def preview(request: HttpRequest, interaction_id: int, group: Group) -> Any:
    """Say how many messages a move would change and which group counts, writing nothing."""
    try:
        return moves.preview_move(
            owner=current_user(request), interaction_id=interaction_id, group=group
        )
    except LookupError:
        raise Http404("no such message") from None


@router.delete(
    "/triage/{interaction_id}/label",
    response={200: LabelPublic, 404: MessageResponse},
    summary="Forget a message's label",
)
def unlabel(request: HttpRequest, interaction_id: int) -> Any:
    """Let triage decide again for one message."""
    if not moves.clear_label(owner=current_user(request), interaction_id=interaction_id):
        raise Http404("no label on that message")
    return {"id": interaction_id, "group": None, "labelled": False}
