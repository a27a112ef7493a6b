"""Send one short push a day through Apprise (ntfy, Gotify, Telegram, webhooks, …)."""

from __future__ import annotations

from typing import Any

import apprise
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from amity import config
from amity.config import parse_list
from amity.reminders.models import ReminderProfile


def notify_urls(*, owner: AbstractBaseUser, profile: ReminderProfile) -> list[str]:
    """Return where the owner's pushes go: their own URLs, else AMITY_NOTIFY_URLS.

    AMITY_NOTIFY_URLS belongs to the home's first user only: one user's list must never
    reach another user's phone.
    """
    own = parse_list(profile.notify_urls)
    if own:
        return own
    first = get_user_model().objects.order_by("pk").values_list("pk", flat=True).first()
    return list(config.NOTIFY_URLS.value()) if owner.pk == first else []


def message(digest: dict[str, Any]) -> tuple[str, str]:
    """Return the push's title and body: who to reach out to, and a deep link."""
    names = [item["name"] for item in digest["items"] if not item["done"]]
    if names:
        who = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
        body = f"Reach out to {who}."
    else:
        body = "Nobody is due today."
    if digest["thanks"]:
        body += f" {len(digest['thanks'])} to thank."
    return "Amity: today", f"{body} {digest['base_url']}/"


def send(*, digest: dict[str, Any], urls: list[str]) -> bool:
    """Push the digest's short message to `urls`; return whether every target took it."""
    notifier = apprise.Apprise()
    for url in urls:
        if not notifier.add(url):
            raise ValueError(f"not an Apprise URL: {url}")
    title, body = message(digest)
    return bool(notifier.notify(title=title, body=body))
