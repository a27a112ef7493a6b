"""Turn people, interactions and notes into plain JSON records, and back.

One shape serves the CLI (`--json`) and the export file, so a script that reads
`amity people list --json` can read an export too. Records are built field by field
from the model, which keeps the export lossless when a column is added.

PersonJSON (the export omits "id", which is local to one database)::

    {"id": 12, "uid": "…", "full_name": "Ada Lovelace", "prefix": "", "given_name": "Ada",
     "middle_name": "", "family_name": "Lovelace", "suffix": "", "nickname": "",
     "sort_name": "lovelace ada", "company": "", "title": "", "field": "", "location": "",
     "interests": ["maths"], "how_we_met": "", "notes": "", "looking_for": "",
     "can_offer": "", "birthday": "1815-12-10" | null, "connected_on": null,
     "linkedin_url": "", "provenance": {"company": "manual"}, "search_text": "…",
     "last_interaction_at": "2026-11-02T12:00:00+00:00" | null, "interaction_count": 3,
     "created_at": "…", "updated_at": "…",
     "contact_points": [{"kind": "email", "value": "ada@example.org",
                         "normalized": "ada@example.org", "label": "", "is_primary": true}],
     "tags": ["mentors"]}

InteractionJSON::

    {"id": 7, "uid": "…", "occurred_at": "…", "channel": "call", "direction": "outbound",
     "intent": "deposit", "subtype": "help", "summary": "…", "content": "…",
     "source": "manual", "external_id": "", "created_at": "…",
     "people": [{"id": 12, "uid": "…", "full_name": "Ada Lovelace"}]}

In the export an interaction's "people" is the sorted list of person uids.
Datetimes are ISO 8601 in UTC; dates are YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from amity.people.models import ContactPoint, Interaction, Note, Person


class RecordError(ValueError):
    """A record in a file that cannot be stored, naming the record and the field."""

    def __init__(self, where: str, field: str, message: str) -> None:
        super().__init__(f"{where}: field {field!r}: {message}")
        self.where = where
        self.field = field


def _dump_datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _dump_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _dump_uuid(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class FieldCodec:
    """Convert one model column to its JSON value and back, validating on the way in."""

    key: str
    field: models.Field[Any, Any]
    dump: Callable[[Any], Any]
    # Worked out once: restoring millions of rows checks them millions of times.
    choices: tuple[Any, ...] = ()
    max_length: int | None = None

    def load(self, raw: Any, where: str) -> Any:
        """Return the column value for JSON value `raw`, or raise RecordError."""
        field = self.field
        if raw is None:
            if field.null:
                return None
            raise RecordError(where, self.key, "must not be null")
        try:
            value = _load_value(field, raw)
        except (TypeError, ValueError) as exc:
            raise RecordError(where, self.key, str(exc)) from None
        if self.choices and value not in self.choices and not (field.blank and value == ""):
            allowed = ", ".join(str(choice) for choice in self.choices)
            raise RecordError(where, self.key, f"{raw!r} is not one of: {allowed}")
        if self.max_length and isinstance(value, str) and len(value) > self.max_length:
            raise RecordError(where, self.key, f"is longer than {self.max_length} characters")
        return value


def _load_value(field: models.Field[Any, Any], raw: Any) -> Any:
    """Convert a JSON value to what the column stores; raise ValueError when it cannot."""
    if isinstance(field, models.DateTimeField):
        if not isinstance(raw, str):
            raise TypeError(f"{raw!r} is not an ISO datetime")
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not an ISO datetime") from None
        return timezone.make_aware(value, dt.UTC) if timezone.is_naive(value) else value
    if isinstance(field, models.DateField):
        if not isinstance(raw, str):
            raise TypeError(f"{raw!r} is not a date (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if isinstance(field, models.UUIDField):
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            raise ValueError(f"{raw!r} is not a UUID") from None
    if isinstance(field, models.BooleanField):
        if not isinstance(raw, bool):
            raise TypeError(f"{raw!r} is not true or false")
        return raw
    if isinstance(field, models.IntegerField):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError(f"{raw!r} is not a whole number")
        if isinstance(field, models.PositiveIntegerField) and raw < 0:
            raise ValueError(f"{raw!r} is negative")
        return raw
    if isinstance(field, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError(f"{raw!r} is not a number")
        return float(raw)
    if isinstance(field, models.JSONField):
        default = field.get_default()
        if isinstance(default, list | dict) and not isinstance(raw, type(default)):
            kind = "a list" if isinstance(default, list) else "an object"
            raise TypeError(f"{raw!r} is not {kind}")
        return raw
    if isinstance(field, models.CharField | models.TextField):
        if not isinstance(raw, str):
            raise TypeError(f"{raw!r} is not text")
        return raw
    raise TypeError(f"Amity cannot restore a {type(field).__name__} yet")


def _dumper(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.DateTimeField):
        return _dump_datetime
    if isinstance(field, models.DateField):
        return _dump_date
    if isinstance(field, models.UUIDField):
        return _dump_uuid
    return lambda value: value


def codecs_for(model: type[models.Model], *, skip: Iterable[str]) -> tuple[FieldCodec, ...]:
    """Return a codec for every plain column of `model` except those named in `skip`.

    Relations are left to the caller: they are written as the related row's uid.
    """
    skipped = {"id", "owner", *skip}
    return tuple(
        FieldCodec(
            key=field.name,
            field=field,
            dump=_dumper(field),
            choices=tuple(choice for choice, _ in field.flatchoices) if field.choices else (),
            max_length=getattr(field, "max_length", None),
        )
        for field in model._meta.concrete_fields
        if field.name not in skipped and not field.is_relation
    )


PERSON_CODECS = codecs_for(Person, skip=())
CONTACT_CODECS = codecs_for(ContactPoint, skip=())
INTERACTION_CODECS = codecs_for(Interaction, skip=())
NOTE_CODECS = codecs_for(Note, skip=())


def dump_fields(codecs: Iterable[FieldCodec], values: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON values of a row given as {field name: column value}."""
    return {codec.key: codec.dump(values[codec.key]) for codec in codecs}


