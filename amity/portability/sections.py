"""Declare the kinds of record in a JSON export, and build a section from a model.

`Section` and `register_section` are the registry `amity.portability.exporting` writes and
reads; `model_section` turns a model into a section in a few lines, which is how apps
add their records from their AppConfig.ready::

    register_section(
        model_section("snoozes", Snooze, refs={"person": "people"}, order=("person__uid",))
    )

A model section writes every plain column (codecs from amity.portability.records), a
foreign key as the uid of the row it points at (a tag as its name), a many-to-many
field as a sorted list of such keys, and rows of a child model without uid nested in
their parent's record. Restoring validates each record, naming it and the field at
fault, and inserts in batches.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from amity.core.bulk_insert import insert_rows
from amity.portability.records import RecordError, codecs_for, dump_fields, load_fields

# Rows per query and per insert: large enough to be fast, small enough that a
# million-row section never sits in memory at once, and below SQLite's 999 query
# parameters for the `uid IN (...)` look-ups.
BATCH_SIZE = 900

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
    uid = record.get("uid") if isinstance(record, dict) else None
    return f"{section}[{index}]" + (f" (uid {uid})" if isinstance(uid, str) else "")


def numbered(section: str, rows: Iterable[Any]) -> Iterator[tuple[str, Record]]:
    """Yield (label, record) for each row, refusing rows that are not JSON objects."""
    for index, row in enumerate(rows):
        where = label(section, index, row)
        if not isinstance(row, dict):
            raise RestoreError(f"{where}: expected an object, found {type(row).__name__}")
        yield where, row


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

    def remember(self, section: str, key: str, pk: int) -> None:
        """Record that `key` of `section` was stored as row `pk`."""
        self._maps.setdefault(section, {})[key] = pk

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

    `dump(owner)` yields JSON-ready dicts in a stable order; `load(owner, rows, maps)`
    writes rows (plain dicts from the file), records their keys in `maps` for later
    sections, and returns how many it wrote. `has_data(owner)` says whether the
    account already holds such records (a restore needs an empty account).
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


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add a section to every export and restore (a name may be registered once)."""
    if section.name in SECTIONS or section.name in HEADER_KEYS:
        raise ValueError(f"export section {section.name!r} is already registered")
    SECTIONS[section.name] = section


def owns(model: type[models.Model]) -> Callable[[AbstractBaseUser], bool]:
    """Return a `has_data` check: does the owner have any row of `model`?"""
    return lambda owner: model._default_manager.filter(owner=owner).exists()


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
        raise RestoreError(
            f"{section}: uid {clash} already exists in this database "
            "(was this file already restored, maybe for another user?)"
        )


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


# -- building a section from a model ------------------------------------------------


@dataclass(frozen=True)
class Nested:
    """Rows of a child model (without uid) written inside their parent's record.

    `key` is the list's name in the parent record, `parent` the child's foreign key
    to the parent model; `refs` and `order` work as in `model_section`.
    """

    key: str
    model: type[models.Model]
    parent: str
    refs: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()


@dataclass
class _Parsed:
    """One record read from the file, on its way into the database."""

    where: str
    row: Record
    refs: dict[str, str | None]
    many: dict[str, list[str]]
    many_pks: dict[str, list[int]] = field(default_factory=dict)
    children: list[_Parsed] = field(default_factory=list)


