"""Have the database write export records as JSON text, byte for byte as orjson would.

Building an interaction's record in Python costs a tuple, a dict, an orjson call and
a string per row; for two million rows that was most of an export. Here the database
writes each record's text itself (SQLite's `json_object`, PostgreSQL's `row_to_json`
over a LATERAL row) and Python only joins the lines. The SQL is derived from the same
codecs (amity.portability.records) as the Python records, with the keys in sorted
order and every value spelled as `records.FieldCodec.dump` and orjson spell it:
datetimes as the aware UTC value's isoformat, UUIDs dashed, text escaped alike (all
three escape only `"`, `\\` and control characters, as \\b \\t \\n \\f \\r or lowercase
\\u00XX, and keep other characters as UTF-8). tests/people/test_exporting.py compares
every line with orjson's, on both backends.

Only columns whose JSON text the databases write exactly so are supported: text,
whole numbers, UUIDs, dates and datetimes. JSON columns are not (orjson sorts their
nested keys, and floats print differently), nor are booleans (SQLite stores 0 and 1).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models

from amity.portability.records import FieldCodec

FETCH = 5000
"""Records per fetch: a few megabytes of text."""

ROW = "t"
"""The alias of the exported table in the SQL (`where`, `order` and lists refer to it)."""


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def uuid_sql(column: str) -> str:
    """Return SQL for a UUID column as dashed lowercase text (SQLite keeps 32 hex digits)."""
    if not _sqlite():
        return f"{column}::text"
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    dashed = " || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts)
    return f"CASE WHEN length({column}) = 32 THEN {dashed} ELSE {column} END"


def value_sql(field: models.Field[Any, Any], column: str) -> str:
    """Return SQL for a column's export value, as text or a whole number.

    Raise TypeError for a column whose JSON text the database would spell differently.
    """
    sqlite = _sqlite()
    if isinstance(field, models.DateTimeField):
        if sqlite:
            # Naive UTC "2026-11-02 12:00:00[.ffffff]" (Django leaves out a zero
            # fraction, as isoformat does).
            return f"replace({column}, ' ', 'T') || '+00:00'"
        # No date part contains a dot, so only a zero fraction is removed.
        spelled = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        return f"replace({spelled}, '.000000', '') || '+00:00'"
    if isinstance(field, models.DateField):
        return f"{column} || ''" if sqlite else f"to_char({column}, 'YYYY-MM-DD')"
    if isinstance(field, models.UUIDField):
        return uuid_sql(column)
    if isinstance(field, models.CharField | models.TextField):
        return column
    if isinstance(field, models.IntegerField) and not isinstance(field, models.BooleanField):
        return column
    raise TypeError(f"{field} cannot be written as JSON by the database (see json_rows)")


def related_uids(relation: models.ManyToManyField[Any, Any]) -> str:
    """Return SQL for the sorted list of uids a row's many-to-many relation points at.

    The related model must have a `uid` column; the list is empty when there are none.
    """
    q = connection.ops.quote_name
    through = relation.remote_field.through._meta
    target = relation.related_model._meta
    source_column = through.get_field(relation.m2m_field_name()).column
    target_column = through.get_field(relation.m2m_reverse_field_name()).column
    uid = uuid_sql(f"p.{q('uid')}")
    # The related row has the same owner: saying so keeps the join on one shard.
    joined = (
        f"FROM {q(through.db_table)} x JOIN {q(target.db_table)} p"
        f" ON p.{q('id')} = x.{q(target_column)} AND p.{q('owner_id')} = {ROW}.{q('owner_id')}"
        f" WHERE x.{q(source_column)} = {ROW}.{q('id')}"
    )
    if _sqlite():
        # json() gives the list back its JSON type, lost on leaving the subquery.
        return f"json((SELECT json_group_array(u) FROM (SELECT {uid} AS u {joined} ORDER BY u)))"
    # uuid order is the order of the lowercase text: bytes compared in turn.
    return f"ARRAY(SELECT {uid} {joined} ORDER BY p.{q('uid')})"


def record_sql(codecs: Sequence[FieldCodec], lists: Mapping[str, str]) -> tuple[str, str]:
    """Return (select expression, FROM addition) writing one record's JSON text.

    `lists` maps extra keys to SQL giving a list (see related_uids).
    """
    q = connection.ops.quote_name
    values = {
        codec.key: value_sql(codec.field, f"{ROW}.{q(codec.field.column)}") for codec in codecs
    }
    values.update(lists)
    ordered = sorted(values.items())  # orjson's OPT_SORT_KEYS order
    if _sqlite():
        pairs = ", ".join(f"'{key}', {sql}" for key, sql in ordered)
        return f"json_object({pairs})", ""
    # row_to_json writes no spaces (json_build_object would); LATERAL keeps the
    # columns' names as the keys and leaves the ORDER BY to the outer query.
    columns = ", ".join(f"{sql} AS {q(key)}" for key, sql in ordered)
    return "row_to_json(r)::text", f", LATERAL (SELECT {columns}) r"


def stream_json(
    model: type[models.Model],
    codecs: Sequence[FieldCodec],
    *,
    lists: Mapping[str, str] = {},
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
) -> Iterator[list[str]]:
    """Yield the rows of `model` as lists of JSON texts (one per record), in `order`.

    `where` is SQL over the table, aliased `t` (ROW); `order` names its columns. Rows
    come through a chunked cursor (server-side on PostgreSQL): memory stays flat.
    """
    q = connection.ops.quote_name
    record, lateral = record_sql(codecs, lists)
    sql = (
        f"SELECT {record} FROM {q(model._meta.db_table)} {ROW}{lateral} WHERE {where}"
        f" ORDER BY {', '.join(f'{ROW}.{q(name)}' for name in order)}"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(FETCH):
            yield [row[0] for row in rows]
