"""Keep signed-in pages out of shared and browser caches."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreWhenSignedInMiddleware:
    """Send `Cache-Control: no-store, private` with every answer to a signed-in user.

    A page or API answer behind a sign-in holds someone's contacts: a proxy or the
    browser's back button must not hand it to the next person at the keyboard.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Mark the response uncacheable when a user is signed in (session or token)."""
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated) or bool(
            getattr(request, "auth", None)
        )
        if signed_in or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
