"""Read a model's rows as export values straight from the database cursor, in a stream.

The ORM's `.values()` builds every datetime through converters and every UUID as an
object before the export turns them back into text; for two million interactions
that was most of the export. Here each column is converted once, from what the
driver gives, to exactly the text `records.FieldCodec.dump` writes: SQLite keeps
naive UTC datetimes and dashless UUIDs as text, PostgreSQL gives aware datetimes and
UUID objects. Rows come through a chunked (server-side on PostgreSQL) cursor, so
memory stays flat in the size of the account.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import orjson
from django.db import connection, models

from amity.portability.records import FieldCodec

FETCH = 5000


def _sqlite_uuid(value: str | None) -> str | None:
    if value is None:
        return None
    h = value.replace("-", "")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _aware_datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _text_uuid(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(value)


def _date(value: dt.date | str | None) -> str | None:
    return value if value is None or isinstance(value, str) else value.isoformat()


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _boolean(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _converter(field: models.Field[Any, Any]) -> tuple[str, Callable[[Any], Any] | None]:
    """Return (SQL for the column, how to turn the driver's value into the export's).

    On SQLite the text is reshaped by SQL itself (an expression has no declared type,
    so the driver leaves it alone): no Python call per value.
    """
    column = connection.ops.quote_name(field.column)
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.DateTimeField):
        # "2026-11-02 12:00:00[.ffffff]" (naive UTC) -> the aware value's isoformat.
        sql = f"replace({column}, ' ', 'T') || '+00:00'"
        return (sql, None) if sqlite else (column, _aware_datetime)
    if isinstance(field, models.DateField):
        return (f"{column} || ''", None) if sqlite else (column, _date)
    if isinstance(field, models.UUIDField):
        if not sqlite:
            return column, _text_uuid
        parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        dashed = " || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts)
        # Stored as 32 hex digits; anything else goes through Python.
        return f"CASE WHEN length({column}) = 32 THEN {dashed} ELSE {column} END", _dashed
    if isinstance(field, models.JSONField):
        return column, _json
    if isinstance(field, models.BooleanField):
        return column, _boolean
    return column, None


def _dashed(value: str | None) -> str | None:
    return value if value is None or len(value) == 36 else _sqlite_uuid(value)


def stream_rows(
    model: type[models.Model],
    codecs: Sequence[FieldCodec],
    *,
    extra: Sequence[str] = (),
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """Yield ([extra column values], {codec key: export value}) per row, in `order`.

    `extra` names columns (such as the id) wanted as the driver gives them; `where`
    and `order` are SQL over the model's table.
    """
    q = connection.ops.quote_name
    converters = [_converter(codec.field) for codec in codecs]
    keys = [codec.key for codec in codecs]
    select = ", ".join([*(q(name) for name in extra), *(sql for sql, _ in converters)])
    sql = (
        f"SELECT {select} FROM {q(model._meta.db_table)} WHERE {where}"
        f" ORDER BY {', '.join(q(name) for name in order)}"
    )
    converted = [(i + len(extra), f) for i, (_, f) in enumerate(converters) if f is not None]
    width = len(extra)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(FETCH):
            for row in rows:
                if converted:
                    row = list(row)
                    for i, convert in converted:
                        row[i] = convert(row[i])
                yield list(row[:width]), dict(zip(keys, row[width:], strict=True))
