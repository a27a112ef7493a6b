"""Stage an import's new rows out of sight, then show them in one short transaction.

SQLite lets one connection write at a time: an import that wrote 250,000 rows in one
transaction kept every other writer waiting past the busy timeout. Instead, new
rows are written in short transactions under a staging owner, a user row nobody
signs in as; every query filters by owner, so nobody sees them. One short
transaction then hands them to the real owner (one UPDATE per table) together with
the changes to existing rows. A failure, or a crash, leaves only staged rows, which
`discard` deletes: the import stays all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from amity.importers.models import ExternalKey, ImportChange, ImportRun
from amity.people.models import ContactPoint, Interaction, Person, Tag

PREFIX = "amity-import-staging-"
# Staged rows of an import that died (kill -9, power cut) are deleted by the next
# import once they are this old; a running import never takes that long to stage.
ABANDONED_AFTER = dt.timedelta(hours=6)
# In this order: children before the rows they point at. The run and its change log
# are staged too, so the history appears with the rows it describes.
_OWNED = (ImportChange, ExternalKey, ContactPoint, Interaction, Person, Tag, ImportRun)


def staging_owner() -> int:
    """Create the hidden user an import stages its rows under; return its id."""
    user = get_user_model().objects.create(
        username=f"{PREFIX}{uuid.uuid4().hex[:16]}", is_active=False, password="!"
    )
    return int(user.pk)


def is_staging_name(username: str) -> bool:
    """Say whether a user name is an import's staging owner (hidden from listings)."""
    return username.startswith(PREFIX)


def publish(*, staging_id: int, owner_id: int) -> None:
    """Hand every staged row to `owner_id` (call inside the caller's transaction)."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        for model in reversed(_OWNED):
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET owner_id = %s WHERE owner_id = %s",
                [owner_id, staging_id],
            )
    get_user_model().objects.filter(pk=staging_id).delete()


def discard(staging_id: int) -> None:
    """Delete a staging owner's rows, one short transaction per table."""
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
