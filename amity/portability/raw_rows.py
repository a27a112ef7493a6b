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


def _sqlite_datetime(value: str | None) -> str | None:
    # "2026-11-02 12:00:00[.ffffff]" (naive UTC) -> isoformat of the aware value.
    return None if value is None else f"{value[:10]}T{value[11:]}+00:00"


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
    """Return (SQL for the column, how to turn the driver's value into the export's)."""
    column = connection.ops.quote_name(field.column)
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.DateTimeField):
        # On SQLite an expression has no declared type: the driver leaves the text alone.
        return (f"{column} || ''", _sqlite_datetime) if sqlite else (column, _aware_datetime)
    if isinstance(field, models.DateField):
        return (f"{column} || ''" if sqlite else column), _date
    if isinstance(field, models.UUIDField):
        return (column, _sqlite_uuid) if sqlite else (column, _text_uuid)
    if isinstance(field, models.JSONField):
        return column, _json
    if isinstance(field, models.BooleanField):
        return column, _boolean
    return column, None


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
    plain = [
        (i + len(extra), key)
        for i, (key, (_, f)) in enumerate(zip(keys, converters, strict=True))
        if f is None
    ]
    converted = [
        (i + len(extra), key, f)
        for i, (key, (_, f)) in enumerate(zip(keys, converters, strict=True))
        if f is not None
    ]
    width = len(extra)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(FETCH):
            for row in rows:
                record = {key: row[i] for i, key in plain}
                for i, key, convert in converted:
                    record[key] = convert(row[i])
                yield list(row[:width]), record
