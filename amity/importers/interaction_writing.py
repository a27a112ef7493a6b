"""Stage an import's new interactions and plan the changes to stored ones.

Part of writing a parsed batch (amity.importers.applying): interactions are matched
to stored ones by their source's external id; new ones are staged with their links
(amity.importers.staging), changed ones and new links are written while publishing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from amity.core import bulk_writing as bulk
from amity.core.bulk_writing import Same, insert_links
from amity.core.progress import Progress
from amity.importers import staging
from amity.importers.person_matching import PersonRow
from amity.importers.records import Counts, InteractionRecord
from amity.people.models import Interaction

_INTERACTION_FIELDS = ["occurred_at", "channel", "direction", "summary", "content"]


@dataclass
class InteractionPlan:
    """What publishing still has to do to existing interactions, and who was touched."""

    counts: Counts = field(default_factory=Counts)
    changed: list[Interaction] = field(default_factory=list)
    new_links: list[tuple[int, int]] = field(default_factory=list)
    affected: set[int] = field(default_factory=set)
    new_by_person: Counter[int] = field(default_factory=Counter)


def stage_interactions(
    stage: staging.Stage,
    owner: AbstractBaseUser,
    source: str,
    resolved: list[tuple[InteractionRecord, list[PersonRow]]],
    progress: Progress,
) -> InteractionPlan:
    """Stage new interactions (and their links); plan what publishing changes."""
    plan = InteractionPlan()
    progress.phase("Writing interactions", len(resolved))
    if not resolved:
        return plan
    wanted = {record.external_id for record, _ in resolved}
    existing: dict[str, tuple[Any, ...]] = {}
    rows = Interaction.objects.filter(owner=owner, source=source).exclude(external_id="")
    for values in rows.values_list(
        "external_id", "pk", *_INTERACTION_FIELDS, "intent", "subtype"
    ).iterator(chunk_size=5000):
        if values[0] in wanted:
            existing[values[0]] = values[1:]
    links = _links(list(v[0] for v in existing.values()))
    fresh: list[tuple[InteractionRecord, list[PersonRow]]] = []
    for record, people in resolved:
        person_ids = [row.pk for row in people if row.pk is not None]
        stored = existing.get(record.external_id)
        if stored is None:
            fresh.append((record, people))
            plan.affected.update(person_ids)
            plan.new_by_person.update(person_ids)
            plan.counts.created += 1
            continue
        pk, *old = stored
        interaction = _changed_interaction(pk, old, record)
        missing = [p for p in person_ids if p not in links.get(pk, ())]
        plan.new_links.extend((pk, p) for p in missing)
        if interaction is not None:
            plan.changed.append(interaction)
        if interaction is not None or missing:
            plan.counts.updated += 1
            plan.affected.update(person_ids)
            plan.affected.update(links.get(pk, ()))
        else:
            plan.counts.unchanged += 1
    _insert_fresh(stage, owner.pk, source, fresh, progress)
    progress.advance(len(resolved) - len(fresh))
    return plan


def _insert_fresh(
    stage: staging.Stage,
    owner_id: int,
    source: str,
    fresh: list[tuple[InteractionRecord, list[PersonRow]]],
    progress: Progress,
) -> None:
    """Stage new interactions (keys reserved now) and their links, a chunk per transaction."""
    # In time order, so the (owner, occurred_at) index grows at its end.
    fresh.sort(key=lambda item: item[0].occurred_at)
    now = timezone.now()
    pks = stage.reserve_ids(Interaction, len(fresh))
    inserter, uids = stage.inserter(Interaction, with_pk=True), bulk.new_uids(len(fresh))
    for start in range(0, len(fresh), bulk.CHUNK):
        chunk = [record for record, _ in fresh[start : start + bulk.CHUNK]]
        part = uids[start : start + bulk.CHUNK]
        columns = _interaction_columns(owner_id, source, chunk, part, now)
        columns["id"] = pks[start : start + bulk.CHUNK]
        inserter.insert_columns(len(chunk), columns)
        progress.advance(len(chunk))
    fresh_links = [
        (pk, row.pk) for pk, (_, people) in zip(pks, fresh, strict=True) for row in people
    ]
    stage.insert_links(Interaction.people.through, "interaction", "person", fresh_links)


def finish_interactions(owner: AbstractBaseUser, plan: InteractionPlan) -> None:
    """Change existing interactions and link them to more people (while publishing)."""
    if plan.changed:
        fields = [*_INTERACTION_FIELDS, "intent", "subtype"]
        Interaction.objects.filter(owner=owner).bulk_update(plan.changed, fields, batch_size=500)
    insert_links(Interaction.people.through, "interaction", "person", plan.new_links)


def _links(interaction_ids: list[int]) -> dict[int, set[int]]:
    links: dict[int, set[int]] = defaultdict(set)
    through = Interaction.people.through
    for start in range(0, len(interaction_ids), 500):
        part = interaction_ids[start : start + 500]
        for interaction_id, person_id in through.objects.filter(
            interaction_id__in=part
        ).values_list("interaction_id", "person_id"):
            links[interaction_id].add(person_id)
    return links


def _interaction_columns(
    owner_id: int,
    source: str,
    records: Sequence[InteractionRecord],
    uids: Sequence[uuid.UUID],
    now: dt.datetime,
) -> dict[str, Any]:
    """Return the columns of new interactions for Inserter.insert_columns."""
    return {
        "owner_id": Same(owner_id),
        "uid": list(uids),
        "occurred_at": [r.occurred_at for r in records],
        "channel": [r.channel for r in records],
        "direction": [r.direction for r in records],
        "intent": [r.intent or "neutral" for r in records],
        "subtype": [r.subtype or "" for r in records],
        "summary": [r.summary.strip() for r in records],
        "content": [r.content for r in records],
        "source": Same(source),
        "external_id": [r.external_id for r in records],
        "created_at": Same(now),
    }


def _changed_interaction(
    pk: int, old: Iterable[Any], record: InteractionRecord
) -> Interaction | None:
    """Return the stored interaction updated from `record`, or None if nothing differs."""
    occurred_at, channel, direction, summary, content, intent, subtype = old
    new = {
        "occurred_at": record.occurred_at,
        "channel": record.channel,
        "direction": record.direction,
        "summary": record.summary.strip(),
        "content": record.content,
        # Sources that do not classify leave the user's classification alone.
        "intent": intent if record.intent is None else record.intent,
        "subtype": subtype if record.subtype is None else record.subtype,
    }
    before = dict(
        zip(
            [*_INTERACTION_FIELDS, "intent", "subtype"],
            [occurred_at, channel, direction, summary, content, intent, subtype],
            strict=True,
        )
    )
    if new == before:
        return None
    return Interaction(pk=pk, **new)
