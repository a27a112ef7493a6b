"""Read and change a user's reminder preferences: time zone, hour, days, channels, kinds."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from amity import config
from amity.reminders.models import ReminderProfile

CALENDAR_KINDS = ("birthdays", "anniversaries", "today", "introductions", "thanks")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Words that put a setting back to the server's default (AMITY_*).
DEFAULT = "default"
ZONE_NAME_MAX_LENGTH = 64  # ReminderProfile.time_zone's length


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


def digest_hour(profile: ReminderProfile) -> int:
    """Return the hour of the user's day their digest and push go out."""
    return config.DIGEST_HOUR.value() if profile.digest_hour is None else profile.digest_hour


def digest_days(profile: ReminderProfile) -> list[int]:
    """Return the weekdays (Monday 0) the user's digest goes out."""
    if not profile.digest_days:
        return list(config.DIGEST_DAYS.value())
    return config.parse_weekdays(profile.digest_days)


def calendar_kinds(profile: ReminderProfile) -> list[str]:
    """Return what the user's calendar feed holds."""
    if profile.calendar_kinds is None:
        return [k for k in config.CALENDAR_KINDS.value() if k in CALENDAR_KINDS]
    return [k for k in profile.calendar_kinds if k in CALENDAR_KINDS]


def profile_or_default(*, owner: AbstractBaseUser) -> ReminderProfile:
    """Return the owner's profile without writing one (an unsaved default when none)."""
    return ReminderProfile.objects.filter(owner=owner).first() or ReminderProfile(owner=owner)


def _parse_hour(raw: str | int) -> int | None:
    if str(raw).strip().lower() == DEFAULT:
        return None
    try:
        return config.parse_hour(str(raw))
    except ValueError as exc:
        raise ValueError(f"hour {raw!r}: expected 0 to 23 (or {DEFAULT})") from exc


def _parse_days(raw: str) -> str:
    if raw.strip().lower() == DEFAULT:
        return ""
    try:
        days = config.parse_weekdays(raw)
    except ValueError as exc:
        raise ValueError(f"days {raw!r}: expected daily or mon,wed,fri (or {DEFAULT})") from exc
    return "daily" if len(days) == len(WEEKDAYS) else ",".join(WEEKDAYS[d] for d in days)


def _parse_kinds(raw: str) -> list[str] | None:
    text = raw.strip().lower()
    if text == DEFAULT:
        return None
    kinds = [] if text == "none" else config.parse_list(text)
    unknown = [k for k in kinds if k not in CALENDAR_KINDS]
    if unknown:
        raise ValueError(
            f"calendar kinds: unknown {', '.join(unknown)}; choose from "
            f"{', '.join(CALENDAR_KINDS)}, none or {DEFAULT}"
        )
    return [k for k in CALENDAR_KINDS if k in kinds]


@transaction.atomic
def update_profile(
    *,
    owner: AbstractBaseUser,
    time_zone: str | None = None,
    email_digest: bool | None = None,
    push: bool | None = None,
    notify_urls: str | None = None,
    hour: str | int | None = None,
    days: str | None = None,
    kinds: str | None = None,
) -> ReminderProfile:
    """Change the given preferences (None leaves one as it is); reject bad values by name.

    `hour`, `days` and `kinds` take "default" to follow the server's AMITY_* setting again.
    """
    # Parse everything first: one bad value changes nothing.
    if time_zone:
        try:
            # Zone names are file names to zoneinfo: an absurdly long one is an OSError.
            zoneinfo.ZoneInfo(time_zone[: ZONE_NAME_MAX_LENGTH + 1])
            if len(time_zone) > ZONE_NAME_MAX_LENGTH:
                raise ValueError("too long")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"unknown time zone {time_zone[:80]!r}") from exc
    changes: dict[str, object] = {
        "time_zone": time_zone,
        "email_digest": email_digest,
        "push": push,
        "notify_urls": notify_urls,
    }
    if hour is not None:
        changes["digest_hour"] = _parse_hour(hour)
    if days is not None:
        changes["digest_days"] = _parse_days(days)
    if kinds is not None:
        changes["calendar_kinds"] = _parse_kinds(kinds)
    profile = profile_for(owner=owner)
    for field, value in changes.items():
        if value is not None or field in {"digest_hour", "digest_days", "calendar_kinds"}:
            setattr(profile, field, value)
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
        "digest_hour": digest_hour(profile),
        "digest_days": [WEEKDAYS[d] for d in digest_days(profile)],
        "email_digest": profile.email_digest,
        "push": profile.push,
        "calendar_kinds": calendar_kinds(profile),
        "last_digest_on": profile.last_digest_on,
        "last_push_on": profile.last_push_on,
    }
