"""Template filters for presenting people and notes."""

from __future__ import annotations

import datetime as dt

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.contrib.messages.storage.base import Message
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from amity.core.markdown import render_markdown
from amity.domain import display
from amity.people.models import Person

register = template.Library()

AVATAR_TONES = 6


@register.filter
def markdown(text: str) -> SafeString:
    """Render user-written Markdown as sanitised HTML."""
    # render_markdown strips every tag and attribute outside its allow-list (nh3),
    # which is what makes marking the result safe acceptable.
    return mark_safe(render_markdown(text))  # noqa: S308


@register.filter
def initials(person: Person) -> str:
    """Return one or two capital letters for a person's avatar."""
    parts = [person.given_name, person.family_name]
    letters = "".join(part[0] for part in parts if part)
    if not letters:
        letters = "".join(word[0] for word in person.full_name.split()[:2])
    return letters.upper() or "?"


@register.filter
def avatar_tone(person: Person) -> int:
    """Return a stable colour index for a person's avatar."""
    return int(person.pk or 0) % AVATAR_TONES


@register.filter
def external_href(value: str) -> str:
    """Return a safe http(s) link for a user-entered URL, or "" when it is not one."""
    text = (value or "").strip()
    scheme, sep, _rest = text.partition(":")
    if sep and scheme.lower() in {"http", "https"}:
        return text
    # A scheme other than http(s) (javascript:, data:) is never linked; a bare host
    # ("example.org/me") is linked over https.
    if sep and "/" not in scheme and "." not in scheme:
        return ""
    return f"https://{text.lstrip('/')}" if text else ""


@register.filter
def ago(value: dt.datetime | None) -> str:
    """Say how long ago `value` was, as naturaltime does but with one unit past a day."""
    if not isinstance(value, dt.datetime):
        return ""
    now = timezone.now()
    if abs(now - value) < dt.timedelta(minutes=1):
        # "12 seconds ago" is noise in a list; it also changes while the page renders.
        return "just now"
    if now - value < dt.timedelta(days=1):
        text = str(naturaltime(value))
        return "just now" if text == "now" else text
    # "3 years ago" reads faster in a list than naturaltime's "3 years, 2 months ago".
    return f"{timesince(value, now, depth=1)} ago"


@register.filter
def score(value: float | None) -> str:
    """Show a 0..1 score (tie strength, revival) as a whole number out of 100."""
    return display.points(value)


@register.filter
def amount(value: float | None) -> str:
    """Show deposits, balances and ratios with one decimal at most ("8.8", "9")."""
    return display.one_decimal(value)


@register.simple_tag
def explain(name: str) -> str:
    """Return the tooltip text that says what one of Amity's numbers means."""
    return display.EXPLAIN[name]


@register.filter
def undo_id(message: Message) -> int | None:
    """Return the undo record a confirmation offers to reverse, or None."""
    for tag in (getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo:") and tag[5:].isdigit():
            return int(tag[5:])
    return None
