"""Dump and load the people app's sections of the JSON export: tags, people, interactions, notes.

They register first (amity.portability.apps imports this module before any other
section), so they lead every export and every later section may refer to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain, repeat
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models

from amity.core.bulk_writing import Inserter, Same, insert_rows
from amity.core.column_reads import joined
from amity.people import services
from amity.people.models import ContactPoint, Interaction, Note, Person, Tag
from amity.portability.json_rows import ROW, json_texts, stream_json
from amity.portability.raw_rows import stream_rows
from amity.portability.record_columns import ColumnLoader
from amity.portability.records import (
    CONTACT_CODECS,
    INTERACTION_CODECS,
    NOTE_CODECS,
    PERSON_CODECS,
    RecordError,
    contact_record,
    note_record,
)
from amity.portability.sections import (
    BATCH_SIZE,
    RESTORE_BATCH,
    IdMaps,
    Record,
    RestoreError,
    Section,
    batched,
    insert_new,
    label,
    numbered,
    owns,
    record_batches,
    register_section,
    uid_texts,
)

# -- tags ---------------------------------------------------------------------------


def _dump_tags(owner: AbstractBaseUser) -> Iterator[Record]:
    names = Tag.objects.filter(owner=owner).values_list("name", flat=True)
    for name in sorted(names):
        yield {"name": name}


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


def _load_tags(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    names: list[str] = []
    for where, row in numbered("tags", rows):
        name = _tag_name(row.get("name"), f"{where}: field 'name'")
        if name in names:
            raise RestoreError(f"{where}: tag {name!r} appears twice")
        names.append(name)
    _ensure_tags(owner, names, maps)
    return len(names)


# -- people -------------------------------------------------------------------------

_PERSON_KEYS = [codec.key for codec in PERSON_CODECS]
_CONTACT_KEYS = [codec.key for codec in CONTACT_CODECS]
# SQLite gives booleans back as 0 and 1.
_CONTACT_BOOLEANS = [isinstance(codec.field, models.BooleanField) for codec in CONTACT_CODECS]


def dump_people(owner: AbstractBaseUser) -> Iterator[Record]:
    """Yield the owner's people as export records, oldest first."""
    people = stream_rows(
        Person,
        PERSON_CODECS,
        extra=["id"],
        where=f"{connection.ops.quote_name('owner_id')} = %s",
        params=[owner.pk],
        order=["created_at", "uid"],
    )
    q = connection.ops.quote_name
    contact_columns = ", ".join(q(ContactPoint._meta.get_field(k).column) for k in _CONTACT_KEYS)
    through = Person.tags.through._meta
    for batch in batched(people, BATCH_SIZE):
        ids = [pk for (pk,), _ in batch]
        marks = ", ".join(["%s"] * len(ids))
        # Raw reads: the ORM prepared each of the ids, twice per batch.
        contacts: dict[int, list[Record]] = {}
        tags: dict[int, list[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('person_id')}, {contact_columns}"
                f" FROM {q(ContactPoint._meta.db_table)} WHERE {q('person_id')} IN ({marks})"
                f" ORDER BY {q('person_id')}, {q('kind')}, {q('is_primary')} DESC, {q('id')}",
                ids,
            )
            for person_id, *values in cursor.fetchall():
                values = [
                    bool(value) if boolean and value is not None else value
                    for value, boolean in zip(values, _CONTACT_BOOLEANS, strict=True)
                ]
                contacts.setdefault(person_id, []).append(
                    contact_record(dict(zip(_CONTACT_KEYS, values, strict=True)))
                )
            cursor.execute(
                f"SELECT x.{q('person_id')}, g.{q('name')} FROM {q(through.db_table)} x"
                f" JOIN {q(Tag._meta.db_table)} g ON g.{q('id')} = x.{q('tag_id')}"
                f" WHERE x.{q('person_id')} IN ({marks})",
                ids,
            )
            for person_id, name in cursor.fetchall():
                tags.setdefault(person_id, []).append(name)
        for (pk,), record in batch:
            # The keys person_record writes: every column, contact points, tags.
            record["contact_points"] = contacts.get(pk, [])
            record["tags"] = sorted(tags.get(pk, []))
            yield record


