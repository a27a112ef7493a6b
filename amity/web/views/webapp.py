"""Serve the web app manifest, so phones can install Amity and share to it."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    """Return the manifest: name, icons, standalone display and the share target.

    Public on purpose: browsers fetch manifests without cookies. The share target is a
    GET to the Share page, which only prefills its form, so no CSRF token is needed and
    nothing is written until the user presses "Who would care?".
    """
    body = {
        "name": "Amity",
        "short_name": "Amity",
        "description": "A relationship-first networking assistant.",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f6f8",
        "theme_color": "#3f5bb5",
        "icons": [
            {"src": static("amity/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("amity/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("amity/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "share_target": {
            "action": reverse("share"),
            "method": "GET",
            # Ignored for GET by the spec, but Chromium warns when it is missing.
            "enctype": "application/x-www-form-urlencoded",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }
    return HttpResponse(json.dumps(body, indent=2), content_type="application/manifest+json")
