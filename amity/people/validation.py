"""Check what users type, once, for the web, the API and the CLI alike.

Every surface calls the services in amity.people (and the engine's Today), and the
services call these checks, so a rule (no future dates on the timeline, how long a
summary may be, which channels exist) holds with the same words everywhere: the web
shows the message next to its field, the API answers 422 {"field", "message"}, the
CLI prints `amity: error: FIELD: MESSAGE`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from amity.domain import vocabulary

# One sentence for every surface: the timeline and Today record what happened.
FUTURE_DATE = "that date is in the future; the timeline records what happened"
FUTURE_DAY = "that day is in the future; Today is kept only for days that have come"

# Lengths a person types by hand; imports keep whole message bodies (content).
MAX_SUMMARY = 2_000
MAX_CONTENT = 1_000_000
MAX_NOTE = 20_000


class ValidationError(ValueError):
    """Bad input from a user, with the field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def aware(moment: dt.datetime) -> dt.datetime:
    """Return `moment` in the configured time zone when it came without one."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def occurred_at(moment: dt.datetime, *, field: str = "occurred_at") -> dt.datetime:
    """Return an aware `moment`, refusing a day after today (local time).

    The day, not the minute, decides: a call logged for this evening is fine, as
    the web's date field allows today.
    """
    moment = aware(moment)
    if timezone.localtime(moment).date() > timezone.localdate():
        raise ValidationError(field, FUTURE_DATE)
    return moment


def past_day(day: dt.date | None, *, field: str = "day") -> dt.date | None:
    """Return `day` (None for today), refusing one after today."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(field, FUTURE_DAY)
    return day


def text(value: str | None, *, field: str, limit: int, strip: bool = True) -> str:
    """Return `value` (stripped unless told), refusing text longer than `limit`."""
    value = value or ""
    if strip:
        value = value.strip()
    if len(value) > limit:
        raise ValidationError(field, f"is {len(value):,} characters long; the limit is {limit:,}")
    return value


def note_body(body: str | None) -> str:
    """Return a note's text, refusing an empty or over-long one."""
    value = text(body, field="body", limit=MAX_NOTE)
    if not value:
        raise ValidationError("body", "a note cannot be empty")
    return value


def channel(value: str | None) -> str:
    """Return the channel `value` names (aliases such as "phone" accepted)."""
    try:
        return vocabulary.parse_channel(value or "")
    except ValueError as exc:
        raise ValidationError("channel", str(exc)) from exc


def direction(value: str | None) -> str:
    """Return the direction `value` names ("in", "out" accepted)."""
    try:
        return vocabulary.parse_direction(value or "")
    except ValueError as exc:
        raise ValidationError("direction", str(exc)) from exc


def intent_and_subtype(intent: str, subtype: str) -> tuple[str, str]:
    """Return a consistent (intent, subtype); a subtype alone implies its intent."""
    try:
        if subtype and intent == "neutral":
            # "--subtype thanks" alone is enough: the subtype implies the intent.
            intent = vocabulary.intent_of_subtype(vocabulary.parse_any_subtype(subtype))
        intent = vocabulary.parse_intent(intent)
    except ValueError as exc:
        raise ValidationError("intent", str(exc)) from exc
    try:
        subtype = vocabulary.parse_subtype(subtype, intent=intent) if subtype else ""
    except ValueError as exc:
        raise ValidationError("subtype", str(exc)) from exc
    return intent, subtype
