"""Turn service and request validation errors into one 422 shape, and a busy database into 503.

Every 422 answers {"detail": [{"field": "...", "message": "..."}]}, whether the
request did not parse or a service refused it.
"""

from __future__ import annotations

from typing import Any

from django.db import DataError, OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError

from amity.people.services import ValidationError as ServiceValidationError

RETRY_AFTER_SECONDS = 5


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

    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The input gate refuses what it can see; a value the database still rejects
        # (a number too large for its column, text it cannot store) is the caller's.
        detail = [{"field": "", "message": "a value is out of range or not storable"}]
        return api.create_response(request, {"detail": detail}, status=422)

    def database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise exc
        detail = "The database is busy with another write; retry in a few seconds."
        response = api.create_response(request, {"detail": detail}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    api.add_exception_handler(ServiceValidationError, service_error)
    api.add_exception_handler(RequestValidationError, request_error)
    api.add_exception_handler(OverflowError, out_of_range)
    api.add_exception_handler(DataError, out_of_range)
    api.add_exception_handler(OperationalError, database_busy)