def load_fields(
    codecs: Iterable[FieldCodec], record: dict[str, Any], where: str, *, required: Iterable[str]
) -> dict[str, Any]:
    """Return {field name: column value} for a JSON record; defaults fill absent keys."""
    for key in required:
        if key not in record:
            raise RecordError(where, key, "is missing")
    values: dict[str, Any] = {}
    for codec in codecs:
        field = codec.field
        if codec.key in record:
            values[codec.key] = codec.load(record[codec.key], where)
        elif field.has_default() or field.null or field.empty_strings_allowed:
            values[codec.key] = field.get_default()
        else:
            raise RecordError(where, codec.key, "is missing")
    return values


def _instance_values(instance: models.Model, codecs: Iterable[FieldCodec]) -> dict[str, Any]:
    return {codec.key: getattr(instance, codec.field.attname) for codec in codecs}


def contact_record(values: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON record of a contact point given its column values."""
    return dump_fields(CONTACT_CODECS, values)


def person_record(
    values: dict[str, Any], *, contacts: list[dict[str, Any]], tags: Iterable[str]
) -> dict[str, Any]:
    """Return the export record of a person: PersonJSON without "id"."""
    record = dump_fields(PERSON_CODECS, values)
    record["contact_points"] = contacts
    record["tags"] = sorted(tags)
    return record


def person_json(person: Person) -> dict[str, Any]:
    """Return PersonJSON for a person (prefetch contact_points and tags for lists)."""
    contacts = [
        contact_record(_instance_values(cp, CONTACT_CODECS))
        for cp in sorted(
            person.contact_points.all(), key=lambda cp: (cp.kind, not cp.is_primary, cp.pk)
        )
    ]
    tags = [tag.name for tag in person.tags.all()]
    record = person_record(_instance_values(person, PERSON_CODECS), contacts=contacts, tags=tags)
    return {"id": person.pk, **record}


def interaction_record(values: dict[str, Any], *, people: Iterable[str]) -> dict[str, Any]:
    """Return the export record of an interaction; `people` are person uids."""
    record = dump_fields(INTERACTION_CODECS, values)
    record["people"] = sorted(people)
    return record


def note_record(values: dict[str, Any], *, person: str) -> dict[str, Any]:
    """Return the export record of a timeline note; `person` is the person's uid."""
    return {**dump_fields(NOTE_CODECS, values), "person": person}
