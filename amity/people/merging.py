"""Merge duplicate people into one, keeping everything that points at any of them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from amity.people.models import Note, Person
from amity.people.services import (
    PERSON_DATE_FIELDS,
    PERSON_TEXT_FIELDS,
    ValidationError,
    clean_interests,
    refresh_search_text,
    save_profile,
)
from amity.people.timeline import refresh_summaries


def _repoint_references(*, other: Person, keep: Person) -> None:
    """Point every other app's rows about `other` at `keep` before `other` is deleted.

    Generic over Person's reverse relations, so import keys, introductions, referrals,
    triage labels and whatever later apps add survive a merge instead of cascading
    away. A row that would clash with one `keep` already has (a second snooze, a
    duplicate key) stays behind and goes with `other`: `keep`'s own wins.
    """
    for relation in Person._meta.related_objects:
        name = relation.field.name
        model = relation.related_model
        # Every owned table is queried with its owner (tests/owner_scope.py checks).
        owned = any(f.name == "owner" for f in model._meta.concrete_fields)
        manager = model._default_manager
        rows = manager.filter(owner_id=other.owner_id) if owned else manager.all()
        if relation.many_to_many:
            for row in rows.filter(**{name: other}):
                getattr(row, name).remove(other)
                getattr(row, name).add(keep)
            continue
        if relation.one_to_one and rows.filter(**{name: keep}).exists():
            continue
        for pk in rows.filter(**{name: other}).values_list("pk", flat=True):
            try:
                with transaction.atomic():
                    rows.filter(pk=pk).update(**{name: keep})
            except IntegrityError:
                pass


@transaction.atomic
def merge_people(*, keep: Person, others: Sequence[Person]) -> Person:
    """Merge `others` into `keep`: contacts, interactions, notes, tags and blank fields.

    Fields `keep` already has win; blanks are filled from the others in order.
    """
    others = [o for o in others if o.pk != keep.pk]
    if any(o.owner_id != keep.owner_id for o in others):
        raise ValidationError("people", "can only merge people of the same owner")
    keep_contacts = {(cp.kind, cp.normalized) for cp in keep.contact_points.all()}
    for other in others:
        for name in (*PERSON_TEXT_FIELDS, *PERSON_DATE_FIELDS):
            if not getattr(keep, name) and getattr(other, name):
                setattr(keep, name, getattr(other, name))
                if name in (other.provenance or {}):
                    keep.provenance[name] = other.provenance[name]
        if other.notes and keep.notes and other.notes not in keep.notes:
            keep.notes = f"{keep.notes}\n\n{other.notes}"
        keep.interests = clean_interests([*keep.interests, *other.interests])
        if not keep.linkedin_url and other.linkedin_url:
            url = other.linkedin_url
            Person.objects.filter(owner_id=other.owner_id, pk=other.pk).update(linkedin_url="")
            keep.linkedin_url = url
        for cp in other.contact_points.all():
            if (cp.kind, cp.normalized) in keep_contacts:
                cp.delete()
            else:
                keep_contacts.add((cp.kind, cp.normalized))
                cp.person, cp.is_primary = keep, False
                cp.save(update_fields=["person", "is_primary"])
        for interaction in other.interactions.all():
            interaction.people.remove(other)
            interaction.people.add(keep)
        Note.objects.filter(owner_id=other.owner_id, person=other).update(person=keep)
        keep.tags.add(*other.tags.all())
        if other.created_at < keep.created_at:
            keep.created_at = other.created_at
        _repoint_references(other=other, keep=keep)
        other.delete()
    keep.updated_at = timezone.now()
    save_profile(keep)
    refresh_search_text(keep)
    refresh_summaries(person_ids=[keep.pk])
    keep.refresh_from_db()
    return keep
