"""Create, change, find and delete people, their contact points and tags.

Interactions and notes (a person's timeline) live in amity.people.timeline.

Services take keyword-only arguments and own the transaction boundaries; views, CLI
commands and API routes call them and stay thin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from amity.core import hooks, undo
from amity.core.models import UndoRecord
from amity.domain.names import (
    normalize_email,
    normalize_linkedin_url,
    normalize_phone,
    normalize_url,
    parse_name,
)
from amity.people import timeline
from amity.people.models import ContactPoint, Interaction, Person, Tag
from amity.people.validation import ValidationError

__all__ = ["ValidationError"]  # re-exported: surfaces catch services.ValidationError

# Plain fields a user may set on a person (names, contact points and tags go through
# their own arguments because they need parsing or related rows).
PERSON_TEXT_FIELDS = (
    "company",
    "title",
    "field",
    "location",
    "how_we_met",
    "notes",
    "looking_for",
    "can_offer",
)
PERSON_DATE_FIELDS = ("birthday", "connected_on")
SORTS = {
    "name": ("sort_name", "id"),
    "-name": ("-sort_name", "-id"),
    "company": ("company", "sort_name", "id"),
    "field": ("field", "sort_name", "id"),
    # NULLS LAST: PostgreSQL would otherwise list people never contacted first.
    "recent": (F("last_interaction_at").desc(nulls_last=True), "sort_name", "id"),
    "added": ("-created_at", "-id"),
}

_NORMALIZERS = {
    ContactPoint.Kind.EMAIL: normalize_email,
    ContactPoint.Kind.PHONE: normalize_phone,
    ContactPoint.Kind.URL: normalize_url,
}


def normalize_contact(kind: str, value: str) -> str:
    """Return the comparable form of a contact value of the given kind."""
    return _NORMALIZERS[ContactPoint.Kind(kind)](value)


def build_search_text(person: Person, contacts: Iterable[str] = ()) -> str:
    """Return the lower-cased text the people search matches against."""
    parts: list[str] = [
        person.full_name,
        person.nickname,
        person.company,
        person.title,
        person.field,
        person.location,
        person.linkedin_url.rsplit("/", 1)[-1] if person.linkedin_url else "",
        " ".join(str(i) for i in person.interests or []),
        *contacts,
    ]
    return " ".join(p for p in parts if p).lower()


def apply_name(person: Person, full_name: str) -> None:
    """Set the name fields of `person` from a display name."""
    parsed = parse_name(full_name)
    if not parsed.full_name:
        raise ValidationError("full_name", "a person needs a name")
    person.full_name = parsed.full_name[:200]
    person.prefix = parsed.prefix[:40]
    person.given_name = parsed.given_name[:100]
    person.middle_name = parsed.middle_name[:100]
    person.family_name = parsed.family_name[:100]
    person.suffix = parsed.suffix[:40]
    person.nickname = parsed.nickname[:100]
    person.sort_name = parsed.sort_name[:300]


def clean_interests(interests: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in interests:
        text = " ".join(str(item).split())
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())


def _set_linkedin(person: Person, raw: str) -> None:
    url = normalize_linkedin_url(raw) if raw else ""
    if raw and not url:
        raise ValidationError("linkedin_url", f"{raw!r} is not a LinkedIn profile URL")
    if url:
        clash = Person.objects.filter(owner_id=person.owner_id, linkedin_url=url)
        if person.pk:
            clash = clash.exclude(pk=person.pk)
        other = clash.first()
        if other is not None:
            raise ValidationError(
                "linkedin_url", f"{url} already belongs to {other.full_name} (#{other.pk})"
            )
    person.linkedin_url = url


def set_contact_points(*, person: Person, kind: str, values: Sequence[str]) -> None:
    """Replace the person's contact points of one kind with `values` (first is primary)."""
    kind = ContactPoint.Kind(kind)
    wanted: dict[str, str] = {}
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        normalized = normalize_contact(kind, value)
        if kind == ContactPoint.Kind.EMAIL and "@" not in normalized:
            raise ValidationError("emails", f"{value!r} is not an email address")
        if normalized and normalized not in wanted:
            wanted[normalized] = value
    existing = {cp.normalized: cp for cp in person.contact_points.filter(kind=kind)}
    for normalized, cp in existing.items():
        if normalized not in wanted:
            cp.delete()
    for index, (normalized, value) in enumerate(wanted.items()):
        cp = existing.get(normalized)
        if cp is None:
            ContactPoint.objects.create(
                owner_id=person.owner_id,
                person=person,
                kind=kind,
                value=value,
                normalized=normalized,
                is_primary=index == 0,
            )
        elif cp.value != value or cp.is_primary != (index == 0):
            cp.value, cp.is_primary = value, index == 0
            cp.save(update_fields=["value", "is_primary"])


