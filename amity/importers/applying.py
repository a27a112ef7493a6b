"""Write a parsed batch: resolve people in bulk, then bulk-create and bulk-update rows.

Matching reads outside any transaction; new rows are staged in short transactions
into temporary tables with keys reserved up front (amity.importers.staging) and
published with the changes to existing rows in one short transaction, so other
writers never wait long (on PostgreSQL, where they do not wait anyway, new rows go
straight into their tables inside that one transaction). Nothing here saves one row
at a time.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from amity.core import bulk_writing as bulk
from amity.core import hooks
from amity.core.bulk_writing import Inserter, Same
from amity.core.progress import Progress
from amity.importers import interaction_writing, staging
from amity.importers.errors import ImportFailed
from amity.importers.models import ExternalKey
from amity.importers.naming import set_name
from amity.importers.person_matching import Ambiguous, PersonIndex, PersonRow
from amity.importers.records import Counts, ImportBatch, InteractionRecord
from amity.people import services, timeline
from amity.people.models import ContactPoint, Person, Tag

CHUNK = 2000
T = TypeVar("T")
_NAME_PARTS = (
    "full_name",
    "prefix",
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "nickname",
    "sort_name",
)
_PERSON_FIELDS = [
    *_NAME_PARTS,
    "company",
    "title",
    "location",
    "notes",
    "birthday",
    "connected_on",
    "linkedin_url",
    "provenance",
    "search_text",
    "updated_at",
]


@dataclass
class Outcome:
    """What an import does: counts, skips, every person row (with `diffs`), new interactions."""

    people: Counts
    interactions: Counts
    skipped: Counter[str]
    rows: list[PersonRow]
    new_interactions: Counter[int]


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def apply_batch(
    *,
    owner: AbstractBaseUser,
    batch: ImportBatch,
    progress: Progress,
    dry_run: bool = False,
    on_stage: Callable[[Outcome, staging.Stage], None] | None = None,
) -> Outcome:
    """Write `batch` for `owner`; return what it created, changed and skipped.

    `on_stage(outcome, stage)` runs once every row is staged, before publishing
    (never for a dry run): what it stages (the run and its change log) is published
    with the rows; a dry run stages, counts and discards.
    """
    skipped, index, resolved = _match(owner, batch, progress)
    staging.discard_abandoned()
    # A dry run stages (in temporary tables) so that it can count, then writes nothing.
    stage = staging.Stage(direct=not dry_run)
    try:
        with stage.writing():
            new_rows = _stage_people(stage, owner.pk, index, progress)
            plan = interaction_writing.stage_interactions(
                stage, owner, batch.source, resolved, progress
            )
            people = Counts()
            for row in index.rows:
                if row.status:
                    setattr(people, row.status, getattr(people, row.status) + 1)
            outcome = Outcome(people, plan.counts, skipped, index.rows, plan.new_by_person)
            if dry_run:
                return outcome
            if on_stage is not None:
                on_stage(outcome, stage)
            progress.phase("Publishing", None)
            with transaction.atomic():
                stage.publish()
                _finish_people(owner, index, new_rows, progress)
                interaction_writing.finish_interactions(owner, plan)
    finally:
        stage.discard()
    # Summaries follow from the rows (ensure_summaries repairs any a crash leaves
    # stale), so they are rebuilt after publishing, in short transactions too.
    affected = sorted(plan.affected)
    progress.phase("Updating summaries", len(affected))
    for part in chunks(affected, 1000):
        with transaction.atomic():
            timeline.refresh_summaries(person_ids=part)
        progress.advance(len(part))
    # New and changed profiles are embedded by the background worker, not by Share.
    hooks.profiles_changed(owner_id=owner.pk)
    return outcome


def _match(
    owner: AbstractBaseUser, batch: ImportBatch, progress: Progress
) -> tuple[Counter[str], PersonIndex, list[tuple[InteractionRecord, list[PersonRow]]]]:
    """Resolve every record to a stored or new person (reads only)."""
    skipped = Counter(batch.skipped)
    progress.phase("Loading your people", None)
    index = PersonIndex(owner_id=owner.pk, source=batch.source, today=timezone.localdate())
    index.load(with_tags=any(r.tags for r in batch.people))
    progress.phase("Matching people", len(batch.people) + len(batch.interactions))
    for record in batch.people:
        index.resolve(record)
        progress.advance()
    resolved: list[tuple[InteractionRecord, list[PersonRow]]] = []
    for interaction in batch.interactions:
        try:
            rows = list(dict.fromkeys(index.resolve(p) for p in interaction.people))
        except Ambiguous:
            skipped["person name matches several people (use an email or #id)"] += 1
        else:
            resolved.append((interaction, rows))
        progress.advance()
    return skipped, index, resolved


class _Draft:
    """The name and search fields of a person about to be inserted."""

    __slots__ = (
        "row",
        *_NAME_PARTS,
        "company",
        "title",
        "location",
        "linkedin_url",
        "field",
        "interests",
        "contacts",
    )

    def __init__(self, row: PersonRow, contacts: list[str]) -> None:
        self.row = row
        self.contacts = contacts
        self.full_name = self.prefix = self.given_name = self.middle_name = ""
        self.family_name = self.suffix = self.nickname = self.sort_name = ""
        self.company, self.title, self.location = row.company, row.title, row.location
        self.linkedin_url = row.linkedin_url
        self.field = ""
        self.interests: list[str] = []
        _name(self, row)

    def search_text(self) -> str:
        """Return the person's search text (built chunk by chunk, see _stage_people)."""
        return services.build_search_text(self, self.contacts)  # type: ignore[arg-type]


