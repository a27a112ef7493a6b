"""Serve contact cadences: read and set a person's or a tag's (PUT "default" removes it).

Every route works on the caller's own people and tags; anyone else's is a 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from amity.api.auth import current_user
from amity.api.people import person_of
from amity.api.schemas import ErrorResponse, MessageResponse
from amity.people import services
from amity.people.models import Person, Tag
from amity.relationships import cadences, ties

router = Router(tags=["relationships"])

_NOT_FOUND = {404: MessageResponse}


class CadenceUpdate(Schema):
    """A contact cadence to set, or "default" to remove the override."""

    cadence: str = Field(
        max_length=40,
        description=(
            "weekly, fortnightly, monthly, quarterly, half-yearly, yearly, never, a number "
            'of days (45d, 6w, 3m), or "default" to remove the override'
        ),
    )


class PersonCadencePublic(Schema):
    """The contact cadence that applies to a person, and where it comes from."""

    id: int
    name: str
    cadence_days: int | None = Field(description="days between touches; null: no reminders")
    cadence: str = Field(description='"monthly", "every 45 days" or "no reminders"')
    source: Literal["person", "tag", "circle"] = Field(
        description="the person's own setting, a tag's, or the circle's default"
    )
    tag: str | None = Field(description="the tag whose cadence applies (source tag only)")
    setting: str = Field(description='what is set for this person: "default", "monthly", "45d"')


class TagCadencePublic(Schema):
    """A tag's contact cadence; "default" leaves its people to their circles' cadences."""

    id: int
    name: str
    cadence_days: int | None = Field(description="null: no override, or never remind")
    setting: str = Field(description='"default", "never", "monthly", "45d" ...')


def tag_of(request: HttpRequest, tag_id: int) -> Tag:
    """Return the caller's tag with this id, or raise 404 (also for others' tags)."""
    return get_object_or_404(Tag, pk=tag_id, owner=current_user(request))


def parse(raw: str) -> cadences.Choice:
    """Parse the body's cadence; a bad one is a 422 naming the field."""
    try:
        return cadences.parse_choice(raw)
    except ValueError as exc:
        raise services.ValidationError("cadence", str(exc)) from None


def person_cadence_of(person: Person) -> dict[str, Any]:
    """Describe the cadence that applies to `person` now."""
    circle = ties.person_strength(person=person)["circle"]
    found = cadences.person_cadence(person=person, circle=circle)
    return {
        "id": person.pk,
        "name": person.full_name,
        "cadence_days": found.days,
        "cadence": found.text,
        "source": found.source,
        "tag": found.tag or None,
        "setting": found.setting,
    }


def tag_cadence_of(tag: Tag) -> dict[str, Any]:
    """Describe a tag's cadence override (or its absence)."""
    override = cadences.tag_cadence(tag)
    return {
        "id": tag.pk,
        "name": tag.name,
        "cadence_days": override.days if override else None,
        "setting": cadences.setting_for(override.days) if override else cadences.DEFAULT,
    }


@router.get(
    "/people/{person_id}/cadence",
    response={200: PersonCadencePublic, **_NOT_FOUND},
    summary="A person's contact cadence",
)
def get_person_cadence(request: HttpRequest, person_id: int) -> Any:
    """Return the cadence that applies to a person: their own, a tag's or their circle's."""
    return person_cadence_of(person_of(request, person_id))


@router.put(
    "/people/{person_id}/cadence",
    response={200: PersonCadencePublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Set a person's contact cadence",
)
def put_person_cadence(request: HttpRequest, person_id: int, payload: CadenceUpdate) -> Any:
    """Set a person's own cadence ("monthly", "45d", "never"); "default" removes it."""
    person = person_of(request, person_id)
    choice = parse(payload.cadence)
    cadences.apply_choice(owner=current_user(request), choice=choice, person=person)
    return person_cadence_of(person)


@router.get(
    "/tags/{tag_id}/cadence",
    response={200: TagCadencePublic, **_NOT_FOUND},
    summary="A tag's contact cadence",
)
def get_tag_cadence(request: HttpRequest, tag_id: int) -> Any:
    """Return the cadence set for everyone with a tag ("default" when none is)."""
    return tag_cadence_of(tag_of(request, tag_id))


@router.put(
    "/tags/{tag_id}/cadence",
    response={200: TagCadencePublic, 422: ErrorResponse, **_NOT_FOUND},
    summary="Set a tag's contact cadence",
)
def put_tag_cadence(request: HttpRequest, tag_id: int, payload: CadenceUpdate) -> Any:
    """Set the cadence of everyone with a tag; a person's own cadence still wins."""
    tag = tag_of(request, tag_id)
    choice = parse(payload.cadence)
    cadences.apply_choice(owner=current_user(request), choice=choice, tag=tag)
    return tag_cadence_of(tag)