def _key_of(section: str) -> str:
    return _KEY_FIELDS.get(section, "uid")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class _Table:
    """How one model's rows become records and back (used for parents and children)."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        refs: Mapping[str, str],
        many: Mapping[str, str] = {},
        skip: Iterable[str] = (),
        derived: Mapping[str, Callable[[Record], Any]] = {},
        order: Iterable[str] = (),
        check: Callable[[Record], str | None] | None = None,
        parent: str | None = None,
    ) -> None:
        self.model = model
        self.refs = dict(refs)
        self.many = dict(many)
        self.derived = dict(derived)
        self.check = check
        self.order = (*order, "pk")
        meta = model._meta
        skipped = set(skip)
        hidden = {*skipped, *self.derived, *self.refs, *self.many, *([parent] if parent else [])}
        for name in hidden:
            meta.get_field(name)  # a typo fails at start-up, not in a restore
        for relation in [*meta.concrete_fields, *meta.many_to_many]:
            if relation.is_relation and relation.name not in {"owner", *hidden}:
                raise ValueError(
                    f"{meta.label}.{relation.name} is a relation: name the section it "
                    "refers to (refs/many) or skip it"
                )
        self.codecs = codecs_for(model, skip=hidden)
        for codec in self.codecs:
            if isinstance(codec.field, models.BinaryField):
                raise ValueError(f"{meta.label}.{codec.key} is binary: skip it or derive it")
        self.required = tuple(
            codec.key
            for codec in self.codecs
            if not (codec.field.has_default() or codec.field.null or codec.field.blank)
        )
        self.parent = None if parent is None else meta.get_field(parent).attname
        self.has_owner = any(f.name == "owner" for f in meta.concrete_fields)
        self.has_uid = any(f.name == "uid" for f in meta.concrete_fields)
        # Columns the file leaves out (caches): stored with their defaults.
        self.defaults = {
            f.attname: f.get_default() for f in meta.concrete_fields if f.name in skipped
        }
        self.unique = [
            tuple(meta.get_field(name) for name in constraint.fields)
            for constraint in meta.total_unique_constraints
        ] + [(f,) for f in meta.concrete_fields if f.unique and f.name not in ("id", "uid")]

    def needs(self) -> set[str]:
        """Return the sections this table's references point into."""
        return {*self.refs.values(), *self.many.values()}

    def lookups(self) -> list[str]:
        """Return the names to pass to QuerySet.values() for one record."""
        return [codec.key for codec in self.codecs] + [
            f"{name}__{_key_of(section)}" for name, section in self.refs.items()
        ]

    def record(self, row: Record) -> Record:
        """Return the export record of a row read with `lookups()`."""
        record = dump_fields(self.codecs, row)
        for name, section in self.refs.items():
            record[name] = _text(row[f"{name}__{_key_of(section)}"])
        return record

    def many_keys(self, ids: list[int]) -> dict[str, dict[int, list[str]]]:
        """Return, per many-to-many field, the sorted keys each of these rows points at."""
        found: dict[str, dict[int, list[str]]] = {}
        for name, section in self.many.items():
            relation = self.model._meta.get_field(name)
            assert isinstance(relation, models.ManyToManyField)
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            rows = relation.remote_field.through._default_manager.filter(
                **{f"{source}_id__in": ids}
            ).values_list(f"{source}_id", f"{target}__{_key_of(section)}")
            keys = found.setdefault(name, {})
            for pk, key in rows:
                keys.setdefault(pk, []).append(str(key))
        return found

    def parse(self, row: Record, where: str) -> _Parsed:
        """Check one record's columns and collect the keys it refers to."""
        values = load_fields(self.codecs, row, where, required=self.required)
        refs: dict[str, str | None] = {}
        for name, section in self.refs.items():
            raw = row.get(name)
            if raw is None and not self.model._meta.get_field(name).null:
                raise RecordError(
                    where, name, "is missing" if name not in row else "must not be null"
                )
            if raw is not None and not isinstance(raw, str):
                raise RecordError(where, name, f"must be a {section} {_key_of(section)}")
            refs[name] = raw
        many: dict[str, list[str]] = {}
        for name, section in self.many.items():
            keys = row.get(name, [])
            if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
                raise RecordError(where, name, f"must be a list of {section} {_key_of(section)}s")
            many[name] = keys
        return _Parsed(where, values, refs, many)

    def resolve(self, parsed: list[_Parsed], maps: IdMaps) -> None:
        """Turn the keys of a batch into primary keys (one query per section)."""
        for name, section in [*self.refs.items(), *self.many.items()]:
            keys = {key for item in parsed for key in self._keys(item, name) if key is not None}
            found = maps.lookup(section, keys)
            for item in parsed:
                for key in self._keys(item, name):
                    if key is not None and key not in found:
                        raise RestoreError(
                            f"{item.where}: field {name!r} refers to unknown {section} {key!r}"
                        )
                if name in item.refs:
                    key = item.refs[name]
                    attname = self.model._meta.get_field(name).attname
                    item.row[attname] = None if key is None else found[key]
                else:
                    item.many_pks[name] = sorted({found[key] for key in item.many[name]})

    @staticmethod
    def _keys(item: _Parsed, name: str) -> list[str | None]:
        return [item.refs[name]] if name in item.refs else list(item.many[name])

    def finish(self, parsed: list[_Parsed], owner: AbstractBaseUser, seen: list[set[Any]]) -> None:
        """Fill derived and skipped columns, then apply the model's rules to each row."""
        for item in parsed:
            row = item.row
            for name, derive in self.derived.items():
                row[name] = derive(row)
            row.update(self.defaults)
            problem = self.check(row) if self.check else None
            if problem:
                raise RestoreError(f"{item.where}: {problem}")
            # The account is empty, so only rows of this file can clash: say which.
            for fields, already in zip(self.unique, seen, strict=True):
                values = tuple(
                    owner.pk if f.attname == "owner_id" else row[f.attname] for f in fields
                )
                if None in values:
                    continue  # NULLs never clash in SQL
                if values in already:
                    names = ", ".join(f.name for f in fields if f.name != "owner")
                    raise RestoreError(f"{item.where}: another record has the same {names}")
                already.add(values)

    def insert(
        self, owner: AbstractBaseUser, parsed: list[_Parsed], section: str, key: str | None
    ) -> list[int]:
        """Insert a batch; return the new primary keys when they can be told apart."""
        rows = [item.row for item in parsed]
        if not rows:
            return []
        if self.has_uid:
            return insert_owned(self.model, owner, rows, section)
        columns = list(rows[0])
        owned = ["owner_id"] if self.has_owner else []
        values = [(*([owner.pk] if owned else []), *(row[c] for c in columns)) for row in rows]
        insert_rows(self.model, [*owned, *columns], values)
        if key is None:
            return []
        found = dict(
            self.model._default_manager.filter(
                owner=owner, **{f"{key}__in": [row[key] for row in rows]}
            ).values_list(key, "pk")
        )
        return [found[row[key]] for row in rows]

    def insert_many(self, parsed: list[_Parsed], pks: list[int]) -> None:
        """Insert the many-to-many rows of a batch whose pks are known."""
        for name in self.many:
            relation = self.model._meta.get_field(name)
            assert isinstance(relation, models.ManyToManyField)
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            insert_rows(
                relation.remote_field.through,
                [f"{source}_id", f"{target}_id"],
                [
                    (pk, other)
                    for pk, item in zip(pks, parsed, strict=True)
                    for other in item.many_pks[name]
                ],
            )


