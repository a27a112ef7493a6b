"""Restore the people app's sections of the JSON export: tags, people, interactions, notes.

The other half of amity.portability.people_sections (which dumps them and registers
the sections). Records are checked and converted column by column in batches
(amity.portability.record_columns), written with keys reserved up front, and every
problem is reported naming the record and field. The next batches are read and
checked while the caller's connection writes the last (amity.portability.restore_batches).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AbstractBaseUser

from amity.core.bulk_writing import Inserter, Same, insert_rows
from amity.people import services
from amity.people.models import ContactPoint, Interaction, Note, Person, Tag
from amity.portability.record_columns import ColumnLoader
from amity.portability.records import (
    CONTACT_CODECS,
    INTERACTION_CODECS,
    NOTE_CODECS,
    PERSON_CODECS,
    RecordError,
)
from amity.portability.restore_batches import (
    Decoded,
    decoded_ahead,
    indexes_after_if_big,
    named_by,
    namer,
)
from amity.portability.restored_events import RestoredEvents, batch_events
from amity.portability.sections import (
    IdMaps,
    Record,
    RestoreError,
    insert_new,
    numbered,
    uid_texts,
)


@dataclass
class _DecodedPeople(Decoded):
    uids: list[str]
    tags: list[set[str]]
    whose: list[int]
    contacts: dict[str, Any]


@dataclass
class _DecodedInteractions(Decoded):
    sizes: list[int]
    people: list[int]
    events: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None
    """Each interaction's time and kind number (restored_events.batch_events)."""


