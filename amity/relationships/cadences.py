"""Describe and change contact cadences for the web pages and the API.

The relationship engine (amity.relationships.scoring) applies the overrides when it
scores; this module says where a person's cadence comes from (their own setting, a
tag, or their circle's default) and turns what a user typed into a set or a clear.
The web pages and the API (amity.api.cadences) both use it, so they say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from amity.domain import strength
from amity.people.models import Person, Tag
from amity.relationships import scoring as relationships
from amity.relationships.models import CadenceOverride

DEFAULT = "default"
"""What a user types to remove an override, so the circle's (or tags') cadence applies."""
NAMED = tuple(name for name in strength.CADENCE_NAMES if name != "none")
"""The named cadences offered in forms: weekly ... yearly, then never."""
MAX_DAYS = 3650
"""The longest cadence accepted; longer is "never" in all but name."""

Source = Literal["person", "tag", "circle"]
Choice = int | None | Literal["default"]
"""A parsed cadence: days, None for "never remind", or "default" to remove the override."""


def cadence_text(days: int | None) -> str:
    """Name a cadence for people to read: "monthly", "every 45 days", "no reminders"."""
    return "no reminders" if days is None else strength.cadence_label(days)


def setting_for(days: int | None) -> str:
    """Return the input that sets `days` again: "monthly", "45d" or "never"."""
    for name in NAMED:
        if strength.CADENCE_NAMES[name] == days:
            return name
    return f"{days}d"


def parse_choice(raw: str) -> Choice:
    """Parse a typed cadence: "default", a named cadence, or a number of days (45d, 6w, 3m).

    Raise ValueError with a message fit to show the user.
    """
    text = raw.strip()
    if not text:
        raise ValueError(f"choose a cadence: {DEFAULT}, {', '.join(NAMED)} or 45d, 6w, 3m")
    if text.lower() == DEFAULT:
        return DEFAULT
    days = strength.parse_cadence(text)
    if days is not None and days > MAX_DAYS:
        raise ValueError(f"{raw.strip()!r} is over {MAX_DAYS} days: use never instead")
    return days


def apply_choice(
    *, owner: AbstractBaseUser, choice: Choice, person: Person | None = None, tag: Tag | None = None
) -> None:
    """Set (or, for "default", remove) the cadence of one person or one tag."""
    if isinstance(choice, str):  # "default"
        relationships.clear_cadence(owner=owner, person=person, tag=tag)
    else:
        relationships.set_cadence(owner=owner, days=choice, person=person, tag=tag)


@dataclass(frozen=True)
class PersonCadence:
    """A person's contact cadence and where it comes from."""

    days: int | None
    """Days between touches; None: no reminders."""
    source: Source
    tag: str = ""
    """The tag whose cadence applies (source "tag" only)."""

    @property
    def text(self) -> str:
        """Name the cadence for people to read."""
        return cadence_text(self.days)

    @property
    def days_text(self) -> str:
        """Spell out a named cadence in days ("every 30 days"); "" when the name says it."""
        if self.days is None or self.text.startswith("every "):
            return ""
        return f"every {self.days} days"

    @property
    def setting(self) -> str:
        """Return what was set for the person: "default" unless they have their own."""
        return setting_for(self.days) if self.source == "person" else DEFAULT


def person_cadence(*, person: Person, circle: int) -> PersonCadence:
    """Return the cadence that applies to `person` in `circle`, and its source.

    The same rule as the relationship engine (strength.cadence_for): the person's own
    override wins, then their tags' (the most frequent), then the circle's default.
    """
    rows = list(
        CadenceOverride.objects.filter(owner_id=person.owner_id)
        .filter(Q(person=person) | Q(tag__people=person))
        .order_by("tag__name")
        .values_list("person_id", "tag__name", "days")
    )
    for person_id, _, days in rows:
        if person_id is not None:
            return PersonCadence(days=days, source="person")
    tagged = [(name, days) for _, name, days in rows]
    days = strength.cadence_for(circle, tags=[strength.CadenceOverride(d) for _, d in tagged])
    if not tagged:
        return PersonCadence(days=days, source="circle")
    # The first tag (by name) that says what applies.
    name = next(name for name, d in tagged if d == days)
    return PersonCadence(days=days, source="tag", tag=name)


def tag_cadence(tag: Tag) -> CadenceOverride | None:
    """Return the cadence override of `tag`, or None when its people keep their defaults."""
    return CadenceOverride.objects.filter(owner_id=tag.owner_id, tag=tag).first()