def set_tags(*, person: Person, names: Iterable[str]) -> None:
    """Give the person exactly these tags, creating the owner's missing tags."""
    tags = []
    for raw in names:
        name = " ".join(raw.split())[:80]
        if name:
            tag, _ = Tag.objects.get_or_create(owner_id=person.owner_id, name=name)
            tags.append(tag)
    person.tags.set(tags)


def refresh_search_text(person: Person) -> None:
    """Recompute and save the person's search column."""
    contacts = list(person.contact_points.values_list("value", flat=True))
    person.search_text = build_search_text(person, contacts)
    Person.objects.filter(owner_id=person.owner_id, pk=person.pk).update(
        search_text=person.search_text
    )


@transaction.atomic
def create_person(
    *,
    owner: AbstractBaseUser,
    full_name: str,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    urls: Sequence[str] = (),
    linkedin_url: str = "",
    interests: Sequence[str] = (),
    tags: Sequence[str] = (),
    source: str = "manual",
    **fields: Any,
) -> Person:
    """Create a person with their contact points and tags; return it."""
    person = Person(owner=owner)
    apply_name(person, full_name)
    _assign_fields(person, fields)
    person.interests = clean_interests(interests)
    _set_linkedin(person, linkedin_url)
    person.provenance = {
        name: source
        for name in ("full_name", *PERSON_TEXT_FIELDS, *PERSON_DATE_FIELDS, "interests")
        if getattr(person, name)
    }
    person.save()
    set_contact_points(person=person, kind="email", values=emails)
    set_contact_points(person=person, kind="phone", values=phones)
    set_contact_points(person=person, kind="url", values=urls)
    set_tags(person=person, names=tags)
    refresh_search_text(person)
    hooks.profiles_changed(owner_id=person.owner_id)
    return person


def _assign_fields(person: Person, fields: dict[str, Any]) -> list[str]:
    """Set plain fields from `fields`; return the names that changed."""
    changed = []
    for name, value in fields.items():
        if name in PERSON_TEXT_FIELDS:
            value = (value or "").strip()
        elif name in PERSON_DATE_FIELDS:
            if isinstance(value, str):
                value = _parse_date(name, value)
        else:
            raise ValidationError(name, "is not a field of a person")
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    return changed


