"""Store personal API tokens; users themselves are Django's auth users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager


class ApiToken(models.Model):
    """A personal API token for scripts. Only its SHA-256 digest is stored."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, default="cli")
    # The first characters, shown in listings so a user can tell tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
