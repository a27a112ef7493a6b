"""Declare the kinds of record in a JSON export: the section registry and its helpers.

`Section` and `register_section` are the registry `amity.portability.exporting` writes and
reads; `amity.portability.model_sections` builds a section from a model in a few lines,
which is how most of the apps' rows travel (amity.portability.apps registers them)::

    register_section(
        model_section("snoozes", Snooze, refs={"person": "people"}, order=("person__uid",))
    )

Records refer to each other by uid (a tag by its name); `IdMaps` maps them back to the
restored rows' ids.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, models

from amity.core.bulk_writing import Inserter, Prepared, Same, insert_rows, reserve_pks

# Rows per query and per insert: large enough to be fast, small enough that a
# million-row section never sits in memory at once, and below SQLite's 999 query
# parameters for the `uid IN (...)` look-ups.
BATCH_SIZE = 900
RESTORE_BATCH = 10_000
"""Records of the big sections (people, interactions, notes) checked and written at once:
enough for the column-wise checks to pay, a few megabytes in memory."""

T = TypeVar("T")
Record = dict[str, Any]

HEADER_KEYS = ("format", "version", "exported_at", "user")
# Sections whose rows other records name by something other than their uid.
_KEY_FIELDS = {"tags": "name"}


class RestoreError(ValueError):
    """A restore that cannot go ahead; nothing has been written."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of up to `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def label(section: str, index: int, record: Any) -> str:
    """Name a record for error messages: `people[3] (uid 6f1c…)`."""
    return label_uid(section, index, record.get("uid") if isinstance(record, dict) else None)


def label_uid(section: str, index: int, uid: Any) -> str:
    """Name a record by its place and its "uid" value (shown only when it is text)."""
    return f"{section}[{index}]" + (f" (uid {uid})" if isinstance(uid, str) else "")


def numbered(section: str, rows: Iterable[Any]) -> Iterator[tuple[str, Record]]:
    """Yield (label, record) for each row, refusing rows that are not JSON objects."""
    for index, row in enumerate(rows):
        where = label(section, index, row)
        if not isinstance(row, dict):
            raise RestoreError(f"{where}: expected an object, found {type(row).__name__}")
        yield where, row


def record_batches(
    section: str, rows: Iterable[Any], size: int
) -> Iterator[tuple[int, list[Record]]]:
    """Yield (index of the first, records) per batch, refusing rows that are not objects."""
    start = 0
    for batch in batched(rows, size):
        yield start, objects(section, start, batch)
        start += len(batch)


def objects(section: str, start: int, batch: list[Any]) -> list[Record]:
    """Return `batch` (rows `start`, `start` + 1, … of the section) if all are objects, or raise."""
    if set(map(type, batch)) - {dict}:
        index = next(i for i, row in enumerate(batch) if not isinstance(row, dict))
        row = batch[index]
        raise RestoreError(
            f"{label(section, start + index, row)}: expected an object, found {type(row).__name__}"
        )
    return batch


def uid_texts(column: Any, records: list[Record]) -> list[str]:
    """Return a batch's uids as records of other sections name them (canonical text).

    A Prepared column passed the column checks, which accept only the canonical
    spelling, so the file's text is it; otherwise the values are UUIDs.
    """
    if isinstance(column, Prepared):
        return [record["uid"] for record in records]
    return [str(value) for value in column]


def _pks_by_uid(
    model: type[models.Model], owner: AbstractBaseUser, uids: Iterable[Any]
) -> dict[Any, int]:
    """Return {uid: pk} for the owner's rows among `uids`."""
    # Filter the owner in Python: with `owner_id = ?` in the query SQLite's planner
    # prefers the owner index and scans every row the owner has, once per batch.
    rows = model._default_manager.filter(uid__in=list(uids)).order_by()
    return {
        uid: pk for uid, pk, who in rows.values_list("uid", "pk", "owner_id") if who == owner.pk
    }