def _stage_people(
    stage: staging.Stage, owner_id: int, index: PersonIndex, progress: Progress
) -> set[int]:
    """Stage the new people (keys reserved now), their contact points and keys.

    Returns the ids (Python id()) of the rows that were new.
    """
    now = timezone.now()
    contact_values: dict[int, list[str]] = defaultdict(list)
    for contact in index.new_contacts:
        contact_values[id(contact.row)].append(contact.value)
    new_rows = [row for row in index.rows if row.pk is None]
    progress.phase("Writing people", len(new_rows))
    # In sort_name order, so the name-ordered indexes grow at their end (see
    # new_uids). The names are parsed chunk by chunk below, while PostgreSQL writes
    # the previous chunk (a fifth of the import's time on one core); the order is
    # guessed before, exactly for the usual "Given Family".
    new_rows.sort(key=_sort_name_guess)
    pks = stage.reserve_ids(Person, len(new_rows))
    for row, pk in zip(new_rows, pks, strict=True):
        row.pk = pk
    inserter, uids = stage.inserter(Person, with_pk=True), bulk.new_uids(len(new_rows))

    def person_chunks() -> Iterator[tuple[int, dict[str, Any]]]:
        # Prepared one at a time (see insert_column_chunks): nothing here may run a query.
        for start in range(0, len(new_rows), bulk.CHUNK):
            rows = new_rows[start : start + bulk.CHUNK]
            drafts = [_Draft(row, contact_values[id(row)]) for row in rows]
            columns = _person_columns(owner_id, drafts, uids[start : start + bulk.CHUNK], now)
            columns["id"] = pks[start : start + bulk.CHUNK]
            yield len(drafts), columns

    inserter.insert_column_chunks(person_chunks())
    progress.advance(len(new_rows))
    new_ids = {id(row) for row in new_rows}
    _insert_contacts_and_keys(owner_id, index, new_ids, stage)
    return new_ids


def _sort_name_guess(row: PersonRow) -> str:
    """Return the sort_name `row` will get when its name is two plain words.

    Other names sort near where they belong; the order only makes writing faster.
    """
    words = row.full_name.lower().split()
    return " ".join(words[-1:] + words[:-1])


def _finish_people(
    owner: AbstractBaseUser, index: PersonIndex, new_ids: set[int], progress: Progress
) -> None:
    """Change existing people and add their contact points, keys and everyone's tags."""
    now = timezone.now()
    contact_values: dict[int, list[str]] = defaultdict(list)
    for contact in index.new_contacts:
        contact_values[id(contact.row)].append(contact.value)
    refreshed = {id(c.row): c.row for c in index.new_contacts if id(c.row) not in new_ids}
    refreshed.update({id(row): row for row in index.rows if id(row) not in new_ids and row.changed})
    _update_people(owner, list(refreshed.values()), contact_values, now, progress)
    _insert_contacts_and_keys(owner.pk, index, new_ids, None)
    _write_tags(owner, index.new_tags)


