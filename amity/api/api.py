"""Build the django-ninja API served under /api/v1/ (OpenAPI at /api/v1/docs).

Every route accepts a personal token (`Authorization: Bearer amity_...`) or the
browser's session with its CSRF token; anything else gets 401 {"detail": ...}.
Keep this module a list of routers: each resource lives in its own module.
"""

from ninja import NinjaAPI

from amity.api import auth, interactions, network, people, relationships, tags
from amity.api import coach as coach_api
from amity.api.errors import install_error_handlers

api = NinjaAPI(
    title="Amity API",
    version="1",
    description=(
        "Your people, interactions and tags. Authenticate with a personal token from "
        "`amity token create` (`Authorization: Bearer amity_...`) or, in the browser, "
        "with your session. Lists answer {items, count} and take limit/offset."
    ),
    urls_namespace="api",
    auth=[auth.TokenAuth(), auth.SessionAuth(csrf=True)],
)
install_error_handlers(api)

api.add_router("", auth.router)
api.add_router("", people.router)
api.add_router("", interactions.router)
api.add_router("", tags.router)
api.add_router("", network.router)
api.add_router("", relationships.router)
api.add_router("", coach_api.router)