def _load_people(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    count = 0
    linkedin: set[str] = set()
    loader = ColumnLoader(PERSON_CODECS, required=("uid", "full_name"))
    contact_loader = ColumnLoader(CONTACT_CODECS, required=("kind", "value"))
    inserter = Inserter(Person, with_pk=True)
    contact_inserter = Inserter(ContactPoint)
    tag_links = Inserter(Person.tags.through)
    for start, batch in record_batches("people", rows, RESTORE_BATCH):

        def where(index: int, start: int = start, batch: list[Record] = batch) -> str:
            return label("people", start + index, batch[index])

        columns = loader.load(batch, where)
        _check_linkedin(columns.get("linkedin_url", []), linkedin, where)
        tags = [_tags_of(record, where(i)) for i, record in enumerate(batch)]
        whose, contacts = _contacts(batch, where, contact_loader)
        pks = insert_new(inserter, owner, columns, len(batch), where)
        for uid, pk in zip(uid_texts(columns["uid"], batch), pks, strict=True):
            maps.remember("people", uid, pk)
        contact_inserter.insert_columns(
            len(whose),
            {**contacts, "owner_id": Same(owner.pk), "person_id": [pks[i] for i in whose]},
        )
        _ensure_tags(owner, set().union(*tags), maps)
        tag_ids = maps.known("tags")
        pairs = [(pk, tag_ids[name]) for pk, names in zip(pks, tags, strict=True) for name in names]
        tag_links.insert_columns(
            len(pairs), {"person_id": [p for p, _ in pairs], "tag_id": [t for _, t in pairs]}
        )
        count += len(batch)
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


def _tags_of(record: Record, where: str) -> set[str]:
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
    whose: list[int] = []
    places: list[int] = []
    items: list[Record] = []
    for index, record in enumerate(batch):
        raw = record.get("contact_points", [])
        if not isinstance(raw, list):
            raise RestoreError(f"{where(index)}: field 'contact_points' must be a list")
        for place, item in enumerate(raw):
            if not isinstance(item, dict):
                raise RestoreError(
                    f"{_nested(where(index), 'contact_points', place)}: expected an object"
                )
        items.extend(raw)
        whose.extend([index] * len(raw))
        places.extend(range(len(raw)))

    def at(item: int) -> str:
        return _nested(where(whose[item]), "contact_points", places[item])

    columns = loader.load(items, at)
    kinds, values = columns["kind"], columns["value"]
    normalized = list(columns.get("normalized", [""] * len(items)))
    seen: set[tuple[int, str, str]] = set()
    for item, (kind, value) in enumerate(zip(kinds, values, strict=True)):
        if not normalized[item]:
            normalized[item] = services.normalize_contact(kind, value)
        key = (whose[item], kind, normalized[item])
        if key in seen:
            raise RestoreError(f"{at(item)}: {kind} {value!r} appears twice")
        seen.add(key)
    columns["normalized"] = normalized
    return whose, columns


# -- interactions ---------------------------------------------------------------------

_INTERACTION_KEYS = [codec.key for codec in INTERACTION_CODECS]


def dump_interactions(owner: AbstractBaseUser) -> Iterator[Record]:
    """Yield the owner's interactions as export records, in time order.

    The readable form of what the export writes (dump_interaction_texts, tested
    against it); read straight from the cursor (see raw_rows).
    """
    q = connection.ops.quote_name
    uids = _person_uids(owner)
    rows = stream_rows(
        Interaction,
        INTERACTION_CODECS,
        extra=["id"],
        where=f"{q('owner_id')} = %s",
        params=[owner.pk],
        order=["occurred_at", "uid"],
    )
    for batch in batched(rows, BATCH_SIZE * 5):
        people = _participants([extra[0] for extra, _ in batch], uids)
        for (pk,), record in batch:
            # The keys interaction_record writes: every column, then the people.
            record["people"] = [uids[person] for person in people.get(pk, [])]
            yield record


def dump_interaction_texts(owner: AbstractBaseUser) -> Iterator[list[str]]:
    """Yield the owner's interactions as JSON texts, in batches: dump_interactions' records.

    The database writes each record around its people (see json_rows) and joins
    the ids of those people into one text: building two million records in Python
    was most of an export.
    """
    q = connection.ops.quote_name
    through = q(Interaction.people.through._meta.db_table)
    sqlite = connection.vendor == "sqlite"
    # SQLite looks the people up as it reads the row, in the reading thread; for
    # PostgreSQL a subquery per row costs more than one query per batch.
    in_row = (
        f"(SELECT group_concat(x.{q('person_id')}) FROM {through} x"
        f" WHERE x.{q('interaction_id')} = {ROW}.{q('id')})"
    )
    batches = stream_json(
        Interaction,
        INTERACTION_CODECS,
        around="people",
        where=f"{ROW}.{q('owner_id')} = %s",
        params=[owner.pk],
        order=["occurred_at", "uid"],
        also=[in_row] if sqlite else [],
    )
    # By the id's text, as the database joins them: the uid, and it as a JSON string.
    uid_of = {str(pk): uid for pk, uid in _person_uids(owner).items()}
    quoted = json_texts(uid_of)
    for rows in batches:
        joined_ids = (
            {row[0]: row[3] for row in rows if row[3]}
            if sqlite
            else _people_ids([row[0] for row in rows])
        )
        people = {pk: _items(text, uid_of, quoted) for pk, text in joined_ids.items()}
        yield [head + people.get(pk, "") + tail for pk, head, tail, *_ in rows]


def _people_ids(ids: list[int]) -> dict[int, str]:
    """Return the ids of each of these interactions' people, joined by commas."""
    q = connection.ops.quote_name
    through = q(Interaction.people.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('interaction_id')}, {joined(q('person_id'))} FROM {through}"
            f" WHERE {q('interaction_id')} = ANY(%s) GROUP BY {q('interaction_id')}",
            [ids],
        )
        return dict(cursor.fetchall())


