"""Create users and personal API tokens, and resolve a token to its user."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from amity.accounts.models import ApiToken

TOKEN_PREFIX = "amity_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(*, owner: AbstractBaseUser, name: str = "cli") -> tuple[ApiToken, str]:
    """Create a token for `owner`; return the row and the raw token (shown only once)."""
    name = " ".join((name or "").split())[:100] or "cli"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner, name=name, prefix=raw[: len(TOKEN_PREFIX) + 4], digest=_digest(raw)
    )
    return token, raw


def user_for_token(*, raw: str) -> AbstractBaseUser | None:
    """Return the active user a raw token belongs to, or None; record its use."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("owner").filter(digest=_digest(raw)).first()
    if token is None or not token.owner.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute per token: scripts polling the API should not turn
    # every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(owner_id=token.owner_id, pk=token.pk).update(last_used_at=now)
    return token.owner


def revoke_token(*, owner: AbstractBaseUser, prefix: str) -> int:
    """Delete the owner's tokens whose prefix matches; return how many went."""
    deleted, _ = ApiToken.objects.filter(owner=owner, prefix=prefix).delete()
    return deleted


def revoke_token_id(*, owner: AbstractBaseUser, token_id: int) -> ApiToken | None:
    """Delete one of the owner's tokens by id; return it (None when it is not theirs)."""
    token = ApiToken.objects.filter(owner=owner, pk=token_id).first()
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).delete()
    return token


def resolve_user(username: str | None = None) -> AbstractBaseUser:
    """Return the named local user, or the single/first user when no name is given.

    Raises LookupError with a message fit for the command line.
    """
    users = get_user_model().objects.order_by("id")
    if username:
        user = users.filter(username=username).first()
        if user is None:
            known = ", ".join(users.values_list("username", flat=True)[:10]) or "none"
            raise LookupError(f"no user named {username!r} (users: {known})")
        return user
    first = users.first()
    if first is None:
        raise LookupError("no users yet: run `amity user create NAME` or `amity serve`")
    return first