class IdMaps:
    """Map the uids (or names) in a file to the primary keys of the rows just written.

    Sections too large to keep in memory register a model instead; lookups then query
    the owner's rows.
    """

    def __init__(self, owner: AbstractBaseUser) -> None:
        self.owner = owner
        self._maps: dict[str, dict[str, int]] = {}
        self._models: dict[str, type[models.Model]] = {}
        self.summaries: Future[Any] | None = None
        """The engine summaries worked out from the interactions as they were written
        (amity.portability.restored_events), or None: they are read back."""

    def remember(self, section: str, key: str, pk: int) -> None:
        """Record that `key` of `section` was stored as row `pk`."""
        self._maps.setdefault(section, {})[key] = pk

    def remember_all(self, section: str, keys: Iterable[str], pks: Iterable[int]) -> None:
        """Record that each of `keys` was stored as the row of the same place in `pks`."""
        self._maps.setdefault(section, {}).update(zip(keys, pks, strict=True))

    def look_up_in(self, section: str, model: type[models.Model]) -> None:
        """Resolve uids of `section` by querying `model` instead of keeping a map."""
        self._models[section] = model

    def known(self, section: str) -> dict[str, int]:
        """Return the in-memory map of one section (empty if none)."""
        return self._maps.get(section, {})

    def lookup(self, section: str, keys: Iterable[str]) -> dict[str, int]:
        """Return {key: pk} for the keys of `section` that are known; omit the others."""
        mapping = self._maps.get(section, {})
        found = {key: mapping[key] for key in keys if key in mapping}
        model = self._models.get(section)
        if model is None:
            return found
        # Canonical spelling -> the file's: the database returns UUIDs, the file has text.
        wanted: dict[str, str] = {}
        for key in keys:
            if key not in found:
                try:
                    wanted[str(uuid.UUID(key))] = key
                except ValueError:
                    continue  # not a uid at all: stays unknown
        for batch in batched(wanted, BATCH_SIZE):
            for uid, pk in _pks_by_uid(model, self.owner, batch).items():
                found[wanted[str(uid)]] = pk
        return found

    def pks(self, section: str, keys: Iterable[str], where: str) -> list[int]:
        """Return the primary keys of `keys`, or raise RestoreError naming the first unknown."""
        wanted = list(keys)
        # No copy of the map: it may hold 100k people and this runs once per record.
        mapping = self._maps.get(section, {})
        missing = [key for key in wanted if key not in mapping]
        queried = self.lookup(section, missing) if missing else {}
        for key in missing:
            if key not in queried:
                raise RestoreError(f"{where}: refers to unknown {section} {key!r}")
        return [mapping[key] if key in mapping else queried[key] for key in wanted]


@dataclass(frozen=True)
class Section:
    """One kind of record in the export: how to dump it and how to load it back.

    `dump(owner)` yields JSON-ready dicts in a stable order; `dump_text(owner)`, when
    given, yields the same records already written as JSON text (keys sorted, byte for
    byte as orjson writes `dump`'s) in chunks, each (how many records, their texts
    joined by ",\\n", as UTF-8 bytes): what the export writes for sections of
    millions of rows.
    `load(owner, rows, maps)` writes rows (plain dicts from the file), records their
    keys in `maps` for later sections, and returns how many it wrote.
    `has_data(owner)` says whether the account already holds such records (a restore
    needs an empty account).
    """

    name: str
    dump: Callable[[AbstractBaseUser], Iterable[Record]]
    load: Callable[[AbstractBaseUser, Iterable[Any], IdMaps], int]
    has_data: Callable[[AbstractBaseUser], bool] = field(default=lambda owner: False)
    # Sections whose keys this one refers to; they are loaded first.
    needs: tuple[str, ...] = ()
    # Old files may lack sections added later; only core sections are required.
    required: bool = False
    # The models whose rows this section holds (what the completeness test checks).
    models: tuple[type[models.Model], ...] = ()
    # The same records as JSON texts, in chunks (see above); None: the export uses dump.
    dump_text: Callable[[AbstractBaseUser], Iterable[tuple[int, bytes]]] | None = None


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add a section to every export and restore (a name may be registered once)."""
    if section.name in SECTIONS or section.name in HEADER_KEYS:
        raise ValueError(f"export section {section.name!r} is already registered")
    SECTIONS[section.name] = section


def owns(model: type[models.Model]) -> Callable[[AbstractBaseUser], bool]:
    """Return a `has_data` check: does the owner have any row of `model`?"""
    return lambda owner: model._default_manager.filter(owner=owner).exists()


UID_TWICE = "its uid appears twice in the file"
"""Why a record whose uid an earlier record of the file has is refused."""


def uid_taken(uid: Any) -> str:
    """Say why a record whose uid another account's row already has is refused."""
    return (
        f"uid {uid} already exists in this database "
        "(was this file already restored, maybe for another user?)"
    )


def _check_new_uids(model: type[models.Model], uids: list[Any], section: str) -> None:
    """Refuse uids that repeat in the batch or already exist anywhere in the database."""
    seen: set[str] = set()
    for uid in uids:
        if str(uid) in seen:
            raise RestoreError(f"{section}: uid {uid} appears twice in the file")
        seen.add(str(uid))
    # order_by(): a default ordering makes the planner walk another index instead of
    # looking the uids up.
    found = model._default_manager.filter(uid__in=uids).order_by().values_list("uid", flat=True)
    clash = next(iter(found[:1]), None)
    if clash is not None:
        raise RestoreError(f"{section}: {uid_taken(clash)}")


