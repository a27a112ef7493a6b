"""Describe what a parser found: people and interactions as plain dataclasses.

Parsers fill an ImportBatch; they never touch the database. A PersonRecord is
either a *profile* (a contact card, a LinkedIn connection: it may set fields) or a
*mention* (a participant of a message or meeting: it only identifies someone).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

# (value, label): "ada@example.org", "work"
Contact = tuple[str, str]


@dataclass(slots=True)
class PersonRecord:
    """Someone a file names, with whatever it says about them."""

    origin: str
    line: int
    full_name: str
    profile: bool = True
    linkedin_url: str = ""
    # A vCard UID; one equal to an Amity Person.uid maps to that person.
    uid: str = ""
    # Keys this source uses for the person, stored in ExternalKey (source-scoped).
    keys: tuple[str, ...] = ()
    emails: list[Contact] = field(default_factory=list)
    phones: list[Contact] = field(default_factory=list)
    urls: list[Contact] = field(default_factory=list)
    company: str = ""
    title: str = ""
    location: str = ""
    notes: str = ""
    birthday: dt.date | None = None
    connected_on: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    # Mentions by display name only (the interactions CSV) match an exact name.
    match_by_name: bool = False


@dataclass(slots=True)
class InteractionRecord:
    """Something that happened with the people it names."""

    origin: str
    line: int
    external_id: str
    occurred_at: dt.datetime
    channel: str
    direction: str
    people: list[PersonRecord]
    summary: str = ""
    content: str = ""
    # None: the source does not classify (keep what the user set on re-import).
    intent: str | None = None
    subtype: str | None = None


# Places kept per skip reason: enough to find the pattern, not a copy of the file.
SKIPPED_PLACES = 20


@dataclass
class ImportBatch:
    """Everything one file yielded, plus what it skipped and why."""

    source: str
    people: list[PersonRecord] = field(default_factory=list)
    interactions: list[InteractionRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    # The first few places ("FILE:LINE") of the records skipped for each reason.
    skipped_at: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1, *, origin: str = "", line: int = 0) -> None:
        """Count one record left out, under a reason a person can read, and where it was."""
        self.skipped[reason] += count
        if origin:
            places = self.skipped_at.setdefault(reason, [])
            if len(places) < SKIPPED_PLACES:
                places.append(f"{origin}:{line}" if line else origin)


@dataclass(frozen=True)
class ParseOptions:
    """What parsers need beyond the file: who the user is, the clock, the home zone."""

    # The user's email addresses (mbox, ics) or LinkedIn profile URL / name (linkedin).
    me: tuple[str, ...] = ()
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    # Zone for times a file gives without one (floating iCalendar times, all-day events).
    default_tz: dt.tzinfo = dt.UTC


_SLUG_SUFFIX = re.compile(r"^[0-9a-f]{4,}$|\d")


def name_from_slug(url: str) -> str:
    """Guess a display name from a profile URL slug ("ada-lovelace-0a1b2c" → "Ada Lovelace")."""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    words = [w for w in re.split(r"[-_.]+", slug) if w]
    while len(words) > 1 and _SLUG_SUFFIX.search(words[-1]):
        words.pop()
    return " ".join(w.capitalize() for w in words) or slug


def name_from_email(address: str) -> str:
    """Guess a display name from an address ("ada.lovelace@x.org" → "Ada Lovelace")."""
    local = address.split("@", 1)[0]
    words = [w for w in re.split(r"[._+\-]+", local) if w and not w.isdigit()]
    return " ".join(w.capitalize() for w in words) or address


def display_name(raw: str) -> str:
    """Return a header's display name in reading order ("Raman, Priya" → "Priya Raman")."""
    name = " ".join(raw.split()).strip("'\" ")
    family, comma, given = name.partition(",")
    if comma and given.strip() and "," not in given and len(family.split()) <= 2:
        return f"{given.strip()} {family.strip()}"
    return name


@dataclass
class Counts:
    """How many rows an import created, changed and found as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counts as a plain dict."""
        return asdict(self)
