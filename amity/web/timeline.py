"""Merge a person's interactions and notes into one newest-first timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from amity.people.models import Interaction, Note, Person

TIMELINE_PAGE = 20


@dataclass(frozen=True)
class Entry:
    """One row of the timeline: an interaction or a note, and when it happened."""

    kind: str  # "interaction" or "note"
    at: dt.datetime
    interaction: Interaction | None = None
    note: Note | None = None


@dataclass(frozen=True)
class Timeline:
    """The newest `limit` entries of a person's timeline."""

    entries: list[Entry]
    has_more: bool


def timeline_for(*, person: Person, limit: int) -> Timeline:
    """Return the person's newest `limit` interactions and notes, newest first."""
    # The newest `limit` entries of the union are among the newest `limit + 1` of each
    # part, so two bounded queries suffice however long the history is.
    others = Prefetch("people", queryset=Person.objects.only("id", "full_name"))
    interactions = list(
        Interaction.objects.filter(owner_id=person.owner_id, people=person)
        .defer("content")
        .prefetch_related(others)
        .order_by("-occurred_at", "-id")[: limit + 1]
    )
    notes = list(
        Note.objects.filter(owner_id=person.owner_id, person=person).order_by("-created_at", "-id")[
            : limit + 1
        ]
    )
    entries = [Entry("interaction", i.occurred_at, interaction=i) for i in interactions]
    entries += [Entry("note", n.created_at, note=n) for n in notes]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return Timeline(entries=entries[:limit], has_more=len(entries) > limit)