def _items(ids: str, uid_of: dict[str, str], quoted: dict[str, str]) -> str:
    """Return the JSON items of a people list given its person ids, sorted by uid."""
    if "," not in ids:
        return quoted[ids]  # most interactions have one person
    return ",".join(quoted[pk] for pk in sorted(ids.split(","), key=uid_of.__getitem__))


def _participants(ids: list[int], uids: dict[int, str]) -> dict[int, list[int]]:
    """Return the people of each of these interactions that has any, sorted by uid."""
    q = connection.ops.quote_name
    through = q(Interaction.people.through._meta.db_table)
    params: list[Any] = list(ids)
    match = f"IN ({', '.join(['%s'] * len(ids))})"
    if connection.vendor == "postgresql":
        match, params = "= ANY(%s)", [ids]
    people: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('interaction_id')}, {q('person_id')} FROM {through}"
            f" WHERE {q('interaction_id')} {match}",
            params,
        )
        for interaction_id, person_id in cursor.fetchall():
            people.setdefault(interaction_id, []).append(person_id)
    for found in people.values():
        if len(found) > 1:
            found.sort(key=uids.__getitem__)
    return people


def _person_uids(owner: AbstractBaseUser) -> dict[int, str]:
    """Return every person's uid as export text, by id."""
    (uid_codec,) = (codec for codec in PERSON_CODECS if codec.key == "uid")
    return {
        pk: values["uid"]
        for (pk,), values in stream_rows(
            Person,
            [uid_codec],
            extra=["id"],
            where=f"{connection.ops.quote_name('owner_id')} = %s",
            params=[owner.pk],
            order=["id"],
        )
    }


