"""Turn service and request validation errors into one 422 shape.

Every 422 answers {"detail": [{"field": "...", "message": "..."}]}, whether the
request did not parse or a service refused it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError

from amity.people.services import ValidationError as ServiceValidationError


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    """Name the field of a pydantic error location like ("body", "payload", "emails", 0)."""
    source, *parts = [str(part) for part in loc] or ["body"]
    if source == "body" and parts:
        parts = parts[1:]  # drop the name of the view's payload argument
    return ".".join(parts) or source


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the 422 handlers on `api`."""

    def service_error(request: HttpRequest, exc: ServiceValidationError) -> HttpResponse:
        detail = [{"field": exc.field, "message": exc.message}]
        return api.create_response(request, {"detail": detail}, status=422)

    def request_error(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
        detail = [
            {"field": _field_of(error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return api.create_response(request, {"detail": detail}, status=422)

    api.add_exception_handler(ServiceValidationError, service_error)
    api.add_exception_handler(RequestValidationError, request_error)
