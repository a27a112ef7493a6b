"""Store each user's calendar feed token and reminder preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager


class CalendarFeed(models.Model):
    """A user's private calendar feed: the token's SHA-256 and the nonce it derives from.

    The token is an HMAC of the nonce under the secret key, so the database alone
    never holds a working feed address, yet `amity calendar url` can show it again.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    def __str__(self) -> str:
        """Name the feed by its owner."""
        return f"calendar feed of user {self.owner_id}"


class ReminderProfile(models.Model):
    """A user's time zone, which channels they want, and when each last went out."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    time_zone = models.CharField(max_length=64, blank=True, help_text="Empty: AMITY_TIME_ZONE.")
    email_digest = models.BooleanField(default=True)
    push = models.BooleanField(default=True)
    # The user's own Apprise URLs, comma-separated; empty: AMITY_NOTIFY_URLS (first user only).
    notify_urls = models.TextField(blank=True)
    # The user's local dates of the last digest and push: one of each per day at most.
    last_digest_on = models.DateField(null=True, blank=True)
    last_push_on = models.DateField(null=True, blank=True)
    # The digest's hour and weekdays ("mon,thu", "daily"); None and "": AMITY_DIGEST_HOUR
    # and AMITY_DIGEST_DAYS.
    digest_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    digest_days = models.CharField(max_length=40, blank=True)
    # What the calendar feed holds (["birthdays", "thanks"]; [] for nothing); None:
    # AMITY_CALENDAR_KINDS.
    calendar_kinds = models.JSONField(null=True, blank=True)
    # Signed into every one-click link of the digest: raising it revokes links already sent.
    links_generation = models.PositiveIntegerField(default=0)

    objects = OwnedManager()

    def __str__(self) -> str:
        """Name the profile by its owner."""
        return f"reminder profile of user {self.owner_id}"
