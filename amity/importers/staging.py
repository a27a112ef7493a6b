"""Stage an import's new rows out of sight, then show them in one short transaction.

SQLite lets one connection write at a time: an import that wrote 250,000 rows in one
transaction kept every other writer waiting past the busy timeout. Instead, new rows
are written in short transactions into temporary tables of the import's own
connection (`Stage`): no other connection can see them, and SQLite keeps them out of
the database file, so writing them holds no lock other writers wait on for long.
Their keys are reserved from the real tables' sequences first, so the rows that point
at them (contact points, links, the change log) are staged complete. One short
transaction then copies every staged table into its real one (one INSERT ... SELECT
each) together with the changes to existing rows. A failure, or a crash, leaves
nothing behind: temporary tables go with the connection, and `Stage.discard` drops
them at once. The import stays all-or-nothing.

PostgreSQL needs none of that: a writer there never waits for another's open
transaction (only for the same unique key), so its import opens the publishing
transaction first and writes new rows straight into the real tables (`direct`), one
COPY per table, the server writing one chunk while the next is prepared. Staging
there wrote every row twice, the second time with INSERT ... SELECT, and left the
second core idle; the staged import took 3.4 times the floor of
`bench/import_bench.py`. What the import reports as progress meanwhile is written in
that transaction too, so a web import's bar waits at "Matching people" until the
rows appear. A dry run still stages, so it writes nothing.

Until issue 18 imports staged under a hidden user instead (and handed the rows over
with one UPDATE of `owner` per table, which rewrote every owner-led index a second
time); `discard_abandoned` still clears what such an import left when it died.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from amity.core.bulk_writing import Inserter, insert_links, link_columns, reserve_pks
from amity.importers.models import ExternalKey, ImportChange, ImportRun
from amity.people.models import ContactPoint, Interaction, Person, Tag

PREFIX = "amity-import-staging-"
# Staged rows of an import that died (kill -9, power cut) are deleted by the next
# import once they are this old; a running import never takes that long to stage.
ABANDONED_AFTER = dt.timedelta(hours=6)
# Tables an older import's hidden owner may hold rows in, children before the rows
# they point at (the order `discard` deletes in).
_OWNED = (ImportChange, ExternalKey, ContactPoint, Interaction, Person, Tag, ImportRun)
_TEMP_PREFIX = "amity_stage_"


class Stage:
    """An import's new rows, held in temporary tables of this connection until published.

    With `direct` (PostgreSQL, see the module's docstring) the rows go straight into
    the real tables instead, inside the transaction `writing` opens; `publish` then
    has nothing left to copy.
    """

    def __init__(self, *, direct: bool = False) -> None:
        self.db = connections[DEFAULT_DB_ALIAS]
        self.direct = direct and self.db.vendor == "postgresql"
        # real table -> (staging table, its columns)
        self.tables: dict[str, tuple[str, str]] = {}

    def writing(self) -> AbstractContextManager[Any]:
        """Return the context to stage and publish in: one transaction when direct."""
        return transaction.atomic(using=self.db.alias) if self.direct else nullcontext()

    def _table(self, real: str, columns: str) -> str:
        """Create the staging table of `real` once; return its quoted, qualified name."""
        quote = self.db.ops.quote_name
        schema = "pg_temp" if self.db.vendor == "postgresql" else "temp"
        temp = f"{schema}.{quote(_TEMP_PREFIX + real)}"
        if real not in self.tables:
            with self.db.cursor() as cursor:
                # Left on this connection by an import that stopped before discard ran.
                cursor.execute(f"DROP TABLE IF EXISTS {temp}")
                # Same column types, no constraints or indexes: an auto-increment key
                # left out is NULL here and drawn when the rows are copied.
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {quote(_TEMP_PREFIX + real)} AS "
                    f"SELECT * FROM {quote(real)} LIMIT 0"
                )
            self.tables[real] = (temp, columns)
        elif self.tables[real][1] != columns:
            raise ValueError(f"{real} is staged with other columns")
        return temp

    def inserter(self, model: type[models.Model], *, with_pk: bool = False) -> Inserter:
        """Return an Inserter that stages rows of `model` (with their reserved keys)."""
        if self.direct:
            return Inserter(model, with_pk=with_pk)
        columns = Inserter(model, with_pk=with_pk).columns
        table = self._table(model._meta.db_table, columns)
        return Inserter(model, table=table, with_pk=with_pk, durable=False)

    def insert_links(
        self, through: type[models.Model], left: str, right: str, pairs: Iterable[Any]
    ) -> None:
        """Stage many-to-many link rows (left_id, right_id)."""
        pairs = list(pairs)
        if pairs and self.direct:
            insert_links(through, left, right, pairs)
        elif pairs:
            table = self._table(through._meta.db_table, link_columns(through, left, right))
            insert_links(through, left, right, pairs, table=table, durable=False)

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """Draw `count` new keys from `model`'s sequence; no other insert will get them."""
        # Its own short transaction on the stage's connection: on SQLite moving the
        # sequence on is a write, like any other insert.
        with transaction.atomic(using=self.db.alias):
            return reserve_pks(model, count, using=self.db.alias)

    def publish(self) -> None:
        """Copy every staged table into its real one (call inside the caller's transaction)."""
        quote = self.db.ops.quote_name
        with self.db.cursor() as cursor:
            for real, (temp, columns) in self.tables.items():
                # No ORDER BY: a staging table is read back in the order it was written
                # (keys ascending, the order the real indexes like), and sorting 100,000
                # wide rows spilled to disk on PostgreSQL. The order only affects speed.
                cursor.execute(
                    f"INSERT INTO {quote(real)} ({columns}) SELECT {columns} FROM {temp}"
                )

    def discard(self) -> None:
        """Drop the staging tables (published or not)."""
        with self.db.cursor() as cursor:
            for temp, _ in self.tables.values():
                cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        self.tables.clear()


def staging_owner() -> int:
    """Create a hidden user as imports before issue 18 staged under; return its id."""
    user = get_user_model().objects.create(
        username=f"{PREFIX}{uuid.uuid4().hex[:16]}", is_active=False, password="!"
    )
    return int(user.pk)


def is_staging_name(username: str) -> bool:
    """Say whether a user name is an import's staging owner (hidden from listings)."""
    return username.startswith(PREFIX)


def discard(staging_id: int) -> None:
    """Delete a staging owner's rows (an older import's), one short transaction per table."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    links = [
        (Interaction.people.through, "interaction_id", Interaction),
        (Person.tags.through, "person_id", Person),
        (Person.tags.through, "tag_id", Tag),
        (Interaction.people.through, "person_id", Person),
    ]
    statements = [
        f"DELETE FROM {quote(through._meta.db_table)} WHERE {quote(column)} IN "
        f"(SELECT id FROM {quote(parent._meta.db_table)} WHERE owner_id = %s)"
        for through, column, parent in links
    ]
    statements += [
        f"DELETE FROM {quote(model._meta.db_table)} WHERE owner_id = %s" for model in _OWNED
    ]
    for sql in statements:
        with transaction.atomic(), db.cursor() as cursor:
            cursor.execute(sql, [staging_id])
    get_user_model().objects.filter(pk=staging_id).delete()


def discard_abandoned() -> int:
    """Delete staged rows left by imports that died; return how many imports."""
    cutoff = timezone.now() - ABANDONED_AFTER
    stale = list(
        get_user_model()
        .objects.filter(username__startswith=PREFIX, date_joined__lt=cutoff)
        .values_list("pk", flat=True)
    )
    for staging_id in stale:
        discard(staging_id)
    return len(stale)