def insert_owned(
    model: type[models.Model], owner: AbstractBaseUser, rows: list[Record], section: str
) -> list[int]:
    """Insert rows of a model with `owner` and `uid` columns; return their pks in order.

    Each row maps column names (or attnames such as person_id) to Python values; all
    rows have the same keys.
    """
    if not rows:
        return []
    uids = [row["uid"] for row in rows]
    _check_new_uids(model, uids, section)
    columns = list(rows[0])
    insert_rows(
        model, ["owner_id", *columns], [(owner.pk, *(row[c] for c in columns)) for row in rows]
    )
    by_uid = _pks_by_uid(model, owner, uids)
    return [by_uid[uid] for uid in uids]


def insert_new(
    inserter: Inserter,
    owner: AbstractBaseUser,
    columns: dict[str, Any],
    count: int,
    where: Callable[[int], str],
) -> list[int]:
    """Insert `count` new rows of a uid-keyed model given column-wise; return their pks.

    The keys are reserved first (no read-back by uid). A uid twice in the batch is
    refused here; one the database already holds is found by its unique index, and the
    error then says whether an earlier record of the file or another row has it.
    `where(i)` names record i.
    """
    model = inserter.model
    uids = columns["uid"]
    keys = uids.values if isinstance(uids, Prepared) else uids
    if len(set(keys)) < count:
        seen: set[Any] = set()
        for index, key in enumerate(keys):
            if key in seen:
                raise RestoreError(f"{where(index)}: {UID_TWICE}")
            seen.add(key)
    pks = reserve_pks(model, count)
    try:
        inserter.insert_columns(count, {**columns, "id": pks, "owner_id": Same(owner.pk)})
    except IntegrityError:
        wanted = [uuid.UUID(str(key)) for key in keys]
        for batch in batched(range(count), BATCH_SIZE):
            found = dict(
                model._default_manager.filter(uid__in=[wanted[i] for i in batch])
                .order_by()
                .values_list("uid", "owner_id")
            )
            for index in batch:
                if wanted[index] in found:
                    mine = found[wanted[index]] == owner.pk
                    reason = UID_TWICE if mine else uid_taken(wanted[index])
                    raise RestoreError(f"{where(index)}: {reason}") from None
        raise
    return pks


def repeated_uid(
    model: type[models.Model], owner: AbstractBaseUser, section: str
) -> RestoreError | None:
    """Return the error naming the record whose uid broke `model`'s unique uid index, if any.

    For a section restored with its indexes built after the rows: a uid
    that an earlier record of the file or another account already has is only
    found when the unique index is built. Names the record an insert row by row
    would have stopped at: the first, in file order, whose uid was already
    taken. The owner's account was empty, and the section's keys were reserved
    in file order, so a record's place is its key minus the owner's first key.
    """
    quote = connection.ops.quote_name
    table, uid, pk, owner_id = (
        quote(model._meta.db_table),
        quote("uid"),
        quote(model._meta.pk.column),
        quote("owner_id"),
    )
    with connection.cursor() as cursor:
        # No index on uid (its build just failed): one sort of the table finds them.
        cursor.execute(
            f"SELECT {uid}, {pk}, {owner_id} FROM {table} WHERE {uid} IN"
            f" (SELECT {uid} FROM {table} GROUP BY {uid} HAVING COUNT(*) > 1)"
            f" ORDER BY {pk}"
        )
        repeated = cursor.fetchall()
        cursor.execute(f"SELECT MIN({pk}) FROM {table} WHERE {owner_id} = %s", [owner.pk])
        (first,) = cursor.fetchone()
    if first is None:
        return None
    groups: dict[Any, list[tuple[int, int]]] = {}
    for value, key, whose in repeated:
        groups.setdefault(value, []).append((key, whose))
    stops: list[tuple[int, str, str]] = []
    for value, rows in groups.items():
        text = str(model._meta.get_field("uid").to_python(value))
        mine = [key for key, whose in rows if whose == owner.pk]
        if not mine:
            continue  # not this restore's rows (cannot happen: the index held before)
        if len(mine) < len(rows):
            stops.append((mine[0] - first, text, uid_taken(text)))
        else:
            stops.append((mine[1] - first, text, UID_TWICE))
    if not stops:
        return None
    index, text, reason = min(stops)
    return RestoreError(f"{label(section, index, {'uid': text})}: {reason}")


# -- building a section from a model ------------------------------------------------
