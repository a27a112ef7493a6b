"""Write a person's timeline: log, change and delete interactions; add and delete notes.

Every write of an interaction refreshes its people's counts and tells the listeners
in core.hooks (the relationship engine rebuilds its summaries), so nothing downstream
rescans the whole network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from amity.core import hooks
from amity.domain import vocabulary
from amity.people.models import Interaction, Note, Person
from amity.people.services import ValidationError


def refresh_summaries(*, person_ids: Iterable[int]) -> None:
    """Recompute last_interaction_at and interaction_count for these people.

    Then tells whoever listens (core.hooks; the relationship engine rebuilds its
    summaries), so tie strength and today's list never rescan the whole network.
    """
    ids = list(set(person_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = (
            Person.objects.filter(pk__in=chunk)
            .annotate(last=Max("interactions__occurred_at"), n=Count("interactions"))
            .values("pk", "last", "n", "last_interaction_at", "interaction_count")
        )
        # Write only what changed, in one statement per chunk: imports and restores
        # call this for every person they touched.
        changed = [
            Person(pk=row["pk"], last_interaction_at=row["last"], interaction_count=row["n"])
            for row in rows
            if (row["last"], row["n"]) != (row["last_interaction_at"], row["interaction_count"])
        ]
        Person.objects.bulk_update(changed, ["last_interaction_at", "interaction_count"])
    hooks.people_changed(person_ids=ids)


@transaction.atomic
def log_interaction(
    *,
    owner: AbstractBaseUser,
    people: Sequence[Person],
    occurred_at: dt.datetime | None = None,
    channel: str = "message",
    direction: str = "outbound",
    intent: str = "neutral",
    subtype: str = "",
    summary: str = "",
    content: str = "",
    source: str = "manual",
    external_id: str = "",
) -> Interaction:
    """Record an interaction with one or more of the owner's people; return it."""
    if not people:
        raise ValidationError("people", "an interaction needs at least one person")
    if any(p.owner_id != owner.pk for p in people):
        raise ValidationError("people", "unknown person")
    try:
        channel = vocabulary.parse_channel(channel)
        direction = vocabulary.parse_direction(direction)
        if subtype and intent == "neutral":
            # "--subtype thanks" alone is enough: the subtype implies the intent.
            intent = vocabulary.intent_of_subtype(vocabulary.parse_any_subtype(subtype))
        intent = vocabulary.parse_intent(intent)
        subtype = vocabulary.parse_subtype(subtype, intent=intent) if subtype else ""
    except ValueError as exc:
        raise ValidationError("interaction", str(exc)) from exc
    when = occurred_at or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    interaction = Interaction.objects.create(
        owner=owner,
        occurred_at=when,
        channel=channel,
        direction=direction,
        intent=intent,
        subtype=subtype,
        summary=summary.strip(),
        content=content,
        source=source,
        external_id=external_id,
    )
    interaction.people.set(people)
    refresh_summaries(person_ids=[p.pk for p in people])
    return interaction


@transaction.atomic
def _participant_ids(interaction: Interaction) -> list[int]:
    """Return the ids of the interaction's people (read afresh: not a prefetched list)."""
    people = Person.objects.filter(owner_id=interaction.owner_id, interactions=interaction)
    return list(people.values_list("pk", flat=True))


def delete_interaction(*, interaction: Interaction) -> None:
    """Delete an interaction and refresh the summaries of its people."""
    ids = _participant_ids(interaction)
    interaction.delete()
    refresh_summaries(person_ids=ids)


_INTERACTION_FIELDS = (
    "occurred_at",
    "channel",
    "direction",
    "intent",
    "subtype",
    "summary",
    "content",
)


@transaction.atomic
def update_interaction(
    *, interaction: Interaction, people: Sequence[Person] | None = None, **fields: Any
) -> Interaction:
    """Change the given fields of an interaction; refresh the summaries of its people.

    `people` (when given) replaces the participants. A new subtype implies its intent,
    as when logging; a new intent drops a subtype that no longer fits it.
    """
    for name in fields:
        if name not in _INTERACTION_FIELDS:
            raise ValidationError(name, "is not a field of an interaction")
    before = set(_participant_ids(interaction))
    if people is not None:
        if not people:
            raise ValidationError("people", "an interaction needs at least one person")
        if any(p.owner_id != interaction.owner_id for p in people):
            raise ValidationError("people", "unknown person")
    for name, parse in (
        ("channel", vocabulary.parse_channel),
        ("direction", vocabulary.parse_direction),
    ):
        if name in fields:
            try:
                setattr(interaction, name, parse(fields[name] or ""))
            except ValueError as exc:
                raise ValidationError(name, str(exc)) from exc
    _apply_intent(interaction, fields)
    if "occurred_at" in fields:
        when = fields["occurred_at"]
        if when is None:
            raise ValidationError("occurred_at", "an interaction needs a time")
        interaction.occurred_at = timezone.make_aware(when) if timezone.is_naive(when) else when
    for name in ("summary", "content"):
        if name in fields:
            value = fields[name] or ""
            setattr(interaction, name, value.strip() if name == "summary" else value)
    interaction.save()
    if people is not None:
        interaction.people.set(people)
    refresh_summaries(person_ids=before | {p.pk for p in people or ()})
    return interaction


def _apply_intent(interaction: Interaction, fields: dict[str, Any]) -> None:
    """Set intent and subtype from `fields`, keeping the pair consistent."""
    subtype = (fields["subtype"] or "") if "subtype" in fields else interaction.subtype
    intent = interaction.intent
    if "intent" in fields:
        try:
            intent = vocabulary.parse_intent(fields["intent"] or "")
        except ValueError as exc:
            raise ValidationError("intent", str(exc)) from exc
    try:
        if "intent" not in fields and "subtype" in fields and subtype:
            intent = vocabulary.intent_of_subtype(vocabulary.parse_any_subtype(subtype))
        # A subtype kept from before may belong to the old intent: drop it, don't fail.
        stale = bool(
            "subtype" not in fields and subtype and vocabulary.intent_of_subtype(subtype) != intent
        )
        subtype = vocabulary.parse_subtype(subtype, intent=intent) if subtype and not stale else ""
    except ValueError as exc:
        raise ValidationError("subtype", str(exc)) from exc
    interaction.intent, interaction.subtype = intent, subtype


@transaction.atomic
def add_note(*, person: Person, body: str) -> Note:
    """Add a dated Markdown note to a person's timeline."""
    if not body.strip():
        raise ValidationError("body", "a note cannot be empty")
    return Note.objects.create(owner_id=person.owner_id, person=person, body=body.strip())


@transaction.atomic
def delete_note(*, note: Note) -> None:
    """Delete a note from a person's timeline."""
    note.delete()