def _tag_name(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise RestoreError(f"{where}: a tag name must be non-empty text, found {raw!r}")
    if len(raw) > 80:
        raise RestoreError(f"{where}: tag name {raw[:20]!r}… is longer than 80 characters")
    return raw


def _ensure_tags(owner: AbstractBaseUser, names: Iterable[str], maps: IdMaps) -> None:
    missing = sorted(set(names) - maps.known("tags").keys())
    if not missing:
        return
    insert_rows(Tag, ["owner_id", "name"], [(owner.pk, name) for name in missing])
    for name, pk in Tag.objects.filter(owner=owner, name__in=missing).values_list("name", "pk"):
        maps.remember("tags", name, pk)


def load_tags(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    """Restore the tags section; return how many tags it held."""
    names: list[str] = []
    for where, row in numbered("tags", rows):
        name = _tag_name(row.get("name"), f"{where}: field 'name'")
        if name in names:
            raise RestoreError(f"{where}: tag {name!r} appears twice")
        names.append(name)
    _ensure_tags(owner, names, maps)
    return len(names)


def load_people(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    """Restore people with their contact points and tags; return how many."""
    count = 0
    linkedin: set[str] = set()
    loader = ColumnLoader(PERSON_CODECS, required=("uid", "full_name"))
    contact_loader = ColumnLoader(CONTACT_CODECS, required=("kind", "value"))
    inserter = Inserter(Person, with_pk=True)
    contact_inserter = Inserter(ContactPoint)
    tag_links = Inserter(Person.tags.through)

    def decode(start: int, records: list[Record]) -> _DecodedPeople:
        where = namer("people", start, records)
        columns = loader.load(records, where)
        tags = _tags_of_batch(records, where)
        whose, contacts = _contacts(records, where, contact_loader)
        uids = uid_texts(columns["uid"], records)
        return _DecodedPeople(
            "people", start, named_by(records), columns, uids, tags, whose, contacts
        )

    tables = (Person, ContactPoint, Person.tags.through)
    with (
        decoded_ahead("people", rows, decode, in_processes=True) as batches,
        indexes_after_if_big(batches, *tables, owner=owner, section="people") as every,
    ):
        for batch in every:
            # Here, not in decode: across batches, which may be decoded apart.
            _check_linkedin(batch.columns.get("linkedin_url", []), linkedin, batch.where)
            pks = insert_new(inserter, owner, batch.columns, batch.count, batch.where)
            maps.remember_all("people", batch.uids, pks)
            contact_inserter.insert_columns(
                len(batch.whose),
                {
                    **batch.contacts,
                    "owner_id": Same(owner.pk),
                    "person_id": [pks[i] for i in batch.whose],
                },
            )
            _ensure_tags(owner, set().union(*batch.tags), maps)
            tag_ids = maps.known("tags")
            pairs = [
                (pk, tag_ids[name])
                for pk, names in zip(pks, batch.tags, strict=True)
                for name in names
            ]
            tag_links.insert_columns(
                len(pairs), {"person_id": [p for p, _ in pairs], "tag_id": [t for _, t in pairs]}
            )
            count += batch.count
    return count


def _check_linkedin(urls: list[str], seen: set[str], where: Callable[[int], str]) -> None:
    """Refuse a LinkedIn address that an earlier person of the file has too."""
    for index, url in enumerate(urls):
        if url:
            if url in seen:
                raise RestoreError(
                    f"{where(index)}: linkedin_url {url} belongs to an earlier person too"
                )
            seen.add(url)


def _tags_of_batch(records: list[Record], where: Callable[[int], str]) -> list[set[str]]:
    """Return each person's tag names; an unusual batch goes through `_tags_of`."""
    lists = [record.get("tags", []) for record in records]
    names = list(chain.from_iterable(lists)) if set(map(type, lists)) <= {list} else None
    # Text of 1..80 characters, not only spaces: what _tag_name accepts, checked at once.
    if (
        names is not None
        and set(map(type, names)) <= {str}
        and all(map(str.strip, names))
        and max(map(len, names), default=1) <= 80
    ):
        return list(map(set, lists))
    return [_tags_of(record, where(i)) for i, record in enumerate(records)]


def _tags_of(record: Record, where: str) -> set[str]:
    """Return one person's tag names, or raise naming what is wrong (the reference)."""
    raw_tags = record.get("tags", [])
    if not isinstance(raw_tags, list):
        raise RestoreError(f"{where}: field 'tags' must be a list of names")
    return {_tag_name(name, f"{where}: field 'tags'") for name in raw_tags}


def _nested(where: str, key: str, index: int) -> str:
    """Name an item of a record's list: `people[3].contact_points[0] (uid …)`."""
    record, _, uid = where.partition(" ")
    return f"{record}.{key}[{index}] {uid}".rstrip()


def _contacts(
    batch: list[Record], where: Callable[[int], str], loader: ColumnLoader
) -> tuple[list[int], dict[str, Any]]:
    """Return (the person index of each contact point, their columns) for a batch of people."""
    lists = [record.get("contact_points", []) for record in batch]
    items: list[Any] = list(chain.from_iterable(lists)) if set(map(type, lists)) <= {list} else []
    if not items or not set(map(type, items)) <= {dict}:
        _check_contact_lists(lists, where)
    sizes = list(map(len, lists))
    whose = list(chain.from_iterable(map(repeat, range(len(batch)), sizes)))
    firsts = list(accumulate(sizes, initial=0))

    def at(item: int) -> str:
        person = whose[item]
        return _nested(where(person), "contact_points", item - firsts[person])

    columns = loader.load(items, at)
    kinds, values = columns["kind"], columns["value"]
    given = columns.get("normalized", repeat(""))
    normalized = [
        known or services.normalize_contact(kind, value)
        for known, kind, value in zip(given, kinds, values, strict=False)
    ]
    keys = list(zip(whose, kinds, normalized, strict=True))
    if len(set(keys)) < len(keys):
        seen: set[tuple[int, str, str]] = set()
        for item, key in enumerate(keys):
            if key in seen:
                raise RestoreError(f"{at(item)}: {kinds[item]} {values[item]!r} appears twice")
            seen.add(key)
    columns["normalized"] = normalized
    return whose, columns


def _check_contact_lists(lists: list[Any], where: Callable[[int], str]) -> None:
    """Raise naming the first person whose contact points are not a list of objects."""
    for index, raw in enumerate(lists):
        if not isinstance(raw, list):
            raise RestoreError(f"{where(index)}: field 'contact_points' must be a list")
        for place, item in enumerate(raw):
            if not isinstance(item, dict):
                raise RestoreError(
                    f"{_nested(where(index), 'contact_points', place)}: expected an object"
                )


def load_interactions(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    """Restore interactions with their participants; return how many."""
    count = 0
    # Millions of interactions: look their uids up in the database when needed.
    maps.look_up_in("interactions", Interaction)
    loader = ColumnLoader(INTERACTION_CODECS, required=("uid", "occurred_at", "people"))
    inserter = Inserter(Interaction, with_pk=True)
    links = Inserter(Interaction.people.through)

    def decode(start: int, records: list[Record]) -> _DecodedInteractions:
        where = namer("interactions", start, records)
        columns = loader.load(records, where)
        # The people are all written by now (a section after the ones it needs), and
        # their uids are in memory: no query.
        sizes, people = _people_of_batch(records, where, maps)
        events = batch_events(columns, loader.sqlite)
        return _DecodedInteractions(
            "interactions", start, named_by(records), columns, sizes, people, events
        )

    restored = RestoredEvents()

    with (
        decoded_ahead("interactions", rows, decode, in_processes=True) as batches,
        indexes_after_if_big(
            batches,
            Interaction,
            Interaction.people.through,
            owner=owner,
            section="interactions",
        ) as every,
    ):
        for batch in every:
            pks = insert_new(inserter, owner, batch.columns, batch.count, batch.where)
            links.insert_columns(
                len(batch.people),
                {
                    "interaction_id": list(chain.from_iterable(map(repeat, pks, batch.sizes))),
                    "person_id": batch.people,
                },
            )
            restored.add(batch.people, batch.sizes, batch.events)
            count += batch.count
        # Every interaction is written: their summaries are worked out in a thread
        # while the database builds the indexes (below, or after the file on PostgreSQL).
        wanted = np.array(sorted(maps.known("people").values()), dtype=np.int64)
        maps.summaries = restored.summarize_in_thread(wanted)
    return count


def _people_of_batch(
    batch: list[Record], where: Callable[[int], str], maps: IdMaps
) -> tuple[list[int], list[int]]:
    """Return how many people each interaction has, and their ids one after another.

    Each interaction's ids are distinct and sorted. The uids of the whole batch are
    looked up in one `map` over the people's dictionary; anything unexpected (a
    missing or empty list, an unknown uid) goes through `_people_of_record`, which
    words the error.
    """
    try:
        lists: list[Any] = list(map(itemgetter("people"), batch))
        sizes = list(map(len, lists)) if set(map(type, lists)) == {list} else [0]
        if 0 in sizes:
            raise KeyError
        found = list(map(maps.known("people").__getitem__, chain.from_iterable(lists)))
    except (KeyError, TypeError):
        groups = [
            sorted(set(_people_of_record(record, where(i), maps))) for i, record in enumerate(batch)
        ]
        return list(map(len, groups)), list(chain.from_iterable(groups))
    if max(sizes) == 1:
        return sizes, found
    # Sorted and distinct within each interaction: one numpy sort of (interaction, person).
    people = np.asarray(found, dtype=np.int64)
    span = int(people.max()) + 1
    index = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    pairs = np.unique(index * span + people)
    counts = np.bincount(pairs // span, minlength=len(sizes))
    return counts.tolist(), (pairs % span).tolist()


def _people_of_record(record: Record, where: str, maps: IdMaps) -> list[int]:
    """Return one interaction's person ids, or raise naming what is wrong (the reference)."""
    if "people" not in record:
        raise RecordError(where, "people", "is missing")
    uids = record["people"]
    if not isinstance(uids, list) or not uids or not all(isinstance(u, str) for u in uids):
        raise RestoreError(f"{where}: field 'people' must be a non-empty list of uids")
    return maps.pks("people", uids, where)


def load_notes(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    """Restore timeline notes; return how many."""
    count = 0
    maps.look_up_in("notes", Note)
    loader = ColumnLoader(NOTE_CODECS, required=("uid", "person", "body"))
    inserter = Inserter(Note, with_pk=True)

    def decode(start: int, records: list[Record]) -> Decoded:
        where = namer("notes", start, records)
        columns = loader.load(records, where)
        known = maps.known("people")
        try:
            people = [known[record["person"]] for record in records]
        except (KeyError, TypeError):
            people = [_person_of(record, where(i), maps) for i, record in enumerate(records)]
        return Decoded("notes", start, named_by(records), {**columns, "person_id": people})

    # In the thread: the interactions' summaries may be computed in one meanwhile, and
    # a process forked beside a running thread could inherit a lock it holds.
    with decoded_ahead("notes", rows, decode) as batches:
        for batch in batches:
            insert_new(inserter, owner, batch.columns, batch.count, batch.where)
            count += batch.count
    return count


def _person_of(record: Record, where: str, maps: IdMaps) -> int:
    """Return a note's person id, or raise naming what is wrong (the reference)."""
    if "person" not in record:
        raise RecordError(where, "person", "is missing")
    if not isinstance(record["person"], str):
        raise RestoreError(f"{where}: field 'person' must be a person uid")
    (person_id,) = maps.pks("people", [record["person"]], where)
    return person_id
