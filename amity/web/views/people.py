"""List, show, add, edit and delete people."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from amity import config
from amity.importers.change_log import imported_changes
from amity.people import services
from amity.people.models import ContactPoint, Person, Tag
from amity.people.search import close_spellings
from amity.relationships import cadences, listing
from amity.web.facets import people_facets
from amity.web.forms import (
    CadenceForm,
    InteractionForm,
    NoteForm,
    PeopleFilterForm,
    PersonForm,
    attach_error,
)
from amity.web.timeline import TIMELINE_PAGE, timeline_for
from amity.web.views.undo import confirm_with_undo

# Searches that name exactly one person (#id, an email address, a LinkedIn URL) open
# that person instead of listing matches.
_REFERENCE = re.compile(r"^(#\d+|\S+@\S+\.\S+|\S*linkedin\.com/in/\S+)$", re.IGNORECASE)
# Columns the list shows; the long text fields stay in the database.
_LIST_COLUMNS = (
    "id",
    "full_name",
    "given_name",
    "family_name",
    "title",
    "company",
    "field",
    "location",
    "last_interaction_at",
    "interaction_count",
)
# Pages of timeline a "show more" link may ask for; beyond this, the page gets heavy.
_MAX_TIMELINE_PAGES = 50


def owned_person(request: HttpRequest, person_id: int) -> Person:
    """Return the signed-in user's person with this id, or raise Http404."""
    return get_object_or_404(Person, pk=person_id, owner=request.user)


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """Show one page of the user's people, searched, filtered and sorted."""
    form = PeopleFilterForm(request.GET, facets=people_facets(owner=request.user))
    filters = form.filters()
    if _REFERENCE.match(filters["query"]):
        try:
            found = services.find_person(owner=request.user, ref=filters["query"])
        except LookupError:
            pass
        else:
            return redirect("person", person_id=found.pk)
    people = services.people_for(owner=request.user, **filters)
    close: dict[str, list[str]] = {}
    if filters["query"] and not people.exists():
        # Nobody has the words as typed: search their close spellings instead.
        close = close_spellings(owner=request.user, query=filters["query"])
        if close:
            people = services.people_for(owner=request.user, close=close, **filters)
    page = _page(request, people, filters["sort"])
    scores = listing.list_scores(owner=request.user, person_ids=[p.pk for p in page.object_list])
    for person in page.object_list:
        person.scores = scores.get(person.pk)
    filtered = any(filters[key] for key in ("query", "tag", "field", "company"))
    return render(
        request,
        "amity/people/list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "filtered": filtered,
            "sort": filters["sort"],
            "close": close,
            **_tag_context(request, filters["tag"]),
        },
    )


def _with_columns(people: QuerySet[Person]) -> QuerySet[Person]:
    """Return `people` reading only the list's columns, with tags and primary email."""
    return people.only(*_LIST_COLUMNS).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name")),
        Prefetch(
            "contact_points",
            queryset=ContactPoint.objects.filter(kind="email", is_primary=True).only(
                "id", "person_id", "value"
            ),
            to_attr="primary_emails",
        ),
    )


def _page(request: HttpRequest, people: QuerySet[Person], sort: str) -> Page:
    """Return the requested page of `people` in `sort` order, its rows fully loaded."""
    size = config.PAGE_SIZE.value()
    number = request.GET.get("page")
    if sort not in listing.SCORE_SORTS:
        # Paginator slices in SQL, so the prefetches run for this page's rows only.
        return Paginator(_with_columns(people), size).get_page(number)
    # Strength and overdue are scores, not columns: order the matching ids by score,
    # then load just this page's rows.
    ids = listing.order_by_score(
        owner=request.user, person_ids=list(people.values_list("id", flat=True)), key=sort
    )
    page = Paginator(ids, size).get_page(number)
    rows = {
        p.pk: p
        for p in _with_columns(Person.objects.filter(owner=request.user, pk__in=page.object_list))
    }
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def _tag_context(request: HttpRequest, name: str) -> dict[str, Any]:
    """Return the chosen tag with its cadence and a form to change it (nothing without one)."""
    tag = Tag.objects.filter(owner=request.user, name=name).first() if name else None
    if tag is None:
        return {}
    override = cadences.tag_cadence(tag)
    setting = cadences.setting_for(override.days) if override else cadences.DEFAULT
    return {
        "tag": tag,
        "tag_cadence": override,
        "tag_cadence_text": cadences.cadence_text(override.days) if override else "",
        "tag_cadence_form": CadenceForm(initial=CadenceForm.initial_for(setting), for_tag=True),
    }


def render_person(
    request: HttpRequest,
    person: Person,
    *,
    interaction_form: InteractionForm | None = None,
    note_form: NoteForm | None = None,
    cadence_form: CadenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a person's page, with bound forms when a submission failed."""
    try:
        pages = min(max(int(request.GET.get("more", "1")), 1), _MAX_TIMELINE_PAGES)
    except ValueError:
        pages = 1
    contacts: dict[str, list[ContactPoint]] = {"email": [], "phone": [], "url": []}
    for cp in person.contact_points.all():
        contacts[cp.kind].append(cp)
    context = {
        "person": person,
        "contacts": contacts,
        "tags": list(person.tags.all()),
        "timeline": timeline_for(person=person, limit=pages * TIMELINE_PAGE),
        "next_more": pages + 1,
        "interaction_form": interaction_form or InteractionForm(),
        "note_form": note_form or NoteForm(),
        # None: the relationship panel shows the person's current cadence.
        "cadence_form": cadence_form,
        "import_changes": imported_changes(person),
    }
    return render(request, "amity/people/detail.html", context, status=status)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show a person's profile and timeline, with forms to log and note."""
    return render_person(request, owned_person(request, person_id))


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Add a person."""
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(owner=request.user, **form.service_kwargs())
        except services.ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"Added {person.full_name}")
            return redirect("person", person_id=person.pk)
    return render(request, "amity/people/form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Edit a person's profile."""
    person = owned_person(request, person_id)
    shown_name = person.full_name
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                services.update_person(person=person, **form.service_kwargs())
            except services.ValidationError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, f"Saved {person.full_name}")
                return redirect("person", person_id=person.pk)
    else:
        form = PersonForm(initial=PersonForm.initial_for(person))
    return render(
        request,
        "amity/people/form.html",
        {"form": form, "person": person, "shown_name": shown_name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_delete(request: HttpRequest, person_id: int) -> HttpResponse:
    """Ask before deleting a person; delete on POST and offer to undo."""
    person = owned_person(request, person_id)
    if request.method == "POST":
        record = services.delete_person(person=person)
        confirm_with_undo(request, record.label, record)
        return redirect("people")
    return render(request, "amity/people/confirm_delete.html", {"person": person})
