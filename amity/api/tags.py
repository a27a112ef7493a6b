"""Serve /tags: the caller's tags with how many people carry each."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router

from amity.api.auth import current_user
from amity.api.schemas import TagPublic
from amity.people.models import Tag

router = Router(tags=["tags"])


@router.get("/tags", response=list[TagPublic], summary="List tags")
def list_tags(request: HttpRequest) -> Any:
    """List your tags by name, each with the number of people tagged."""
    return (
        Tag.objects.filter(owner=current_user(request))
        .annotate(count=Count("people"))
        .order_by("name")
        .values("id", "name", "count")
    )
