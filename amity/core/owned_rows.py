"""Keep a loaded row's related rows within its owner: the manager of every owned model.

Every row a user owns carries `owner`, and every query filters by it (DESIGN.md,
rule 1). Django builds `person.contact_points`, `interaction.people` and the other
related managers from the related model's default manager; with this one they add
`owner_id = <the row's owner>` to their queries. Related rows always share their
parent's owner, so the answer is the same; the query now names its owner, which keeps
one user's reads on one shard if the tables are ever distributed by owner (see
docs/scaling.md) and lets an owner-leading index serve it.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class OwnedManager(models.Manager[Any]):
    """Add the bound row's owner to a related manager's queries (plain use is unchanged)."""

    def get_queryset(self) -> models.QuerySet[Any]:
        """Return the rows, restricted to the owner of the row this manager is bound to."""
        queryset = super().get_queryset()
        # Only related managers have `instance`; a user's own reverse managers
        # (user.api_tokens) are bound to a user, who has no owner_id and needs none.
        owner_id = getattr(getattr(self, "instance", None), "owner_id", None)
        if owner_id is not None:
            queryset = queryset.filter(owner_id=owner_id)
        return queryset

    def locked(self, row: Any) -> Any:
        """Re-read `row` by its owner and primary key under a row lock (select_for_update)."""
        return self.select_for_update().get(owner_id=row.owner_id, pk=row.pk)
