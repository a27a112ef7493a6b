"""Refuse request bodies over AMITY_MAX_UPLOAD before reading them.

`amity serve` (waitress) refuses them even earlier, while reading the headers (see
the serve command); this middleware covers any other WSGI server and answers the
browser with a page and the API with JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from amity import config
from amity.importers.limits import megabytes


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    """Return the 413 answer: JSON under /api/, a page elsewhere."""
    message = f"The request is larger than {megabytes(limit)} (the AMITY_MAX_UPLOAD limit)."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "amity/too_large.html", {"message": message}, status=413)


class RequestSizeLimitMiddleware:
    """Answer 413 when Content-Length says the body is over the upload limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Check the declared length; pass the request on when it fits."""
        limit: int = config.MAX_UPLOAD.value()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length", status=400, content_type="text/plain")
        if length > limit:
            response = too_large_response(request, limit)
            # The unread body stays on the socket: do not keep the connection alive.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
