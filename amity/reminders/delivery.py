"""Decide whose digest and push are due, and send each at most once per local day.

Run by the scheduled job every quarter hour. A user's digest is due once their own
clock has passed their digest hour on one of their digest days (`amity reminders
--hour/--days`, by default AMITY_DIGEST_HOUR and AMITY_DIGEST_DAYS) and it has not gone out
that local day; a worker that slept through the morning sends it once on waking, not
once per missed check, and never for days already past.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from amity import config
from amity.reminders import digest, preferences, push
from amity.reminders.models import ReminderProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """One channel's outcome for one user."""

    user: str
    channel: str
    day: str
    ok: bool
    error: str = ""


def send_due(*, now: dt.datetime | None = None) -> list[Sent]:
    """Send every digest and push that is due now; return what was tried."""
    now = now or timezone.now()
    outcomes: list[Sent] = []
    profiles = {p.owner_id: p for p in ReminderProfile.objects.all()}
    for owner in get_user_model().objects.filter(is_active=True).order_by("pk"):
        # Users who never changed a preference have the defaults (nothing written for them).
        profile = profiles.get(owner.pk) or ReminderProfile(owner=owner)
        for channel in ("email", "push"):
            # Decide without writing: most checks find nothing due.
            day = _due_day(owner=owner, profile=profile, channel=channel, now=now)
            if day is None:
                continue
            try:
                outcomes.append(_send(owner=owner, channel=channel, day=day, now=now))
            except Exception as exc:  # one user's bad address must not stop everyone's
                log.exception("reminder %s for %s failed", channel, owner)
                outcomes.append(Sent(owner.get_username(), channel, str(day), False, str(exc)))
    return outcomes


def _due_day(
    *, owner: Any, profile: ReminderProfile, channel: str, now: dt.datetime
) -> dt.date | None:
    """Return the user's local day when `channel` is due for them now, else None."""
    local = preferences.local_now(profile, now=now)
    day = local.date()
    if local.hour < preferences.digest_hour(profile):
        return None
    if channel == "email":
        wanted = profile.email_digest and bool(config.EMAIL_URL.value()) and bool(owner.email)
        wanted = wanted and day.weekday() in preferences.digest_days(profile)
        last = profile.last_digest_on
    else:
        wanted = profile.push and bool(push.notify_urls(owner=owner, profile=profile))
        last = profile.last_push_on
    return day if wanted and (last is None or last < day) else None


def _send(*, owner: Any, channel: str, day: dt.date, now: dt.datetime) -> Sent:
    """Send one channel's reminder, holding the profile's row so it goes out once."""
    preferences.profile_for(owner=owner)
    with transaction.atomic():
        profile = ReminderProfile.objects.select_for_update().get(owner=owner)
        # Another worker may have sent it meanwhile.
        if _due_day(owner=owner, profile=profile, channel=channel, now=now) != day:
            return Sent(owner.get_username(), channel, day.isoformat(), True, "already sent")
        content = digest.compose(owner=owner, day=day)
        if channel == "email":
            digest.send(content)
            profile.last_digest_on = day
            ok = True
        else:
            ok = push.send(digest=content, urls=push.notify_urls(owner=owner, profile=profile))
            profile.last_push_on = day
        profile.save(update_fields=["last_digest_on", "last_push_on"])
    return Sent(owner.get_username(), channel, day.isoformat(), ok)
