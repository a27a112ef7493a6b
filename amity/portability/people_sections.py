"""Dump the people app's sections of the JSON export (tags, people, interactions, notes).

Restoring them is amity.portability.people_restore; both register here.

They register first (amity.portability.apps imports this module before any other
section), so they lead every export and every later section may refer to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models

from amity.core.column_reads import joined
from amity.people.models import ContactPoint, Interaction, Note, Person, Tag
from amity.portability.json_rows import ROW, json_texts, stream_json
from amity.portability.people_restore import load_interactions, load_notes, load_people, load_tags
from amity.portability.raw_rows import stream_rows
from amity.portability.records import (
    CONTACT_CODECS,
    INTERACTION_CODECS,
    NOTE_CODECS,
    PERSON_CODECS,
    contact_record,
    note_record,
)
from amity.portability.sections import (
    BATCH_SIZE,
    Record,
    Section,
    batched,
    owns,
    register_section,
)

# -- tags ---------------------------------------------------------------------------


def _dump_tags(owner: AbstractBaseUser) -> Iterator[Record]:
    names = Tag.objects.filter(owner=owner).values_list("name", flat=True)
    for name in sorted(names):
        yield {"name": name}


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


register_section(Section("tags", _dump_tags, load_tags, owns(Tag), required=True, models=(Tag,)))
register_section(
    Section(
        "people",
        dump_people,
        load_people,
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
        load_interactions,
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
        load_notes,
        owns(Note),
        needs=("people",),
        required=True,
        models=(Note,),
    )
)
