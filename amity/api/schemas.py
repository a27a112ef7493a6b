"""Declare the request and response shapes of the API (XCreate / XUpdate / XPublic)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from amity.core.markdown import render_markdown
from amity.people.models import ContactPoint, Interaction, Person


class ErrorDetail(Schema):
    """One problem with a request: the field it concerns and what is wrong."""

    field: str
    message: str


class ErrorResponse(Schema):
    """A 422 response: every problem found."""

    detail: list[ErrorDetail]


class MessageResponse(Schema):
    """A 401 or 404 response."""

    detail: str


class ContactPointPublic(Schema):
    """A way to reach a person; the first of each kind is the primary one."""

    id: int
    kind: str
    value: str
    label: str
    is_primary: bool


class PersonCreate(Schema):
    """A new person: only `full_name` is required."""

    # Lengths mirror the model columns, so PostgreSQL never sees an over-long value.
    full_name: str = Field(max_length=200)
    company: str = Field("", max_length=200)
    title: str = Field("", max_length=200)
    field: str = Field("", max_length=100)
    location: str = Field("", max_length=200)
    interests: list[str] = Field(default_factory=list, max_length=200)
    how_we_met: str = ""
    notes: str = Field("", description="Markdown")
    looking_for: str = ""
    can_offer: str = ""
    birthday: dt.date | None = None
    connected_on: dt.date | None = None
    linkedin_url: str = Field("", max_length=300)
    emails: list[str] = Field(default_factory=list, max_length=50)
    phones: list[str] = Field(default_factory=list, max_length=50)
    urls: list[str] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=100)


class PersonUpdate(Schema):
    """Changes to a person: fields left out stay as they are; lists replace the old ones."""

    full_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    field: str | None = Field(None, max_length=100)
    location: str | None = Field(None, max_length=200)
    interests: list[str] | None = Field(None, max_length=200)
    how_we_met: str | None = None
    notes: str | None = Field(None, description="Markdown")
    looking_for: str | None = None
    can_offer: str | None = None
    birthday: dt.date | None = None
    connected_on: dt.date | None = None
    linkedin_url: str | None = Field(None, max_length=300)
    emails: list[str] | None = Field(None, max_length=50)
    phones: list[str] | None = Field(None, max_length=50)
    urls: list[str] | None = Field(None, max_length=50)
    tags: list[str] | None = Field(None, max_length=100)


def _contacts_of(person: Person, kind: str) -> list[str]:
    # Iterate .all() so a prefetched page costs no extra query per person.
    return [cp.value for cp in person.contact_points.all() if cp.kind == kind]


class PersonPublic(Schema):
    """A person as the API shows them; `notes_html` is sanitised Markdown."""

    id: int
    uid: UUID
    full_name: str
    sort_name: str
    prefix: str
    given_name: str
    middle_name: str
    family_name: str
    suffix: str
    nickname: str
    company: str
    title: str
    field: str
    location: str
    interests: list[str]
    how_we_met: str
    notes: str
    notes_html: str
    looking_for: str
    can_offer: str
    birthday: dt.date | None
    connected_on: dt.date | None
    linkedin_url: str
    emails: list[str]
    phones: list[str]
    urls: list[str]
    contact_points: list[ContactPointPublic]
    tags: list[str]
    provenance: dict[str, Any] = Field(description="where each field came from (importers)")
    last_interaction_at: dt.datetime | None
    interaction_count: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_notes_html(obj: Person) -> str:
        """Render the notes to safe HTML."""
        return render_markdown(obj.notes) if obj.notes else ""

    @staticmethod
    def resolve_emails(obj: Person) -> list[str]:
        """List email addresses, primary first."""
        return _contacts_of(obj, "email")

    @staticmethod
    def resolve_phones(obj: Person) -> list[str]:
        """List phone numbers, primary first."""
        return _contacts_of(obj, "phone")

    @staticmethod
    def resolve_urls(obj: Person) -> list[str]:
        """List web addresses, primary first."""
        return _contacts_of(obj, "url")

    @staticmethod
    def resolve_contact_points(obj: Person) -> list[ContactPoint]:
        """List every contact point."""
        return list(obj.contact_points.all())

    @staticmethod
    def resolve_tags(obj: Person) -> list[str]:
        """List tag names."""
        return [tag.name for tag in obj.tags.all()]


class InteractionCreate(Schema):
    """A new interaction with one or more of your people (by id).

    Channels, directions and subtypes accept the CLI's aliases ("phone", "in", "intro");
    a subtype alone implies its intent.
    """

    people: list[int] = Field(min_length=1, max_length=500)
    occurred_at: dt.datetime | None = Field(None, description="default: now")
    channel: str = "message"
    direction: str = "outbound"
    intent: str = "neutral"
    subtype: str = ""
    summary: str = ""
    content: str = ""
    source: str = Field("manual", max_length=20)


class InteractionUpdate(Schema):
    """Changes to an interaction: fields left out stay as they are."""

    people: list[int] | None = Field(None, min_length=1, max_length=500)
    occurred_at: dt.datetime | None = None
    channel: str | None = None
    direction: str | None = None
    intent: str | None = None
    subtype: str | None = None
    summary: str | None = None
    content: str | None = None


class InteractionPublic(Schema):
    """An interaction as the API shows it; `people` are person ids."""

    id: int
    uid: UUID
    occurred_at: dt.datetime
    channel: str
    direction: str
    intent: str
    subtype: str
    summary: str
    content: str
    source: str
    external_id: str = Field(description="the importer's key (Message-ID, UID), if any")
    people: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_people(obj: Interaction) -> list[int]:
        """List the ids of the people involved."""
        return [person.pk for person in obj.people.all()]


class TagPublic(Schema):
    """One of your tags, how many people carry it and its contact cadence."""

    id: int
    name: str
    count: int
    cadence_days: int | None = Field(None, description="null: no override, or never remind")
    cadence: str = Field(
        "default", description='"default" (circles decide), "never", "monthly", "45d" ...'
    )


class UserPublic(Schema):
    """The user the request is authenticated as."""

    id: int
    username: str
    email: str
    is_superuser: bool
    date_joined: dt.datetime
