"""Build export sections straight from a model: every column, foreign keys as uids.

`model_section` is how most apps' rows travel (snoozes, introductions, triage labels…):
it writes every plain column with the codecs of amity.portability.records, refers to
other sections' records by uid, and restores in batches with ids mapped back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from amity.core.bulk_writing import insert_rows
from amity.portability.records import RecordError, codecs_for, dump_fields, load_fields
from amity.portability.sections import (
    _KEY_FIELDS,
    BATCH_SIZE,
    IdMaps,
    Record,
    RestoreError,
    Section,
    batched,
    insert_owned,
    numbered,
    owns,
)


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
    # long because: it builds the section's dump and load closures over one
    # _Table description; they share its state, which a class would only rename.
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
