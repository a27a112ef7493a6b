"""Serve /tags: the caller's tags with how many people carry each and their cadences.

A tag's cadence is read and set at /tags/{id}/cadence (amity.api.cadences).
"""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router

from amity.api.auth import current_user
from amity.api.schemas import TagPublic
from amity.people.models import Tag
from amity.relationships import cadences

router = Router(tags=["tags"])


@router.get("/tags", response=list[TagPublic], summary="List tags")
def list_tags(request: HttpRequest) -> Any:
    """List your tags by name, each with the number of people tagged and its cadence."""
    rows = (
        Tag.objects.filter(owner=current_user(request))
        .annotate(count=Count("people"))
        .order_by("name")
        .values("id", "name", "count", "cadence_override__id", "cadence_override__days")
    )
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "count": row["count"],
            "cadence_days": row["cadence_override__days"],
            "cadence": (
                cadences.setting_for(row["cadence_override__days"])
                if row["cadence_override__id"] is not None
                else cadences.DEFAULT
            ),
        }
        for row in rows
    ]
