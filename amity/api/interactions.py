"""Serve /interactions: list, log, read, change and delete the caller's interactions."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from amity.api.auth import current_user
from amity.api.pagination import AmityPagination
from amity.api.schemas import (
    ErrorResponse,
    InteractionCreate,
    InteractionPublic,
    InteractionUpdate,
    MessageResponse,
)
from amity.api.undo import offer_undo
from amity.domain import vocabulary
from amity.people import services, timeline
from amity.people.models import Interaction, Person

router = Router(tags=["interactions"])

_NOT_FOUND = {404: MessageResponse}


def interactions_of(owner: AbstractBaseUser) -> QuerySet[Interaction]:
    """Return the owner's interactions, newest first, with their people's ids prefetched."""
    return (
        Interaction.objects.filter(owner=owner)
        .order_by("-occurred_at", "-id")
        .prefetch_related(Prefetch("people", queryset=Person.objects.only("id")))
    )


def interaction_of(request: HttpRequest, interaction_id: int) -> Interaction:
    """Return the caller's interaction with this id, or raise 404 (also for others')."""
    return get_object_or_404(interactions_of(current_user(request)), pk=interaction_id)


def people_by_ids(owner: AbstractBaseUser, ids: Sequence[int]) -> list[Person]:
    """Return the owner's people with these ids, or refuse naming the unknown ones.

    Someone else's person and a missing one get the same answer, so an id says
    nothing about other users.
    """
    found = {p.pk: p for p in Person.objects.filter(owner=owner, pk__in=set(ids))}
    unknown = [str(i) for i in dict.fromkeys(ids) if i not in found]
    if unknown:
        raise services.ValidationError("people", f"unknown person id(s): {', '.join(unknown)}")
    return [found[i] for i in dict.fromkeys(ids)]


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _parsed(field: str, parse: Any, raw: str) -> str:
    """Parse a filter value with the vocabulary, answering 422 for unknown words."""
    try:
        value: str = parse(raw)
    except ValueError as exc:
        raise services.ValidationError(field, str(exc)) from exc
    return value


@router.get(
    "/interactions",
    response={200: list[InteractionPublic], 422: ErrorResponse},
    summary="List interactions",
)
@paginate(AmityPagination)
def list_interactions(
    request: HttpRequest,
    person: int | None = None,
    intent: str = "",
    channel: str = "",
    direction: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Any:
    """List your interactions, newest first.

    `person` is a person id; `since` and `until` (ISO date or date-time) bound
    `occurred_at` (since inclusive, until exclusive). Channels and directions accept
    the CLI's aliases ("phone", "in").
    """
    interactions = interactions_of(current_user(request))
    if person is not None:
        interactions = interactions.filter(people=person)
    if intent:
        interactions = interactions.filter(
            intent=_parsed("intent", vocabulary.parse_intent, intent)
        )
    if channel:
        interactions = interactions.filter(
            channel=_parsed("channel", vocabulary.parse_channel, channel)
        )
    if direction:
        interactions = interactions.filter(
            direction=_parsed("direction", vocabulary.parse_direction, direction)
        )
    if since is not None:
        interactions = interactions.filter(occurred_at__gte=_aware(since))
    if until is not None:
        interactions = interactions.filter(occurred_at__lt=_aware(until))
    return interactions


@router.post(
    "/interactions",
    response={201: InteractionPublic, 422: ErrorResponse},
    summary="Log an interaction",
)
def create_interaction(request: HttpRequest, payload: InteractionCreate) -> Any:
    """Log an interaction with one or more of your people (by id)."""
    owner = current_user(request)
    data = payload.model_dump()
    people = people_by_ids(owner, data.pop("people"))
    interaction = timeline.log_interaction(owner=owner, people=people, **data)
    return Status(201, interaction_of(request, interaction.pk))


@router.get(
    "/interactions/{interaction_id}",
    response={200: InteractionPublic, **_NOT_FOUND},
    summary="Show an interaction",
)
def get_interaction(request: HttpRequest, interaction_id: int) -> Any:
    """Return one of your interactions."""
    return interaction_of(request, interaction_id)


@router.patch(
    "/interactions/{interaction_id}",
    response={200: InteractionPublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Change an interaction",
)
def update_interaction(
    request: HttpRequest, interaction_id: int, payload: InteractionUpdate
) -> Any:
    """Change the fields given; `people` replaces the participants."""
    interaction = interaction_of(request, interaction_id)
    data = payload.model_dump(exclude_unset=True)
    ids = data.pop("people", None)
    people = people_by_ids(current_user(request), ids) if ids is not None else None
    timeline.update_interaction(interaction=interaction, people=people, **data)
    return interaction_of(request, interaction_id)


@router.delete(
    "/interactions/{interaction_id}",
    response={204: None, **_NOT_FOUND},
    summary="Delete an interaction",
)
def delete_interaction(request: HttpRequest, interaction_id: int, response: HttpResponse) -> Any:
    """Delete an interaction; its people's summaries follow.

    The `Amity-Undo` header names the record that brings it back (POST /undo/{id}).
    """
    record = timeline.delete_interaction(interaction=interaction_of(request, interaction_id))
    offer_undo(response, record)
    return Status(204, None)
