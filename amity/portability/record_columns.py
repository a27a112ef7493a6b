"""Check and convert a batch of export records column by column: restoring millions of rows.

`records.load_fields` checks one record at a time, field by field: the readable
reference, a dozen Python calls per interaction (most of a three-minute restore of
two million). Here a batch of records becomes one list per field; each list is
checked with a few passes that run in C (the set of types, the export's own spelling
of datetimes, dates and uids, the set of choices, the longest text) and converted
straight to what the database stores, with no Python object per datetime or uid.

Whatever those passes do not recognise sends the whole batch through the reference:
a bad value (so the error names the same record and field as before), or a valid one
spelt another way (a naive or non-UTC datetime, an uppercase uid, a key missing from
some records). The reference's values then go to the bulk writer, which prepares them
as the ORM would. Both ways store the same thing (tests/people/test_restore_columns.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from django.db import connection, models

from amity.core.bulk_writing import Prepared
from amity.portability.records import FieldCodec, load_fields

Record = dict[str, Any]

# What the export writes (records._dump_*): UTC with an explicit offset, microseconds
# only when not zero (str() of a datetime, which SQLite stores, omits ".000000").
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?\+00:00")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class _Unusual(Exception):
    """A column the fast checks do not recognise: the batch goes through the reference."""


def _only(column: list[Any], *kinds: type) -> None:
    if not set(map(type, column)) <= set(kinds):
        raise _Unusual


def _spelt(column: list[Any], pattern: re.Pattern[str]) -> None:
    _only(column, str)
    if not all(map(pattern.fullmatch, column)):
        raise _Unusual


def _parsed(column: list[str], parse: Callable[[str], object]) -> None:
    """Raise _Unusual unless `parse` takes every value of `column`.

    The pattern fixes the shape; this refuses what is no date or time (2026-02-30).
    """
    try:
        for _ in map(parse, column):
            pass
    except ValueError:
        raise _Unusual from None


def _datetimes(column: list[Any], sqlite: bool) -> Prepared:
    """Return what the database stores for the export's UTC datetimes."""
    _spelt(column, _DATETIME)
    _parsed(column, dt.datetime.fromisoformat)
    if not sqlite:
        return Prepared(column)  # PostgreSQL reads ISO 8601 with its offset as it is
    # Django's SQLite backend stores str() of the naive UTC value: a space, no offset.
    return Prepared([f"{text[:10]} {text[11:-6]}" for text in column])


def _dates(column: list[Any]) -> Prepared:
    _spelt(column, _DATE)
    _parsed(column, dt.date.fromisoformat)
    return Prepared(column)


def _uuids(column: list[Any], sqlite: bool) -> Prepared:
    _spelt(column, _UUID)
    # SQLite keeps a uid as 32 hex digits (UUIDField.get_db_prep_value), PostgreSQL
    # parses the dashed text into its uuid type.
    return Prepared([text.replace("-", "") for text in column] if sqlite else column)


def _column(codec: FieldCodec, column: list[Any], sqlite: bool) -> list[Any] | Prepared:
    """Check one column; return it ready for the bulk writer, or raise _Unusual."""
    if None not in column:
        return _values(codec, column, sqlite)
    if not codec.field.null:
        raise _Unusual
    given = [index for index, value in enumerate(column) if value is not None]
    converted = _values(codec, [column[index] for index in given], sqlite)
    ready = isinstance(converted, Prepared)
    values: list[Any] = [None] * len(column)
    for index, value in zip(given, _listed(converted), strict=True):
        values[index] = value
    return Prepared(values) if ready else values


def _listed(column: list[Any] | Prepared) -> Sequence[Any]:
    return column.values if isinstance(column, Prepared) else column