def _load_interactions(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    count = 0
    # Millions of interactions: look their uids up in the database when needed.
    maps.look_up_in("interactions", Interaction)
    loader = ColumnLoader(INTERACTION_CODECS, required=("uid", "occurred_at", "people"))
    inserter = Inserter(Interaction, with_pk=True)
    links = Inserter(Interaction.people.through)
    for start, batch in record_batches("interactions", rows, RESTORE_BATCH):

        def where(index: int, start: int = start, batch: list[Record] = batch) -> str:
            return label("interactions", start + index, batch[index])

        columns = loader.load(batch, where)
        sizes, people = _participants(batch, where, maps)
        pks = insert_new(inserter, owner, columns, len(batch), where)
        links.insert_columns(
            len(people),
            {
                "interaction_id": list(chain.from_iterable(map(repeat, pks, sizes))),
                "person_id": people,
            },
        )
        count += len(batch)
    return count


def _participants(
    batch: list[Record], where: Callable[[int], str], maps: IdMaps
) -> tuple[list[int], list[int]]:
    """Return how many people each interaction has, and their ids one after another.

    Each interaction's ids are distinct and sorted. The uids of the whole batch are
    looked up in one `map` over the people's dictionary; anything unexpected (a
    missing or empty list, an unknown uid) goes through `_participants_of`, which
    words the error.
    """
    lists = [record.get("people") for record in batch]
    sizes = list(map(len, lists)) if set(map(type, lists)) == {list} else [0]
    try:
        if 0 in sizes:
            raise KeyError
        found = list(map(maps.known("people").__getitem__, chain.from_iterable(lists)))
    except (KeyError, TypeError):
        groups = [
            sorted(set(_participants_of(record, where(i), maps))) for i, record in enumerate(batch)
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


def _participants_of(record: Record, where: str, maps: IdMaps) -> list[int]:
    """Return one interaction's person ids, or raise naming what is wrong (the reference)."""
    if "people" not in record:
        raise RecordError(where, "people", "is missing")
    uids = record["people"]
    if not isinstance(uids, list) or not uids or not all(isinstance(u, str) for u in uids):
        raise RestoreError(f"{where}: field 'people' must be a non-empty list of uids")
    return maps.pks("people", uids, where)


# -- notes --------------------------------------------------------------------------

_NOTE_KEYS = [codec.key for codec in NOTE_CODECS]


def _dump_notes(owner: AbstractBaseUser) -> Iterator[Record]:
    notes = (
        Note.objects.filter(owner=owner)
        .order_by("created_at", "uid")
        .values("person__uid", *_NOTE_KEYS)
        .iterator(chunk_size=BATCH_SIZE)
    )
    for row in notes:
        yield note_record(row, person=str(row["person__uid"]))


def _load_notes(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
    count = 0
    maps.look_up_in("notes", Note)
    loader = ColumnLoader(NOTE_CODECS, required=("uid", "person", "body"))
    inserter = Inserter(Note, with_pk=True)
    for start, batch in record_batches("notes", rows, RESTORE_BATCH):

        def where(index: int, start: int = start, batch: list[Record] = batch) -> str:
            return label("notes", start + index, batch[index])

        columns = loader.load(batch, where)
        known = maps.known("people")
        try:
            people = [known[record["person"]] for record in batch]
        except (KeyError, TypeError):
            people = [_person_of(record, where(i), maps) for i, record in enumerate(batch)]
        insert_new(inserter, owner, {**columns, "person_id": people}, len(batch), where)
        count += len(batch)
    return count


def _person_of(record: Record, where: str, maps: IdMaps) -> int:
    """Return a note's person id, or raise naming what is wrong (the reference)."""
    if "person" not in record:
        raise RecordError(where, "person", "is missing")
    if not isinstance(record["person"], str):
        raise RestoreError(f"{where}: field 'person' must be a person uid")
    (person_id,) = maps.pks("people", [record["person"]], where)
    return person_id


register_section(Section("tags", _dump_tags, _load_tags, owns(Tag), required=True, models=(Tag,)))
register_section(
    Section(
        "people",
        dump_people,
        _load_people,
        owns(Person),
        needs=("tags",),
        required=True,
        models=(Person, ContactPoint),
    )
)
register_section(
    Section(
        "interactions",
        dump_interactions,
        _load_interactions,
        owns(Interaction),
        needs=("people",),
        required=True,
        models=(Interaction,),
        dump_text=dump_interaction_texts,
    )
)
register_section(
    Section(
        "notes",
        _dump_notes,
        _load_notes,
        owns(Note),
        needs=("people",),
        required=True,
        models=(Note,),
    )
)
