"""Keep what a user action changed for a short while, and put it back on request.

A service that deletes, snoozes or ticks something off records an UndoRecord with
what it needs to restore exactly; the app that owns that kind registers a handler
here in its AppConfig.ready() (as with core.hooks, so core imports no app). Deleted
rows are kept as Django's serialized form of everything the delete cascaded to, so
an undone delete brings back the same rows with the same ids and uids.

Records older than UNDO_WINDOW are no longer offered and are pruned as new ones come.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.utils import timezone

from amity.core.models import UndoRecord

# Long enough to notice a slip and come back to it; short enough that undoing
# cannot surprise anyone by resurrecting something gone for days.
UNDO_WINDOW = dt.timedelta(minutes=30)

UndoHandler = Callable[[Any, dict[str, Any]], None]
"""Called with (owner, payload) inside a transaction; puts the rows back."""

_handlers: dict[str, UndoHandler] = {}


class NothingToUndo(LookupError):
    """No undoable action of this user matches (gone, already undone, or too old)."""


def register(kind: str, handler: UndoHandler) -> None:
    """Let `handler` undo the actions recorded with `kind` (once per kind)."""
    _handlers[kind] = handler


def record(*, owner: Any, kind: str, label: str, payload: dict[str, Any]) -> UndoRecord:
    """Keep what an action changed so the user can undo it; return the record."""
    if kind not in _handlers:
        raise ValueError(f"no undo handler registered for {kind!r}")
    UndoRecord.objects.filter(owner=owner, created_at__lt=timezone.now() - UNDO_WINDOW).delete()
    return UndoRecord.objects.create(owner=owner, kind=kind, label=label[:300], payload=payload)


def pending(*, owner: Any) -> list[UndoRecord]:
    """Return the owner's actions that can still be undone, newest first."""
    return list(
        UndoRecord.objects.filter(
            owner=owner, undone_at__isnull=True, created_at__gte=timezone.now() - UNDO_WINDOW
        ).order_by("-created_at", "-id")
    )


@transaction.atomic
def undo(*, owner: Any, record_id: int | None = None) -> UndoRecord:
    """Undo one action of `owner` (the latest when no id is given); return its record.

    Raises NothingToUndo when there is none to undo; nothing is written then.
    """
    candidates = UndoRecord.objects.select_for_update().filter(
        owner=owner, undone_at__isnull=True, created_at__gte=timezone.now() - UNDO_WINDOW
    )
    if record_id is not None:
        candidates = candidates.filter(pk=record_id)
    found = candidates.order_by("-created_at", "-id").first()
    if found is None:
        if record_id is not None:
            raise NothingToUndo("that action cannot be undone (gone, undone or too old)")
        raise NothingToUndo("nothing to undo in the last 30 minutes")
    try:
        with transaction.atomic():
            _handlers[found.kind](owner, found.payload)
    except IntegrityError:
        # Something made since takes the place the rows would return to (the same
        # LinkedIn URL on a new person, say): refuse rather than half-restore.
        raise NothingToUndo(
            "that action cannot be undone: something changed since clashes with it"
        ) from None
    found.undone_at = timezone.now()
    found.save(update_fields=["undone_at"])
    return found


def snapshot_deletion(objects: Iterable[models.Model]) -> str:
    """Return, as JSON, every row that deleting `objects` would delete (parents first).

    Many-to-many links are rows of their own (the collector gathers them), so a
    deleted person's links to interactions that stay are kept too.
    """
    collector = NestedObjects(using=DEFAULT_DB_ALIAS)
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    for group in by_model.values():
        collector.collect(group)  # one model per call, as the collector requires
    collector.sort()
    instances: list[models.Model] = []
    # The collector orders models so dependents come before what they point to.
    for _model, found in reversed(list(collector.data.items())):
        instances.extend(sorted(found, key=lambda obj: obj.pk))
    return json.dumps(serializers.serialize("python", instances), cls=_ExactEncoder)


class _ExactEncoder(json.JSONEncoder):
    """Encode times with their microseconds (Django's JSON encoder keeps milliseconds)."""

    def default(self, o: Any) -> Any:
        """Return the ISO form of dates and times, the text of UUIDs and decimals."""
        if isinstance(o, dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, uuid.UUID | decimal.Decimal):
            return str(o)
        return super().default(o)


def restore_rows(snapshot: str) -> dict[str, list[int]]:
    """Insert the rows `snapshot_deletion` kept; return their ids per model label.

    Links are restored from their own rows, so the serialized many-to-many lists are
    ignored (setting them would drop links to rows restored later in the list).
    """
    restored: dict[str, list[int]] = {}
    for item in serializers.deserialize("python", json.loads(snapshot)):
        item.m2m_data = {}
        item.save()
        label = item.object._meta.label_lower
        restored.setdefault(label, []).append(item.object.pk)
    return restored
