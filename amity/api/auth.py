"""Authenticate API requests by personal token or browser session; serve /me."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja import Router
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from amity.accounts.services import user_for_token
from amity.api.schemas import UserPublic


class TokenAuth(HttpBearer):
    """Accept `Authorization: Bearer amity_...` personal API tokens (for scripts)."""

    # AuthBase copies every openapi_* attribute into the OpenAPI security scheme.
    openapi_bearerFormat = "amity_<token>"
    openapi_description = (
        "A personal API token from `amity token create`, sent as `Authorization: Bearer amity_...`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        """Return the token's user, or None so the next scheme (or a 401) follows."""
        return user_for_token(raw=token.strip())


class SessionAuth(NinjaSessionAuth):
    """Accept the browser's Django session, checking CSRF on unsafe methods."""

    openapi_description = (
        "The web app's session cookie; POST, PATCH and DELETE also need the X-CSRFToken header."
    )

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no one to authenticate, so skip the CSRF
        # check: a script with a wrong token should hear 401, not a CSRF 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


def current_user(request: HttpRequest) -> AbstractBaseUser:
    """Return the user the request authenticated as (set by TokenAuth or SessionAuth)."""
    user: AbstractBaseUser = getattr(request, "auth")  # noqa: B009 - set by ninja, untyped
    return user


router = Router(tags=["account"])


@router.get("/me", response=UserPublic, summary="Who am I")
def me(request: HttpRequest) -> Any:
    """Return the authenticated user."""
    return current_user(request)
