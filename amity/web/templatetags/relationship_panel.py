"""Render the relationship panel of a person page: strength, circle, balance, verdict."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from amity.people import relationships, ties
from amity.people.models import Person

register = template.Library()


@register.inclusion_tag("amity/people/_relationship_panel.html")
def relationship_panel(person: Person) -> dict[str, Any]:
    """Score one person (the view already checked they belong to the user)."""
    now = timezone.now()
    return {
        "person": person,
        "tie": ties.person_strength(person=person, as_of=now),
        "balance": relationships.balance_for(person=person, as_of=now),
    }
