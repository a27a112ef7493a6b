"""Compose, render and mail the digest: today's short list, steps due, who to thank.

The digest is Today's own answer (the same people, reasons and 60-second actions as
`amity today`) with links back to the web, plus overdue thank-yous and, on the review
day, the weekly review. It goes to the user alone, never to anyone in their network.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from amity import config
from amity.relationships import today
from amity.relationships.scoring import load_network, resolve_as_of
from amity.reminders import links, review
from amity.reminders.calendar import overdue_thanks


class DigestError(Exception):
    """The digest cannot be sent (no mail server set, no address)."""


def compose(
    *, owner: AbstractBaseUser, day: dt.date | None = None, with_review: bool | None = None
) -> dict[str, Any]:
    """Return the digest's content as JSON-ready data.

    Shape (the API's DigestPublic): {"day", "to", "subject", "items" (Today's items,
    each with "links": {"person", "done", "snooze"}), "network" (Today's pending
    steps), "thanks": [{"id", "name", "helped_on", "link"}], "review" (the weekly
    review, or null), "base_url"}.
    `with_review` None means on AMITY_REVIEW_DAY only.
    """
    as_of, day = resolve_as_of(day)
    answer = today.today_list(owner=owner, day=day)
    base = config.BASE_URL.value()
    # Signed links: they work from the mail app, with no session, for a few days.
    signed = links.digest_links(
        owner=owner, person_ids=[item["id"] for item in answer["items"]], day=day
    )
    items = [
        {**item, "links": {"person": f"{base}/people/{item['id']}/", **signed[item["id"]]}}
        for item in answer["items"]
    ]
    network = load_network(owner=owner, as_of=as_of)
    thanks = [
        {
            "id": t.id,
            "name": t.name,
            "helped_on": t.helped_on.isoformat(),
            "link": f"{base}/people/{t.id}/",
        }
        for t in overdue_thanks(owner=owner, network=network, day=day)
    ]
    if with_review is None:
        with_review = day.weekday() == config.REVIEW_DAY.value()
    open_items = [item for item in items if not item["done"]]
    return {
        "day": day.isoformat(),
        "to": getattr(owner, "email", ""),
        "subject": _subject(day, len(open_items), len(thanks)),
        "items": items,
        "network": answer.get("network"),
        "thanks": thanks,
        "review": review.weekly_review(owner=owner, day=day) if with_review else None,
        "base_url": base,
    }


def _subject(day: dt.date, people: int, thanks: int) -> str:
    parts = [f"{people} {'person' if people == 1 else 'people'} to reach out to"]
    if thanks:
        parts.append(f"{thanks} to thank")
    return f"Amity, {day:%a %d %b}: " + ", ".join(parts)


def render(digest: dict[str, Any]) -> tuple[str, str]:
    """Return the digest as plain text and as HTML."""
    context = {"digest": digest}
    return (
        render_to_string("reminders/digest.txt", context),
        render_to_string("reminders/digest.html", context),
    )


def smtp_connection() -> BaseEmailBackend:
    """Return an SMTP connection to the AMITY_EMAIL_URL server."""
    parsed = config.EMAIL_URL.value()
    if not parsed:
        raise DigestError("no mail server: set AMITY_EMAIL_URL (smtp://user:password@host:port)")
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=parsed["EMAIL_HOST"],
        port=parsed["EMAIL_PORT"],
        username=parsed["EMAIL_HOST_USER"],
        password=parsed["EMAIL_HOST_PASSWORD"],
        use_tls=parsed["EMAIL_USE_TLS"],
        use_ssl=parsed["EMAIL_USE_SSL"],
        timeout=30,
    )


def send(digest: dict[str, Any]) -> None:
    """Mail the composed digest to its owner's address."""
    if not digest["to"]:
        raise DigestError("your account has no email address (amity user email …)")
    text, html = render(digest)
    message = EmailMultiAlternatives(
        subject=digest["subject"],
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest["to"]],
        connection=smtp_connection(),
    )
    message.attach_alternative(html, "text/html")
    message.send()
