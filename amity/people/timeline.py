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

from amity.core import hooks, undo
from amity.core.models import UndoRecord
from amity.domain import vocabulary
from amity.people import validation
from amity.people.models import Interaction, Note, Person
from amity.people.validation import ValidationError


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
    channel = validation.channel(channel)
    direction = validation.direction(direction)
    intent, subtype = validation.intent_and_subtype(intent, subtype)
    when = validation.occurred_at(occurred_at) if occurred_at else timezone.now()
    summary = validation.text(summary, field="summary", limit=validation.MAX_SUMMARY)
    content = validation.text(content, field="content", limit=validation.MAX_CONTENT, strip=False)
    interaction = Interaction.objects.create(
        owner=owner,
        occurred_at=when,
        channel=channel,
        direction=direction,
        intent=intent,
        subtype=subtype,
        summary=summary,
        content=content,
        source=source,
        external_id=external_id,
    )
    interaction.people.set(people)
    refresh_summaries(person_ids=[p.pk for p in people])
    return interaction


UNDO_DELETE = "people.delete"


def describe(interaction: Interaction, names: Sequence[str]) -> str:
    """Return "the call with Ada Lovelace on 3 Nov 2026" for confirmations."""
    when = timezone.localtime(interaction.occurred_at)
    shown = list(names[:3]) + ([f"{len(names) - 3} more"] if len(names) > 3 else [])
    if len(shown) <= 1:
        who = "".join(shown) or "nobody"
    else:
        who = f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f"the {interaction.get_channel_display().lower()} with {who} on {when:%-d %b %Y}"


def _participant_ids(interaction: Interaction) -> list[int]:
    """Return the ids of the interaction's people (read afresh: not a prefetched list)."""
    people = Person.objects.filter(owner_id=interaction.owner_id, interactions=interaction)
    return list(people.values_list("pk", flat=True))


@transaction.atomic
def delete_interaction(*, interaction: Interaction) -> UndoRecord:
    """Delete an interaction and refresh its people's summaries; return the undo record."""
    people = list(
        Person.objects.filter(owner_id=interaction.owner_id, interactions=interaction)
        .order_by("sort_name")
        .values_list("pk", "full_name")
    )
    ids = [pk for pk, _ in people]
    record = undo.record(
        owner=interaction.owner,
        kind=UNDO_DELETE,
        label=f"Deleted {describe(interaction, [name for _, name in people])}",
        payload={"rows": undo.snapshot_deletion([interaction]), "person_ids": ids},
    )
    interaction.delete()
    refresh_summaries(person_ids=ids)
    return record


def restore_deleted(owner: AbstractBaseUser, payload: dict[str, Any]) -> None:
    """Put back the rows a delete took (an undo handler); refresh their people."""
    restored = undo.restore_rows(payload["rows"])
    if any(
        model.objects.filter(owner_id=owner.pk, pk__in=ids).count() != len(set(ids))
        for model in (Person, Interaction, Note)
        for ids in [list(restored.get(model._meta.label_lower, ()))]
    ):
        # A payload is only ever the owner's own rows; anything else is tampering.
        raise PermissionError("an undo record held another user's rows")
    ids = set(payload.get("person_ids", ())) | set(restored.get("people.person", ()))
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
    if "channel" in fields:
        interaction.channel = validation.channel(fields["channel"])
    if "direction" in fields:
        interaction.direction = validation.direction(fields["direction"])
    _apply_intent(interaction, fields)
    if "occurred_at" in fields:
        when = fields["occurred_at"]
        if when is None:
            raise ValidationError("occurred_at", "an interaction needs a time")
        interaction.occurred_at = validation.occurred_at(when)
    if "summary" in fields:
        interaction.summary = validation.text(
            fields["summary"], field="summary", limit=validation.MAX_SUMMARY
        )
    if "content" in fields:
        interaction.content = validation.text(
            fields["content"], field="content", limit=validation.MAX_CONTENT, strip=False
        )
    interaction.save()
    if people is not None:
        interaction.people.set(people)
    refresh_summaries(person_ids=before | {p.pk for p in people or ()})
    return interaction


def _apply_intent(interaction: Interaction, fields: dict[str, Any]) -> None:
    """Set intent and subtype from `fields`, keeping the pair consistent.

    A subtype alone implies its intent; an intent given with it must fit it; an
    intent alone keeps the old subtype only if it still fits.
    """
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
    note = Note.objects.create(
        owner_id=person.owner_id, person=person, body=validation.note_body(body)
    )
    hooks.profiles_changed(owner_id=person.owner_id)
    return note


@transaction.atomic
def update_note(*, note: Note, body: str) -> Note:
    """Change a note's text (its date stays: it says when it was written)."""
    note.body = validation.note_body(body)
    note.save(update_fields=["body"])
    hooks.profiles_changed(owner_id=note.owner_id)
    return note


@transaction.atomic
def delete_note(*, note: Note) -> UndoRecord:
    """Delete a note from a person's timeline; return the undo record."""
    excerpt = " ".join(note.body.split())
    excerpt = excerpt if len(excerpt) <= 40 else excerpt[:39] + "…"
    record = undo.record(
        owner=note.owner,
        kind=UNDO_DELETE,
        label=f"Deleted the note “{excerpt}”",
        payload={"rows": undo.snapshot_deletion([note]), "person_ids": []},
    )
    note.delete()
    hooks.profiles_changed(owner_id=note.owner_id)
    return record
