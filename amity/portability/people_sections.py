"""Dump the people app's sections of the JSON export (tags, people, interactions, notes).

Restoring them is amity.portability.people_restore; both register here.

They register first (amity.portability.apps imports this module before any other
section), so they lead every export and every later section may refer to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models

from amity.people.models import ContactPoint, Interaction, Note, Person, Tag
from amity.portability.json_rows import (
    ROW,
    chunk_bounds,
    chunk_where,
    ordered_chunks,
    record_sql,
    text_as_bytes,
    utf8,
    uuid_sql,
)
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


def dump_interaction_texts(owner: AbstractBaseUser) -> Iterator[tuple[int, bytes]]:
    """Yield the owner's interactions as JSON texts in chunks: dump_interactions' records.

    Each chunk is (records, their texts joined by ",\n" as UTF-8 bytes), in time order. The
    database writes every record, its people's uids included (see json_rows), and
    joins a chunk of them into one text: one row per chunk, so nothing is built per
    record in Python, and several connections can write chunks at once
    (json_rows.ordered_chunks).
    """
    q = connection.ops.quote_name
    where = f"{ROW}.{q('owner_id')} = %s"
    bounds = chunk_bounds(Interaction, "occurred_at", where=where, params=[owner.pk])
    sqlite = connection.vendor == "sqlite"
    chunk_sql = _chunk_sql()

    def read(cursor: Any, index: int) -> tuple[int, bytes]:
        span, params = chunk_where("occurred_at", bounds, index)
        cursor.execute(*chunk_sql(f"{where} AND {span}", [owner.pk, *params]))
        count, text = cursor.fetchone()
        return int(count), utf8(text)

    def setup(cursor: Any) -> None:
        text_as_bytes(cursor)
        if sqlite:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{_UIDS}")
            cursor.execute(f"CREATE TEMP TABLE {_UIDS} (id INTEGER PRIMARY KEY, u TEXT NOT NULL)")
            cursor.execute(
                f"INSERT INTO temp.{_UIDS} SELECT {q('id')}, '\"' || {uuid_sql(q('uid'))} || '\"'"
                f" FROM {q(Person._meta.db_table)} WHERE {q('owner_id')} = %s",
                [owner.pk],
            )

    def teardown(cursor: Any) -> None:
        if sqlite:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{_UIDS}")

    for count, text in ordered_chunks(len(bounds) + 1, read, setup=setup, teardown=teardown):
        if count:
            yield count, text


# SQLite: each person's uid as a JSON string, by id, in a small table of the reading
# connection's own (looked up ~2 million times, it stays in the cache; the people
# table's rows are wide).
_UIDS = "amity_export_uids"


def _chunk_sql() -> Callable[[str, list[Any]], tuple[str, list[Any]]]:
    """Return how to query (records, their JSON texts joined) of the interactions of `where`.

    The function takes SQL over the interactions table (aliased ROW) and its
    parameters, the owner's id first, and returns the query and its parameters.
    """
    q = connection.ops.quote_name
    through = q(Interaction.people.through._meta.db_table)
    table = q(Interaction._meta.db_table)
    head, tail = record_sql(INTERACTION_CODECS, "people")
    if connection.vendor == "sqlite":
        # The people sorted by uid. Most interactions have one or two, which min and
        # max put in order without a sort; only more go through an ordered subquery.
        def people(alias: str) -> str:
            return (
                f"FROM {through} {alias}x JOIN temp.{_UIDS} {alias}m"
                f" ON {alias}m.id = {alias}x.{q('person_id')}"
                f" WHERE {alias}x.{q('interaction_id')} = {ROW}.{q('id')}"
            )

        listed = (
            f"(SELECT CASE count(*) WHEN 1 THEN min(m.u) WHEN 2 THEN min(m.u) || ',' || max(m.u)"
            f" ELSE (SELECT group_concat(u, ',') FROM (SELECT nm.u AS u {people('n')}"
            f" ORDER BY nm.u)) END {people('')})"
        )
        # A subquery's ORDER BY holds for the aggregate over it (SQLite does not
        # flatten an ordered subquery into an aggregate).
        return lambda where, params: (
            f"SELECT count(*), CAST(group_concat(line, ',' || char(10)) AS BLOB)"
            f" FROM (SELECT {head} || coalesce({listed}, '') || {tail} AS line"
            f" FROM {table} {ROW} WHERE {where}"
            f" ORDER BY {ROW}.{q('occurred_at')}, {ROW}.{q('uid')})",
            params,
        )
    person = q(Person._meta.db_table)

    def postgresql(where: str, params: list[Any]) -> tuple[str, list[Any]]:
        # Each chunk's people in one join (a subquery per interaction cost ~20 µs
        # each), sorted once by interaction and uid (uuids sort as their text does)
        # and aggregated in that order: a subquery's sort holds for the aggregate
        # over it (it is not pulled up), and one sort of the chunk cost the server
        # ~15% less than string_agg's ORDER BY, which sorts every interaction apart.
        people = (
            f"SELECT id, string_agg(u, ',') AS listed FROM (SELECT x.{q('interaction_id')} AS id,"
            f" '\"' || p.{q('uid')}::text || '\"' AS u FROM {through} x"
            f" JOIN {person} p ON p.{q('id')} = x.{q('person_id')} AND p.{q('owner_id')} = %s"
            f" JOIN {table} {ROW} ON {ROW}.{q('id')} = x.{q('interaction_id')}"
            f" WHERE {where} ORDER BY x.{q('interaction_id')}, p.{q('uid')}) s GROUP BY id"
        )
        sql = (
            f"SELECT count(*), string_agg({head} || coalesce(g.listed, '') || {tail}, E',\\n'"
            f" ORDER BY {ROW}.{q('occurred_at')}, {ROW}.{q('uid')})"
            f" FROM ({people}) g RIGHT JOIN {table} {ROW} ON g.id = {ROW}.{q('id')}"
            f" WHERE {where}"
        )
        return sql, [params[0], *params, *params]

    return postgresql


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