def _insert_contacts_and_keys(
    owner_id: int, index: PersonIndex, new_ids: set[int], stage: staging.Stage | None
) -> None:
    """Stage the contact points and keys of new people, or (no stage) add existing ones'."""
    new = stage is not None
    inserter: Callable[..., Inserter] = Inserter if stage is None else stage.inserter
    inserter(ContactPoint).insert(
        [
            {
                "owner_id": owner_id,
                "person_id": c.row.pk,
                "kind": c.kind,
                "value": c.value,
                "normalized": c.normalized,
                "label": c.label,
                "is_primary": c.is_primary,
            }
            for c in index.new_contacts
            if (id(c.row) in new_ids) == new
        ]
    )
    inserter(ExternalKey).insert(
        [
            {"owner_id": owner_id, "person_id": row.pk, "source": index.source, "key": key}
            for row, key in index.new_keys
            if (id(row) in new_ids) == new
        ]
    )


def _person_columns(
    owner_id: int, drafts: Sequence[_Draft], uids: Sequence[uuid.UUID], now: Any
) -> dict[str, Any]:
    """Return the columns of new people for Inserter.insert_columns."""
    # One attrgetter call per person for all its fields, then one transpose: a
    # list comprehension per field called getattr 1.4 million times for 100,000.
    columns: dict[str, Any] = bulk.columns_of(_NAME_PARTS, map(_DRAFT_FIELDS, drafts))
    rows = [d.row for d in drafts]
    columns.update(bulk.columns_of(_ROW_FIELDS, map(_ROW_GETTER, rows)))
    columns.update(
        owner_id=Same(owner_id),
        uid=list(uids),
        search_text=[d.search_text() for d in drafts],
        created_at=Same(now),
        updated_at=Same(now),
    )
    return columns


_DRAFT_FIELDS = attrgetter(*_NAME_PARTS)
_ROW_FIELDS = (
    *("company", "title", "location", "notes", "birthday", "connected_on"),
    *("linkedin_url", "provenance"),
)
_ROW_GETTER = attrgetter(*_ROW_FIELDS)


def _name(person: Any, row: PersonRow) -> None:
    try:
        set_name(person, row.full_name)
    except services.ValidationError:
        raise ImportFailed(
            row.origin or "import", row.line or None, "a person needs a name"
        ) from None


def _update_people(
    owner: AbstractBaseUser,
    rows: list[PersonRow],
    added: dict[int, list[str]],
    now: Any,
    progress: Progress,
) -> None:
    """Write changed fields and fresh search text (with `added` contacts) for existing people."""
    owned = Person.objects.filter(owner=owner)
    for part in chunks(rows):
        by_pk = {row.pk: row for row in part}
        people = list(owned.filter(pk__in=list(by_pk)))
        values: dict[int, list[str]] = defaultdict(list)
        contacts = ContactPoint.objects.filter(owner=owner, person_id__in=list(by_pk))
        for person_id, value in contacts.values_list("person_id", "value"):
            values[person_id].append(value)
        for person in people:
            row = by_pk[person.pk]
            if "full_name" in row.changed:
                _name(person, row)
            for name in ("company", "title", "location", "notes", "birthday", "connected_on"):
                setattr(person, name, getattr(row, name))
            person.linkedin_url = row.linkedin_url
            person.provenance = row.provenance
            person.updated_at = now
            contacts = values[person.pk] + added.get(id(row), [])
            person.search_text = services.build_search_text(person, contacts)
        owned.bulk_update(people, _PERSON_FIELDS, batch_size=500)
        progress.advance(len(part))


def _write_tags(owner: AbstractBaseUser, wanted: list[tuple[PersonRow, str]]) -> None:
    if not wanted:
        return
    names = {name for _, name in wanted}
    tags = dict(Tag.objects.filter(owner=owner, name__in=names).values_list("name", "pk"))
    missing = [Tag(owner=owner, name=name) for name in sorted(names - set(tags))]
    for tag in Tag.objects.bulk_create(missing):
        tags[tag.name] = tag.pk
    through = Person.tags.through
    through.objects.bulk_create(
        [through(person_id=row.pk, tag_id=tags[name]) for row, name in wanted],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
