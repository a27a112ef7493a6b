"""Serve /people: list, search, create, read, change and delete the caller's people."""

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from amity.api.auth import current_user
from amity.api.interactions import interactions_of
from amity.api.pagination import AmityPagination
from amity.api.schemas import (
    ErrorResponse,
    InteractionPublic,
    MessageResponse,
    PersonCreate,
    PersonPublic,
    PersonUpdate,
)
from amity.api.undo import offer_undo
from amity.people import services
from amity.people.models import Person

router = Router(tags=["people"])

_NOT_FOUND = {404: MessageResponse}
# The service's sort names (services.SORTS), as an enum the OpenAPI document lists.
SortKey = Literal["name", "-name", "company", "field", "recent", "added"]


def with_details(people: QuerySet[Person]) -> QuerySet[Person]:
    """Fetch contact points and tags alongside, in one query each per page."""
    return people.prefetch_related("contact_points", "tags")


def person_of(request: HttpRequest, person_id: int) -> Person:
    """Return the caller's person with this id, or raise 404 (also for others' people)."""
    mine = Person.objects.filter(owner=current_user(request))
    return get_object_or_404(with_details(mine), pk=person_id)


@router.get("/people", response=list[PersonPublic], summary="List and search people")
@paginate(AmityPagination)
def list_people(
    request: HttpRequest,
    q: str = "",
    tag: str = "",
    field: str = "",
    company: str = "",
    sort: SortKey = "name",
) -> Any:
    """List your people, filtered and sorted.

    `q` matches every word against name, company, title, field, location, emails and
    interests; `tag`, `field` and `company` match exactly. `sort` is one of name,
    -name, company, field, recent (last interaction first) or added (newest first).
    """
    people = services.people_for(
        owner=current_user(request), query=q, tag=tag, field=field, company=company, sort=sort
    )
    return with_details(people)


@router.post("/people", response={201: PersonPublic, 422: ErrorResponse}, summary="Add a person")
def create_person(request: HttpRequest, payload: PersonCreate) -> Any:
    """Add a person; emails, phones and urls list the primary one first."""
    person = services.create_person(owner=current_user(request), **payload.model_dump())
    return Status(201, person_of(request, person.pk))


@router.get(
    "/people/{person_id}", response={200: PersonPublic, **_NOT_FOUND}, summary="Show a person"
)
def get_person(request: HttpRequest, person_id: int) -> Any:
    """Return one of your people."""
    return person_of(request, person_id)


@router.patch(
    "/people/{person_id}",
    response={200: PersonPublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Change a person",
)
def update_person(request: HttpRequest, person_id: int, payload: PersonUpdate) -> Any:
    """Change the fields given; lists (emails, tags, ...) replace the old ones."""
    person = person_of(request, person_id)
    services.update_person(person=person, **payload.model_dump(exclude_unset=True))
    return person_of(request, person_id)


@router.delete("/people/{person_id}", response={204: None, **_NOT_FOUND}, summary="Delete a person")
def delete_person(request: HttpRequest, person_id: int, response: HttpResponse) -> Any:
    """Delete a person and the interactions that involved only them.

    The `Amity-Undo` header names the record that brings them back (POST /undo/{id}).
    """
    offer_undo(response, services.delete_person(person=person_of(request, person_id)))
    return Status(204, None)


@router.get(
    "/people/{person_id}/interactions",
    response={200: list[InteractionPublic], **_NOT_FOUND},
    summary="List a person's interactions",
)
@paginate(AmityPagination)
def list_person_interactions(request: HttpRequest, person_id: int) -> Any:
    """List the interactions with one of your people, newest first."""
    person = person_of(request, person_id)
    return interactions_of(current_user(request)).filter(people=person)
