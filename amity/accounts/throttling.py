"""Throttle sign-in attempts with django-axes, and lift a lockout.

After AMITY_LOGIN_FAILURES wrong passwords for one user name, signing in as that
user (on the sign-in page and the admin's) is refused for AMITY_LOGIN_LOCKOUT_MINUTES,
even with the right password. Locking by name, not address, also holds against
guesses spread over many addresses; the price is that a stranger can lock a user
out for a while, which `amity user unlock NAME` (or waiting) undoes.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """Check lockouts on every sign-in made through a request.

    Code that authenticates without a request (the test client's login, scripts)
    is not a sign-in form an attacker can reach; axes would refuse it outright, so it
    is passed on to the next backend.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        """Refuse a locked-out user name; otherwise leave the check to the next backend."""
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def unlock_user(*, username: str) -> int:
    """Forget the failed sign-ins recorded for `username`; return how many were removed."""
    from axes.utils import reset

    return int(reset(username=username))


def is_locked_out(*, username: str) -> bool:
    """Say whether `username` is currently locked out."""
    from axes.handlers.proxy import AxesProxyHandler
    from django.test import RequestFactory

    request = RequestFactory().post("/login/")
    return not AxesProxyHandler.is_allowed(request, {"username": username})
