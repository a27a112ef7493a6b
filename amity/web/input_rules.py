"""Refuse typed input holding control characters or integers past 64 bits.

One gate for every request, so the rule (amity.domain.control_chars) is the same for
web forms, query strings and API bodies, and the same on SQLite and PostgreSQL: the
API answers 422 {"detail": [{"field", "message"}]}, the web a 400 page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from amity.domain.control_chars import find_hostile

_DIGITS = re.compile(r"^[+-]?\d{19,}$")


def _query_problem(request: HttpRequest) -> tuple[str, str] | None:
    for name, values in request.GET.lists():
        for value in values:
            found = find_hostile(value, name)
            if found:
                return found
            # Integers travel as text in a query string: refuse those past 64 bits
            # here, whatever the parameter's type, before a database sees them.
            api = request.path.startswith("/api/")
            if api and _DIGITS.match(value.strip()) and find_hostile(int(value), name):
                return (name, "number out of range")
    return None


def _path_problem(request: HttpRequest) -> tuple[str, str] | None:
    for segment in request.path.split("/"):
        if _DIGITS.match(segment) and find_hostile(int(segment), "path"):
            return ("path", "number out of range")
    return find_hostile(request.path, "path")


def _body_problem(request: HttpRequest) -> tuple[str, str] | None:
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return None
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return None  # the API's own parser answers malformed JSON
        return find_hostile(data)
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for name, values in request.POST.lists():
            for value in values:
                found = find_hostile(value, name)
                if found:
                    return found
    return None


class InputRulesMiddleware:
    """Answer 422 (API) or 400 (web) to input Amity will not store."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Check the path, query and body; pass the request on when they are clean."""
        api = request.path.startswith("/api/")
        problem = (
            (_path_problem(request) if api else None)
            or _query_problem(request)
            or _body_problem(request)
        )
        if problem is None:
            return self.get_response(request)
        field, message = problem
        if api:
            return JsonResponse({"detail": [{"field": field, "message": message}]}, status=422)
        return render(
            request,
            "amity/bad_input.html",
            {"field": field, "message": message},
            status=400,
        )
