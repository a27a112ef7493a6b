"""Render the relationship panel of a person page: strength, circle, cadence, balance, verdict."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from amity.people.models import Person
from amity.relationships import cadences, ties
from amity.relationships import scoring as relationships
from amity.web.forms import CadenceForm

register = template.Library()


@register.inclusion_tag("amity/people/_relationship_panel.html")
def relationship_panel(person: Person, cadence_form: CadenceForm | None = None) -> dict[str, Any]:
    """Score one person (the view already checked they belong to the user).

    `cadence_form` is a submitted cadence form to show with its errors; without one,
    the form shows the person's current setting.
    """
    now = timezone.now()
    tie = ties.person_strength(person=person, as_of=now, read_only=True)
    cadence = cadences.person_cadence(person=person, circle=tie["circle"])
    if not isinstance(cadence_form, CadenceForm):  # absent from the page's context
        cadence_form = CadenceForm(initial=CadenceForm.initial_for(cadence.setting))
    return {
        "person": person,
        "tie": tie,
        "cadence": cadence,
        "cadence_form": cadence_form,
        "balance": relationships.balance_for(person=person, as_of=now),
    }