def _parse_date(field: str, raw: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(field, f"{raw!r} is not a date (YYYY-MM-DD)") from None


@transaction.atomic
def update_person(
    *,
    person: Person,
    full_name: str | None = None,
    emails: Sequence[str] | None = None,
    phones: Sequence[str] | None = None,
    urls: Sequence[str] | None = None,
    linkedin_url: str | None = None,
    interests: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    source: str = "manual",
    **fields: Any,
) -> Person:
    """Change the given fields of a person (None leaves a field alone); return it."""
    changed = _assign_fields(person, fields)
    if full_name is not None and full_name.strip() != person.full_name:
        apply_name(person, full_name)
        changed.append("full_name")
    if interests is not None:
        cleaned = clean_interests(interests)
        if cleaned != person.interests:
            person.interests = cleaned
            changed.append("interests")
    if linkedin_url is not None:
        _set_linkedin(person, linkedin_url)
    provenance = dict(person.provenance or {})
    provenance.update({name: source for name in changed})
    person.provenance = provenance
    person.updated_at = timezone.now()
    save_profile(person)
    if emails is not None:
        set_contact_points(person=person, kind="email", values=emails)
    if phones is not None:
        set_contact_points(person=person, kind="phone", values=phones)
    if urls is not None:
        set_contact_points(person=person, kind="url", values=urls)
    if tags is not None:
        set_tags(person=person, names=tags)
    refresh_search_text(person)
    hooks.profiles_changed(owner_id=person.owner_id)
    return person


# Columns services maintain themselves; saving a profile must not overwrite them
# with values read before an interaction was logged.
_DERIVED_FIELDS = {"id", "owner", "uid", "search_text", "last_interaction_at", "interaction_count"}


def save_profile(person: Person) -> None:
    """Save the user-editable columns of `person`, leaving derived ones alone."""
    person.save(
        update_fields=[
            f.name for f in Person._meta.concrete_fields if f.name not in _DERIVED_FIELDS
        ]
    )


@transaction.atomic
def delete_person(*, person: Person) -> UndoRecord:
    """Delete a person, and the interactions that involved nobody else; return the undo."""
    # Count participants on a fresh queryset: filtering by this person in the same
    # join would make every count 1.
    solo = list(
        Interaction.objects.filter(
            owner_id=person.owner_id, pk__in=person.interactions.values("pk")
        )
        .annotate(n=Count("people"))
        .filter(n=1)
    )
    record = undo.record(
        owner=person.owner,
        kind=timeline.UNDO_DELETE,
        label=f"Deleted {person.full_name}",
        payload={"rows": undo.snapshot_deletion([person, *solo]), "person_ids": [person.pk]},
    )
    Interaction.objects.filter(owner_id=person.owner_id, pk__in=[i.pk for i in solo]).delete()
    person.delete()
    return record


MAX_SEARCH_WORD = 300


def people_for(
    *,
    owner: AbstractBaseUser,
    query: str = "",
    tag: str = "",
    field: str = "",
    company: str = "",
    sort: str = "name",
    close: Mapping[str, Sequence[str]] | None = None,
) -> QuerySet[Person]:
    """Return the owner's people matching a search and filters, in the chosen order.

    `close` maps a searched word to its close spellings (see amity.people.search);
    a person then matches the word or any of them.
    """
    people = Person.objects.filter(owner=owner)
    for word in query.lower().split():
        if len(word) > MAX_SEARCH_WORD:
            # No searched field holds a word this long; SQLite would also refuse
            # the pattern ("LIKE or GLOB pattern too complex") past 50,000 bytes.
            return people.none()
        match = Q(search_text__contains=word)
        for other in (close or {}).get(word, ()):
            match |= Q(search_text__contains=other)
        people = people.filter(match)
    if tag:
        people = people.filter(tags__owner=owner, tags__name=tag)
    if field:
        people = people.filter(field=field)
    if company:
        people = people.filter(company=company)
    return people.order_by(*SORTS.get(sort, SORTS["name"]))


def find_person(*, owner: AbstractBaseUser, ref: str) -> Person:
    """Return the one person `ref` names: #id, email, LinkedIn URL or (part of) a name.

    Raises LookupError listing the candidates when `ref` is unknown or ambiguous.
    """
    text = ref.strip()
    mine = Person.objects.filter(owner=owner)
    if text.lstrip("#").isdigit():
        found = mine.filter(pk=int(text.lstrip("#"))).first()
        if found:
            return found
    if "@" in text:
        found = mine.filter(
            contact_points__kind="email", contact_points__normalized=normalize_email(text)
        ).first()
        if found:
            return found
    linkedin = normalize_linkedin_url(text)
    if linkedin:
        found = mine.filter(linkedin_url=linkedin).first()
        if found:
            return found
    exact = list(mine.filter(full_name__iexact=text)[:2])
    if len(exact) == 1:
        return exact[0]
    # Every word on its own, so "Ada Lovelace" finds "Ada King Lovelace".
    by_words = mine
    for word in text.split():
        by_words = by_words.filter(full_name__icontains=word)
    candidates = exact or list(
        (by_words | mine.filter(nickname__iexact=text)).order_by("sort_name")[:6]
    )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise LookupError(f"no person matches {ref!r}")
    listing = "; ".join(f"#{p.pk} {p.full_name} ({p.company or 'no company'})" for p in candidates)
    raise LookupError(f"{ref!r} is ambiguous: {listing}. Use #id or an email.")
