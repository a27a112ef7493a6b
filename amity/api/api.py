"""Build the django-ninja API served under /api/v1/ (OpenAPI at /api/v1/docs).

Every route accepts a personal token (`Authorization: Bearer amity_...`) or the
browser's session with its CSRF token; anything else gets 401 {"detail": ...}.
Keep this module a list of routers: each resource lives in its own module.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger

from amity.api import auth, cadences, interactions, network, people, relationships, tags
from amity.api import coach as coach_api
from amity.api.errors import install_error_handlers


class LocalSwagger(Swagger):
    """Render the Swagger UI from django-ninja's bundled template and static files.

    ninja picks its CDN template unless "ninja" is an installed app; Amity adds the
    package's template and static folders in settings instead (see there), so render
    the local template directly: the docs must work offline.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """Render the docs page with the local template."""
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            # Session auth checks CSRF, so "Try it out" must send the token.
            "add_csrf": isinstance(api.auth, Sequence)
            and any(getattr(a, "csrf", False) for a in api.auth),
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="Amity API",
    version="1",
    description=(
        "Your people, interactions and tags. Authenticate with a personal token from "
        "`amity token create` (`Authorization: Bearer amity_...`) or, in the browser, "
        "with your session. Lists answer {items, count} and take limit/offset."
    ),
    urls_namespace="api",
    docs=LocalSwagger(),
    auth=[auth.TokenAuth(), auth.SessionAuth(csrf=True)],
)
install_error_handlers(api)

api.add_router("", auth.router)
api.add_router("", people.router)
api.add_router("", interactions.router)
api.add_router("", tags.router)
api.add_router("", network.router)
api.add_router("", relationships.router)
api.add_router("", cadences.router)
api.add_router("", coach_api.router)

from amity.api import sync as sync_api  # noqa: E402  (live sync, issue 16)

api.add_router("", sync_api.router)

from amity.api import reminders as reminders_api  # noqa: E402  (reminders, issue 17)

api.add_router("", reminders_api.router)

from amity.api import imports as imports_api  # noqa: E402  (imports' history and uploads)

api.add_router("", imports_api.router)

from amity.api import notes as notes_api  # noqa: E402  (edit and undo, issue 15)
from amity.api import undo as undo_api  # noqa: E402

api.add_router("", notes_api.router)
api.add_router("", undo_api.router)
