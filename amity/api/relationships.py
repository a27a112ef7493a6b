"""Serve the relationship engine: today's list, tie strength, balance, snooze and done.

Every route works on the caller's own people; someone else's person is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from amity.api.auth import current_user
from amity.api.interactions import interaction_of
from amity.api.pagination import MAX_LIMIT
from amity.api.people import person_of
from amity.api.schemas import ErrorResponse, InteractionPublic, MessageResponse
from amity.api.undo import offer_undo
from amity.domain import vocabulary
from amity.people import services
from amity.relationships import scoring as relationships
from amity.relationships import ties, today

router = Router(tags=["relationships"])

_NOT_FOUND = {404: MessageResponse}


class ReasonPublic(Schema):
    """Why someone is on today's list."""

    code: str = Field(description="snooze_due, birthday, job_change, unthanked, ...")
    text: str


class ReadingSuggestion(Schema):
    """An article from the reading list that fits the person."""

    item_id: int
    title: str
    url: str
    text: str


class TodayReading(ReadingSuggestion):
    """A reading-list article to share with someone on today's list."""

    person_id: int


class TodayIntroStep(Schema):
    """A pending step of a double-opt-in introduction."""

    introduction_id: int
    person_ids: list[int]
    action: str
    text: str


class TodayReferralStep(Schema):
    """A pending step of a referral (thank the referrer, follow up)."""

    referral_id: int
    person_id: int
    action: str
    text: str


class TodayNetwork(Schema):
    """The network's pending steps that Today shows beside the list."""

    reading: list[TodayReading]
    introductions: list[TodayIntroStep]
    referrals: list[TodayReferralStep]


class TodayItem(Schema):
    """One person on today's list with a 60-second action."""

    rank: int
    id: int
    name: str
    circle: int
    circle_name: str
    score: float
    priority: float
    reason: str
    reasons: list[ReasonPublic]
    action: str
    action_subtype: str
    done: bool
    reading: ReadingSuggestion | None


class TodayPublic(Schema):
    """Today's short list (kept for the day; never yesterday's people again)."""

    day: dt.date
    cached: bool
    items: list[TodayItem]
    network: TodayNetwork | None


class StrengthComponents(Schema):
    """The six components of tie strength, each in 0..1."""

    recency: float
    frequency: float
    duration: float
    reciprocity: float
    depth: float
    balance: float


class StrengthPublic(Schema):
    """One person's tie strength, circle, cadence and dormancy."""

    id: int
    name: str
    score: float
    circle: int
    circle_name: str
    cadence_days: int | None
    last_interaction: dt.datetime | None
    days_since: int | None
    count_90d: int
    reciprocity: float
    dormant: bool
    revival: float | None
    components: StrengthComponents


class StrengthPage(Schema):
    """A page of people by tie strength, strongest first."""

    items: list[StrengthPublic]
    count: int


class DepositIdea(Schema):
    """A concrete deposit that fits the person."""

    subtype: str
    text: str


class LedgerCounts(Schema):
    """How many entries each side of the ledger has."""

    gave: int
    received: int
    asked: int
    were_asked: int


class PersonRef(Schema):
    """Who an answer is about."""

    id: int
    name: str


class BalancePublic(Schema):
    """The two-sided give/ask ledger with one person and the verdict on asking."""

    person: PersonRef
    as_of: dt.datetime
    gave: float
    received: float
    asked: float
    were_asked: float
    counts: LedgerCounts
    ratio: float | None
    target: float
    verdict: str = Field(description="ready, deposits_first, never_asked or overdrawn")
    label: str
    deposits_needed: int
    explanation: str
    suggestions: list[DepositIdea]


class NetworkBalancePublic(Schema):
    """Giver or taker across the network, and whom you have only ever asked."""

    stance: str = Field(description="giver, balanced, taker or no history")
    gave: float
    received: float
    asked: float
    were_asked: float
    ratio: float | None
    target: float
    only_asked: list[PersonRef]


class SnoozeCreate(Schema):
    """How long to snooze: a duration (30d, 2w, 3m, 1y) or a date."""

    duration: str = Field("30d", description="30d, 2w, 3m, 1y, or YYYY-MM-DD")


class SnoozePublic(Schema):
    """A snooze: the person stays off today's list until `until`."""

    id: int
    name: str
    until: dt.date
    undo_id: int = Field(description="POST /undo/{undo_id} lifts it again")


