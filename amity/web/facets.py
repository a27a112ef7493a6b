"""List the owner's distinct tags, fields and companies for the people filters."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from amity.people.models import Person, Tag

# A select with thousands of options helps nobody and costs a scan; the cap keeps the
# query an index walk that stops early.
FACET_LIMIT = 200


def _distinct(owner: AbstractBaseUser, column: str) -> list[str]:
    """Return the owner's distinct non-blank values of one person column, sorted."""
    # order_by(column) replaces the model's default ordering, which would otherwise
    # make DISTINCT apply to (column, sort_name, id) and return duplicates.
    values = (
        Person.objects.filter(owner=owner)
        .exclude(**{column: ""})
        .order_by(column)
        .values_list(column, flat=True)
        .distinct()[:FACET_LIMIT]
    )
    return list(values)


def people_facets(*, owner: AbstractBaseUser) -> dict[str, list[str]]:
    """Return the values the tag, field and company filters offer."""
    tags = Tag.objects.filter(owner=owner).order_by("name").values_list("name", flat=True)
    return {
        "tag": list(tags[:FACET_LIMIT]),
        "field": _distinct(owner, "field"),
        "company": _distinct(owner, "company"),
    }