def _values(codec: FieldCodec, column: list[Any], sqlite: bool) -> list[Any] | Prepared:
    """Check a column without nulls; return it ready for the bulk writer."""
    field = codec.field
    if isinstance(field, models.DateTimeField):
        return _datetimes(column, sqlite)
    if isinstance(field, models.DateField):
        return _dates(column)
    if isinstance(field, models.UUIDField):
        return _uuids(column, sqlite)
    if isinstance(field, models.BooleanField):
        _only(column, bool)
    elif isinstance(field, models.IntegerField):
        _only(column, int)
        if isinstance(field, models.PositiveIntegerField) and column and min(column) < 0:
            raise _Unusual
    elif isinstance(field, models.FloatField):
        _only(column, int, float)
        return [float(value) for value in column]
    elif isinstance(field, models.JSONField):
        default = field.get_default()
        if isinstance(default, list | dict):
            _only(column, type(default))
    elif isinstance(field, models.CharField | models.TextField):
        _only(column, str)
        if codec.max_length and column and max(map(len, column)) > codec.max_length:
            raise _Unusual
    else:
        raise _Unusual
    if codec.choices:
        allowed = {*codec.choices, *([""] if field.blank else [])}
        if not set(column) <= allowed:
            raise _Unusual
    return column


def _transposed(records: list[Record], codecs: list[FieldCodec]) -> list[list[Any]]:
    """Return one list per codec of its key's values, or raise _Unusual if one is missing.

    One getter of every key per record, then one transposition: a third of the time
    of a pass over the records per key.
    """
    keys = [codec.key for codec in codecs]
    try:
        if len(keys) < 2:  # itemgetter of one key gives the value, not a tuple
            return [list(map(itemgetter(key), records)) for key in keys]
        return list(map(list, zip(*map(itemgetter(*keys), records), strict=True)))
    except KeyError:
        raise _Unusual from None  # a record lacks a key the first one has


class ColumnLoader:
    """Turn batches of records into checked columns for one model's bulk writer.

    `load` returns {attname: values} (a `Prepared` list when the values are already
    what the database stores); `required` keys must be in every record, as for
    `load_fields`. Keys other than the codecs' are left to the caller.
    """

    def __init__(self, codecs: Sequence[FieldCodec], *, required: Sequence[str]) -> None:
        self.codecs = tuple(codecs)
        self.required = tuple(required)
        # Read here, on the caller's thread: `load` may run in a read-ahead thread,
        # where Django's `connection` would be another one.
        self.sqlite = connection.vendor == "sqlite"

    def load(self, records: list[Record], label: Callable[[int], str]) -> dict[str, Any]:
        """Return the batch's columns; raise RecordError naming the first bad field.

        `label(i)` names record i for error messages (`interactions[12] (uid …)`).
        """
        if not records:
            return {codec.field.attname: [] for codec in self.codecs}
        try:
            return self._fast(records)
        except _Unusual:
            return self._reference(records, label)

    def _fast(self, records: list[Record]) -> dict[str, Any]:
        first = records[0]
        present = [codec for codec in self.codecs if codec.key in first]
        absent = [codec for codec in self.codecs if codec.key not in first]
        if any(key not in first for key in self.required):
            raise _Unusual
        for codec in absent:
            field = codec.field
            # A default computed per row (a new uid, now) is the reference's to call,
            # and so is the error for a column that has none.
            if field.has_default():
                if callable(field.default):
                    raise _Unusual
            elif not (field.null or field.empty_strings_allowed):
                raise _Unusual
            if any(codec.key in record for record in records):
                raise _Unusual
        # Absent columns are left out: the bulk writer gives them the field's default.
        return {
            codec.field.attname: _column(codec, column, self.sqlite)
            for codec, column in zip(present, _transposed(records, present), strict=True)
        }

    def _reference(self, records: list[Record], label: Callable[[int], str]) -> dict[str, Any]:
        values = [
            load_fields(self.codecs, record, label(index), required=self.required)
            for index, record in enumerate(records)
        ]
        return {codec.field.attname: [v[codec.key] for v in values] for codec in self.codecs}
