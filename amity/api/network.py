"""Serve sharing, the reading list, introductions, referrals and insights.

Answers use the same JSON shapes as the CLI's --json (amity/network/serializers.py).
Every route acts on the caller's own rows; anyone else's id answers 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from amity.api.auth import current_user
from amity.api.schemas import ErrorResponse, MessageResponse
from amity.network import introductions as intros
from amity.network import optin, services
from amity.network.insights import insights
from amity.network.models import Introduction, ReadingItem, Referral
from amity.network.serializers import (
    insights_json,
    introduction_json,
    reading_json,
    referral_json,
    share_json,
    suggestions_json,
)
from amity.people.models import Person

router = Router(tags=["network"])

_NOT_FOUND = {404: MessageResponse}
_NOT_FOUND_OR_INVALID = {404: MessageResponse, 422: ErrorResponse}


class PersonRef(Schema):
    """A person as network answers name them."""

    id: int
    name: str
    title: str
    company: str
    field: str


class ReasonOut(Schema):
    """A quoted piece of a profile that matched."""

    kind: str
    quote: str
    score: float


class ReadingOut(Schema):
    """A saved item of the reading list."""

    id: int
    title: str
    url: str
    created_at: str | None
    archived: bool
    shared_with: list[int]


class ShareMatchOut(Schema):
    """One person who would care, why, and a draft note."""

    person: PersonRef
    score: float = Field(description="how far they stand above your network (a z-score)")
    confidence: str = Field(description='"strong match", "maybe" or "long shot"')
    reasons: list[ReasonOut]
    draft: str


class ShareIn(Schema):
    """What to share, and what else to do with it."""

    text: str = Field(..., max_length=20_000)
    limit: int = Field(5, ge=1, le=50)
    log_person_id: int | None = None
    save: bool = False
    title: str = ""


class ShareOut(Schema):
    """The people who would care most about a text."""

    text_model: str
    backend: str
    subject: str
    pending: int
    stands_out: bool = Field(description="false: nobody stands out, matches are long shots")
    matches: list[ShareMatchOut]
    logged: int | None
    saved: ReadingOut | None


class ReadingIn(Schema):
    """An article or note to keep."""

    text: str = Field(..., max_length=20_000)
    title: str = ""


class IntroReasonOut(Schema):
    """One reason two people should meet."""

    kind: str
    text: str


class SuggestionOut(Schema):
    """Two people worth introducing."""

    a: PersonRef
    b: PersonRef
    score: float
    reasons: list[IntroReasonOut]


class SuggestionsOut(Schema):
    """Suggested introductions and which text matching found them."""

    text_model: str
    backend: str
    people: int
    pending: int
    suggestions: list[SuggestionOut]


class DraftsOut(Schema):
    """The four messages of an introduction."""

    ask_a: str
    ask_b: str
    intro: str
    follow_up: str


class IntroductionOut(Schema):
    """An introduction, where it stands and its drafts."""

    id: int
    state: str
    state_label: str
    next_action: str | None = Field(
        description="ask A | answer A | ask B | answer B | introduce | follow up | null"
    )
    next_step: str = Field(description="the next step in words, with the people's names")
    a: PersonRef
    b: PersonRef
    reason: str
    drafts: DraftsOut
    proposed_at: str | None
    asked_a_at: str | None
    agreed_a_at: str | None
    asked_b_at: str | None
    agreed_b_at: str | None
    introduced_at: str | None
    followed_up_at: str | None
    declined_at: str | None


class IntroductionIn(Schema):
    """Two people to introduce (A is asked first)."""

    a_id: int
    b_id: int
    reason: str = ""


class DraftsIn(Schema):
    """Drafts to change (omit the ones to keep)."""

    ask_a: str | None = None
    ask_b: str | None = None
    intro: str | None = None
    follow_up: str | None = None


class AdvanceIn(Schema):
    """The text actually sent for this step (omit to send the stored draft)."""

    draft: str | None = None


class AnswerIn(Schema):
    """What A or B said when asked."""

    by: Literal["a", "b"]
    agreed: bool
    note: str = ""


class DeclineIn(Schema):
    """Who said no."""

    by: Literal["a", "b", "me"]
    note: str = ""


class ReferralIn(Schema):
    """ "The referrer recommended I talk to these people"."""

    referrer_id: int
    people_ids: list[int] = Field(..., min_length=1)
    note: str = ""


class ReferralOut(Schema):
    """A referral and what was done about it."""

    id: int
    referrer: PersonRef
    person: PersonRef
    note: str
    created_at: str | None
    researched_at: str | None
    thanked_at: str | None


def _person(request: HttpRequest, person_id: int) -> Person:
    return get_object_or_404(Person, owner=current_user(request), pk=person_id)


def _intro(request: HttpRequest, intro_id: int) -> Introduction:
    return get_object_or_404(optin.introductions_for(owner=current_user(request)), pk=intro_id)


@router.post("/share", response={200: ShareOut, **_NOT_FOUND_OR_INVALID}, summary="Who would care")
def share(request: HttpRequest, payload: ShareIn) -> Any:
    """Return the people who would care most about a text, why, and draft notes.

    `log_person_id` records that you sent it to that person (a shared_content deposit);
    `save` keeps it in the reading list.
    """
    owner = current_user(request)
    person = _person(request, payload.log_person_id) if payload.log_person_id else None
    result = services.share(
        owner=owner,
        text=payload.text,
        limit=payload.limit,
        log_person=person,
        save=payload.save,
        title=payload.title,
    )
    return share_json(result)


@router.get("/reading", response=list[ReadingOut], summary="The reading list")
def reading_list(request: HttpRequest, archived: bool = False) -> Any:
    """List saved items, newest first."""
    items = services.reading_list(owner=current_user(request), archived=archived)
    return [reading_json(i) for i in items.prefetch_related("shared_with")]


@router.post("/reading", response={201: ReadingOut, 422: ErrorResponse}, summary="Save an item")
def reading_add(request: HttpRequest, payload: ReadingIn) -> Any:
    """Keep an article or note to share later (the same URL is kept once)."""
    item = services.save_reading(
        owner=current_user(request), text=payload.text, title=payload.title
    )
    return Status(201, reading_json(item))


@router.post(
    "/reading/{item_id}/archive", response={200: ReadingOut, **_NOT_FOUND}, summary="Archive"
)
def reading_archive(request: HttpRequest, item_id: int) -> Any:
    """Take an item off the reading list."""
    item = get_object_or_404(ReadingItem, owner=current_user(request), pk=item_id)
    services.archive_reading(item=item)
    return reading_json(item)


@router.get("/intros/suggestions", response=SuggestionsOut, summary="Suggested introductions")
def suggestions(request: HttpRequest, limit: int = 10, person_id: int | None = None) -> Any:
    """Suggest pairs of your people who would benefit from knowing each other."""
    person = _person(request, person_id) if person_id else None
    found = intros.suggest_introductions(
        owner=current_user(request), limit=max(1, min(limit, 50)), person=person
    )
    return suggestions_json(found)


@router.get("/intros", response=list[IntroductionOut], summary="Introductions")
def introduction_list(request: HttpRequest, active: bool | None = None) -> Any:
    """List introductions (active=true: under way; false: finished or declined)."""
    return [
        introduction_json(i)
        for i in optin.introductions_for(owner=current_user(request), active=active)
    ]


@router.post("/intros", response={201: IntroductionOut, **_NOT_FOUND_OR_INVALID}, summary="Propose")
def propose(request: HttpRequest, payload: IntroductionIn) -> Any:
    """Start an introduction; drafts are written for every step."""
    a, b = _person(request, payload.a_id), _person(request, payload.b_id)
    intro = optin.propose_introduction(owner=current_user(request), a=a, b=b, reason=payload.reason)
    return Status(201, introduction_json(intro))


@router.get("/intros/{intro_id}", response={200: IntroductionOut, **_NOT_FOUND}, summary="Show")
def introduction_detail(request: HttpRequest, intro_id: int) -> Any:
    """Return one introduction and its drafts."""
    return introduction_json(_intro(request, intro_id))


@router.patch(
    "/intros/{intro_id}", response={200: IntroductionOut, **_NOT_FOUND_OR_INVALID}, summary="Edit"
)
def edit_drafts(request: HttpRequest, intro_id: int, payload: DraftsIn) -> Any:
    """Change drafts."""
    changes = {f"{k}_draft": v for k, v in payload.dict(exclude_none=True).items()}
    intro = optin.update_drafts(introduction=_intro(request, intro_id), **changes)
    return introduction_json(intro)


@router.post(
    "/intros/{intro_id}/advance",
    response={200: IntroductionOut, **_NOT_FOUND_OR_INVALID},
    summary="Next step",
)
def advance(request: HttpRequest, intro_id: int, payload: AdvanceIn) -> Any:
    """Take the next step (ask A, ask B, introduce, follow up) and log it.

    While A or B has been asked, record their answer first (POST .../answer): nobody is
    introduced before both said yes.
    """
    intro = optin.advance_introduction(introduction=_intro(request, intro_id), draft=payload.draft)
    return introduction_json(intro)


@router.post(
    "/intros/{intro_id}/answer",
    response={200: IntroductionOut, **_NOT_FOUND_OR_INVALID},
    summary="Record an answer",
)
def answer(request: HttpRequest, intro_id: int, payload: AnswerIn) -> Any:
    """Record A's or B's yes (the next step opens) or no (declined for good)."""
    intro = optin.answer_introduction(
        introduction=_intro(request, intro_id),
        by=payload.by,
        agreed=payload.agreed,
        note=payload.note,
    )
    return introduction_json(intro)


@router.post(
    "/intros/{intro_id}/decline",
    response={200: IntroductionOut, **_NOT_FOUND_OR_INVALID},
    summary="Decline",
)
def decline(request: HttpRequest, intro_id: int, payload: DeclineIn) -> Any:
    """Record that A, B or you said no; the pair is never suggested again."""
    intro = optin.decline_introduction(
        introduction=_intro(request, intro_id), by=payload.by, note=payload.note
    )
    return introduction_json(intro)


@router.get("/referrals", response=list[ReferralOut], summary="Referrals")
def referral_list(request: HttpRequest) -> Any:
    """List who recommended you talk to whom."""
    return [referral_json(r) for r in services.referrals_for(owner=current_user(request))]


@router.post(
    "/referrals", response={201: list[ReferralOut], **_NOT_FOUND_OR_INVALID}, summary="Record"
)
def referral_add(request: HttpRequest, payload: ReferralIn) -> Any:
    """Record that the referrer recommended you talk to each of these people."""
    referrer = _person(request, payload.referrer_id)
    people = [_person(request, pk) for pk in payload.people_ids]
    made = services.add_referrals(
        owner=current_user(request), referrer=referrer, people=people, note=payload.note
    )
    return Status(201, [referral_json(r) for r in made])


@router.post(
    "/referrals/{referral_id}/{step}",
    response={200: ReferralOut, **_NOT_FOUND},
    summary="Researched or thanked",
)
def referral_step(
    request: HttpRequest, referral_id: int, step: Literal["researched", "thank"]
) -> Any:
    """Mark a referral researched, or thank the referrer (logs a thanks deposit)."""
    referral = get_object_or_404(
        Referral.objects.select_related("referrer", "person"),
        owner=current_user(request),
        pk=referral_id,
    )
    if step == "thank":
        services.thank_referrer(referral=referral)
    else:
        services.mark_researched(referral=referral)
    return referral_json(referral)


@router.get("/insights", response=dict[str, Any], summary="Network breadth")
def network_insights(request: HttpRequest) -> Any:
    """Return the breadth measures (the same shape as `amity insights --json`)."""
    return insights_json(insights(owner=current_user(request)))
