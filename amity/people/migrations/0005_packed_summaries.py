"""Keep a packed copy of each engine summary's scoring columns, filled for existing rows."""

import struct
from typing import Any

from django.db import migrations, models

# The columns as this migration packs them (summaries.PACKED_COLUMNS when it was
# written); a later change of columns comes with its own migration or a rebuild.
COLUMNS = (
    "person_id",
    "first_ts",
    "last_ts",
    "count",
    "outbound",
    "inbound",
    "mutual",
    "two_way",
    "weighted_count",
    "depth",
    "gave",
    "received",
    "asked",
    "were_asked",
    "gave_count",
    "asked_count",
    "last_received_ts",
    "last_thanked_ts",
)
ROW = struct.Struct(f"<{len(COLUMNS)}d")
CHUNK = 5000


def pack_existing(apps: Any, schema_editor: Any) -> None:
    """Pack the summaries already stored, so the first score after upgrading is fast."""
    summary = apps.get_model("people", "PersonSummary")
    connection = schema_editor.connection
    q = connection.ops.quote_name
    table = q(summary._meta.db_table)
    select = ", ".join(q(name) for name in COLUMNS)
    update = f"UPDATE {table} SET {q('packed')} = %s WHERE {q('person_id')} = %s"
    with connection.cursor() as reader, connection.cursor() as writer:
        reader.execute(f"SELECT {select} FROM {table}")
        while rows := reader.fetchmany(CHUNK):
            writer.executemany(
                update,
                [
                    (ROW.pack(*(float("nan") if v is None else v for v in row)), row[0])
                    for row in rows
                ],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_today_payload"),
    ]

    operations = [
        migrations.AddField(
            model_name="personsummary",
            name="packed",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(pack_existing, migrations.RunPython.noop),
    ]