class DoneCreate(Schema):
    """What was done; without a subtype, today's suggested action decides."""

    subtype: str | None = Field(None, description="a deposit subtype, or '' for a plain touch")
    channel: str = "message"
    note: str = ""


@router.get("/today", response=TodayPublic, summary="Today's short list")
def get_today(request: HttpRequest, limit: int = Query(5, ge=1, le=50)) -> Any:  # noqa: B008
    """Return who to contact today, why, and a 60-second action for each."""
    return today.today_list(owner=current_user(request), limit=limit)


@router.get("/strength", response=StrengthPage, summary="Everyone by tie strength")
def list_strength(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),  # noqa: B008
    offset: int = Query(0, ge=0),  # noqa: B008
    dormant: bool = False,
) -> Any:
    """List your people strongest first; `dormant=true` lists the revival queue."""
    rows = ties.strength_rows(owner=current_user(request), as_of=timezone.now())
    if dormant:
        rows = sorted((r for r in rows if r["dormant"]), key=lambda r: -r["revival"])
    return {"items": rows[offset : offset + limit], "count": len(rows)}


@router.get(
    "/people/{person_id}/strength",
    response={200: StrengthPublic, **_NOT_FOUND},
    summary="One person's tie strength",
)
def get_strength(request: HttpRequest, person_id: int) -> Any:
    """Return one person's tie strength, circle, cadence and dormancy."""
    return ties.person_strength(person=person_of(request, person_id))


@router.get(
    "/people/{person_id}/balance",
    response={200: BalancePublic, **_NOT_FOUND},
    summary="One person's give/ask balance",
)
def get_balance(request: HttpRequest, person_id: int) -> Any:
    """Return what you gave and asked (and they did), with the verdict and deposits."""
    return relationships.balance_for(person=person_of(request, person_id), as_of=timezone.now())


@router.get(
    "/people/{person_id}/can-i-ask",
    response={200: BalancePublic, **_NOT_FOUND},
    summary="May I ask this person yet?",
)
def can_i_ask(request: HttpRequest, person_id: int) -> Any:
    """Return the verdict (ready, deposits_first, never_asked, overdrawn) and why."""
    return relationships.balance_for(person=person_of(request, person_id), as_of=timezone.now())


@router.get("/balance", response=NetworkBalancePublic, summary="Your balance across the network")
def get_network_balance(request: HttpRequest) -> Any:
    """Return whether you give more than you ask overall, and whom you only asked."""
    return relationships.network_balance(owner=current_user(request), as_of=timezone.now())


@router.post(
    "/people/{person_id}/snooze",
    response={200: SnoozePublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Snooze a person",
)
def snooze(
    request: HttpRequest, person_id: int, payload: SnoozeCreate, response: HttpResponse
) -> Any:
    """Keep a person off today's list until the snooze ends."""
    person = person_of(request, person_id)
    try:
        until = today.parse_duration(payload.duration, today=timezone.localdate())
    except ValueError as exc:
        raise services.ValidationError("duration", str(exc)) from None
    record = today.snooze(person=person, until=until)
    offer_undo(response, record)
    return {"id": person.pk, "name": person.full_name, "until": until, "undo_id": record.pk}


@router.post(
    "/people/{person_id}/done",
    response={201: InteractionPublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Log that you reached out",
)
def done(request: HttpRequest, person_id: int, payload: DoneCreate, response: HttpResponse) -> Any:
    """Log the touch or deposit (today's suggestion by default) and tick it off.

    The `Amity-Undo` header names the record that takes it back (POST /undo/{id}).
    """
    person = person_of(request, person_id)
    subtype = payload.subtype
    try:
        if subtype:
            subtype = vocabulary.parse_subtype(subtype, intent="deposit")
    except ValueError as exc:
        raise services.ValidationError("subtype", str(exc)) from None
    try:
        channel = vocabulary.parse_channel(payload.channel)
    except ValueError as exc:
        raise services.ValidationError("channel", str(exc)) from None
    done = today.mark_done(
        owner=current_user(request),
        person=person,
        subtype=subtype,
        channel=channel,
        note=payload.note,
    )
    offer_undo(response, done.undo)
    return Status(201, interaction_of(request, done.interaction.pk))
