"""Embed people's profiles in the background, so Share never embeds inside a request.

When people are created or their profiles or interactions change (the core hooks
`profiles_changed` and `people_changed`), one `prepare_share` task per owner is
enqueued (never two waiting at once). The worker (`amity worker`, or the one inside
`amity serve`) embeds the stale profiles and then loads Share's matrices and index,
so the first "Who would care?" finds everything ready. While a task waits or runs,
Share answers from the profiles already embedded and says how many are still being
prepared (`preparing`), instead of embedding them inside the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from amity.domain import embeddings
from amity.domain.relevance import SHARE_FACETS
from amity.network.profiles import (
    forget_check,
    share_index,
    stale_people,
    sync_embeddings,
    text_backend,
    vector_space,
)
from amity.people.models import Person

# A task left waiting this long has no worker to run it (AMITY_SERVE_WORKER off, no
# `amity worker`): Share then embeds inline again rather than wait for nobody.
NO_WORKER_AFTER = dt.timedelta(minutes=10)


@task()
def prepare_share(owner_id: int) -> dict[str, Any]:
    """Embed the owner's stale profiles, then load Share's vectors so its first answer is quick."""
    owner = get_user_model().objects.filter(pk=owner_id).first()
    if owner is None:
        # The account was deleted after the task was queued: nothing left to prepare.
        return {"embedded": 0, "people": 0}
    if text_backend() != "model":
        # The lexical fallback computes its vectors from the texts at query time.
        return {"embedded": 0, "people": 0}
    encoder = embeddings.load_model()
    stale = stale_people(owner=owner, model_name=encoder.name)
    result = sync_embeddings(owner=owner, encoder=encoder, person_ids=stale) if stale else None
    forget_check(owner)
    share_index(owner, vector_space(owner=owner, facets=SHARE_FACETS, inline_limit=0))
    return {"people": len(stale), "embedded": result.embedded if result else 0}


def _path() -> str:
    return prepare_share.module_path


def _waiting(owner_id: int) -> list[DBTaskResult]:
    """Return the owner's prepare_share tasks that wait or run."""
    rows = DBTaskResult.objects.filter(
        task_path=_path(), status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    )
    return [r for r in rows if (r.args_kwargs or {}).get("args") == [owner_id]]


def queue_preparation(owner_id: int) -> None:
    """Enqueue `prepare_share` for the owner once the current transaction commits.

    Registered with core.hooks.on_profiles_changed. Does nothing with the lexical
    fallback (nothing to embed) or while one already waits (it will see these changes).
    """
    if text_backend() != "model":
        return

    def enqueue() -> None:
        if not any(r.status == TaskResultStatus.READY for r in _waiting(owner_id)):
            prepare_share.enqueue(owner_id)

    transaction.on_commit(enqueue)


def queue_for_people(person_ids: Sequence[int]) -> None:
    """Enqueue preparation for the owners of these people (their interactions changed)."""
    if not person_ids or text_backend() != "model":
        return
    owners = Person.objects.filter(pk__in=list(person_ids)[:500]).values_list("owner_id", flat=True)
    for owner_id in sorted(set(owners)):
        queue_preparation(owner_id)


def preparing(owner: AbstractBaseUser) -> bool:
    """Return whether a worker is about to embed or is embedding the owner's profiles."""
    now = timezone.now()
    return any(
        r.status == TaskResultStatus.RUNNING or now - r.enqueued_at < NO_WORKER_AFTER
        for r in _waiting(int(owner.pk))
    )


def prepare_everyone() -> None:
    """Queue Share's preparation for every user with people (`amity serve` at start)."""
    if text_backend() != "model":
        return
    for owner_id in Person.objects.values_list("owner_id", flat=True).distinct():
        queue_preparation(owner_id)
