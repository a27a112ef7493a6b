"""Paginate API lists by limit and offset, AMITY_PAGE_SIZE rows by default."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from amity import config

MAX_LIMIT = 500
# Far past any real list, and far from the 64-bit range SQL's OFFSET must stay in.
MAX_OFFSET = 10**12


class AmityPagination(LimitOffsetPagination):
    """Answer {"items": [...], "count": N}; `limit` defaults to AMITY_PAGE_SIZE, max 500."""

    class Input(Schema):
        """The page asked for."""

        limit: int | None = Field(
            None, ge=1, le=MAX_LIMIT, description="rows per page (default: AMITY_PAGE_SIZE)"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        """Slice one page; the slice is what prefetch_related later fetches for."""
        # Read the setting per request, not at import, so it can be overridden.
        limit = min(pagination.limit or config.PAGE_SIZE.value(), MAX_LIMIT)
        offset = pagination.offset
        return {"items": queryset[offset : offset + limit], "count": queryset.count()}
