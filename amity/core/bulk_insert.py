"""Insert many rows fast: one prepared INSERT run with executemany.

`bulk_create` builds a model instance and compiles every value through the ORM, which
costs more than the database work itself when restoring millions of rows. The SQL
here is plain, portable INSERT (placeholders are converted per backend by Django's
cursor), so it runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import connections, models, router


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    """Return how to turn a Python value into a query parameter (None: as it is)."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
    if isinstance(field, plain) or field.is_relation:
        return None
    return partial(field.get_db_prep_save, connection=connection)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in `columns` order; names or attnames such as owner_id).

    Every column without a database default must be given; values must already be
    valid (no validation or signals happen here).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    converters = [_converter(field, connection) for field in fields]
    params = [
        tuple(
            value if convert is None or value is None else convert(value)
            for convert, value in zip(converters, row, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