def model_section(
    name: str,
    model: type[models.Model],
    *,
    refs: Mapping[str, str] = {},
    many: Mapping[str, str] = {},
    skip: Iterable[str] = (),
    derived: Mapping[str, Callable[[Record], Any]] = {},
    order: Iterable[str] = (),
    key: str | None = None,
    nested: Nested | None = None,
    check: Callable[[Record], str | None] | None = None,
) -> Section:
    """Return a section holding every row of `model` the owner has.

    - refs: foreign key -> the section it points into ("people", "interactions",
      "notes", "tags" or another uid-keyed section); written as that row's uid.
    - many: many-to-many field -> section; written as a sorted list of uids.
    - skip: columns left out of the file (caches); restored with their defaults.
    - derived: column -> function of the restored row (foreign keys as attnames such
      as person_a_id) for values that depend on database ids; left out of the file.
    - order: fields (lookups such as person__uid allowed) that sort the records; the
      primary key breaks ties, and a restore inserts in file order, so the order
      survives a round trip.
    - key: for a model without uid that has `nested` children, the column unique per
      owner that finds the rows just inserted (a daily list's `day`).
    - nested: a child model written inside each record (a daily list's picks).
    - check: returns what is wrong with a restored row (rules the database would only
      report without naming the record), or None.
    Restoring checks every column, reference and unique constraint, naming the record
    and field at fault.
    """
    table = _Table(
        model, refs=refs, many=many, skip=skip, derived=derived, order=order, check=check
    )
    child = (
        None
        if nested is None
        else _Table(nested.model, refs=nested.refs, order=nested.order, parent=nested.parent)
    )
    if (nested is not None or many) and not table.has_uid and key is None:
        raise ValueError(f"{name}: a model without uid needs `key` to nest rows or relations")
    if table.has_uid:
        key = None

    def dump(owner: AbstractBaseUser) -> Iterator[Record]:
        rows = (
            model._default_manager.filter(owner=owner)
            .order_by(*table.order)
            .values("pk", *table.lookups())
            .iterator(chunk_size=BATCH_SIZE)
        )
        for batch in batched(rows, BATCH_SIZE):
            ids = [row["pk"] for row in batch]
            many_keys = table.many_keys(ids)
            children: dict[int, list[Record]] = {}
            if child is not None and child.parent is not None:
                for row in (
                    child.model._default_manager.filter(**{f"{child.parent}__in": ids})
                    .order_by(child.parent, *child.order)
                    .values(child.parent, *child.lookups())
                ):
                    children.setdefault(row[child.parent], []).append(child.record(row))
            for row in batch:
                record = table.record(row)
                for field_name, keys in many_keys.items():
                    record[field_name] = sorted(keys.get(row["pk"], []))
                if nested is not None:
                    record[nested.key] = children.get(row["pk"], [])
                yield record

    def load(owner: AbstractBaseUser, rows: Iterable[Any], maps: IdMaps) -> int:
        if table.has_uid:
            maps.look_up_in(name, model)
        seen: list[set[Any]] = [set() for _ in table.unique]
        child_seen: list[set[Any]] = [set() for _ in (child.unique if child else [])]
        count = 0
        for batch in batched(numbered(name, rows), BATCH_SIZE):
            parsed = [table.parse(row, where) for where, row in batch]
            if nested is not None and child is not None:
                for item, (where, row) in zip(parsed, batch, strict=True):
                    item.children = _parse_children(child, nested.key, row, where)
            table.resolve(parsed, maps)
            table.finish(parsed, owner, seen)
            pks = table.insert(owner, parsed, name, key)
            table.insert_many(parsed, pks)
            if child is not None and child.parent is not None:
                kids = []
                for pk, item in zip(pks, parsed, strict=True):
                    for kid in item.children:
                        kid.row[child.parent] = pk
                        kids.append(kid)
                child.resolve(kids, maps)
                child.finish(kids, owner, child_seen)
                child.insert(owner, kids, name, None)
            count += len(parsed)
        return count

    needs = table.needs() | (child.needs() if child else set())
    return Section(
        name=name,
        dump=dump,
        load=load,
        has_data=owns(model),
        needs=tuple(sorted(needs - {name})),
        models=(model,) if nested is None else (model, nested.model),
    )


def _parse_children(child: _Table, key: str, row: Record, where: str) -> list[_Parsed]:
    raw = row.get(key, [])
    if not isinstance(raw, list):
        raise RestoreError(f"{where}: field {key!r} must be a list")
    record, _, uid = where.partition(" ")
    kids = []
    for index, item in enumerate(raw):
        at = f"{record}.{key}[{index}] {uid}".rstrip()
        if not isinstance(item, dict):
            raise RestoreError(f"{at}: expected an object")
        kids.append(child.parse(item, at))
    return kids
