"""Read and change a user's reminder preferences: time zone and channels."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from amity.reminders.models import ReminderProfile


def profile_for(*, owner: AbstractBaseUser) -> ReminderProfile:
    """Return the owner's reminder profile, creating the default one on first use."""
    profile, _ = ReminderProfile.objects.get_or_create(owner=owner)
    return profile


def zone_of(profile: ReminderProfile) -> zoneinfo.ZoneInfo:
    """Return the profile's time zone (AMITY_TIME_ZONE when it has none)."""
    return zoneinfo.ZoneInfo(profile.time_zone or settings.TIME_ZONE)


def local_now(profile: ReminderProfile, *, now: dt.datetime | None = None) -> dt.datetime:
    """Return the time it is now where the profile's user lives."""
    return (now or timezone.now()).astimezone(zone_of(profile))


@transaction.atomic
def update_profile(
    *,
    owner: AbstractBaseUser,
    time_zone: str | None = None,
    email_digest: bool | None = None,
    push: bool | None = None,
    notify_urls: str | None = None,
) -> ReminderProfile:
    """Change the given preferences (None leaves one as it is); reject unknown time zones."""
    profile = profile_for(owner=owner)
    if time_zone is not None:
        if time_zone:
            try:
                zoneinfo.ZoneInfo(time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {time_zone!r}") from exc
        profile.time_zone = time_zone
    if email_digest is not None:
        profile.email_digest = email_digest
    if push is not None:
        profile.push = push
    if notify_urls is not None:
        profile.notify_urls = notify_urls
    profile.save()
    return profile


def links_generation(*, owner: AbstractBaseUser) -> int:
    """Return the generation signed into the owner's one-click links (0 before any reset)."""
    found = ReminderProfile.objects.filter(owner=owner).values_list("links_generation", flat=True)
    return found.first() or 0


@transaction.atomic
def revoke_links(*, owner: AbstractBaseUser) -> int:
    """Make the one-click links already mailed to the owner stop working; return the generation."""
    profile_for(owner=owner)
    ReminderProfile.objects.filter(owner=owner).update(links_generation=F("links_generation") + 1)
    return links_generation(owner=owner)


def describe(profile: ReminderProfile) -> dict[str, object]:
    """Return the profile as JSON-ready data."""
    return {
        "time_zone": str(zone_of(profile)),
        "email_digest": profile.email_digest,
        "push": profile.push,
        "last_digest_on": profile.last_digest_on,
        "last_push_on": profile.last_push_on,
    }
