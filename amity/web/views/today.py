"""Show today's short list (the home page) and act on it: done, snooze, log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from amity.relationships import today
from amity.web.views.people import owned_person
from amity.web.views.undo import confirm_with_undo

SNOOZE_CHOICES = (("1w", "a week"), ("30d", "a month"), ("3m", "three months"))


@login_required
def today_page(request: HttpRequest) -> HttpResponse:
    """Show who to contact today, why, and a 60-second action for each."""
    data = today.today_list(owner=request.user)
    return render(
        request,
        "amity/today.html",
        {
            "day": timezone.localdate(),
            "items": data["items"],
            "network": data.get("network", {}),
            "snooze_choices": SNOOZE_CHOICES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def today_done(request: HttpRequest, person_id: int) -> HttpResponse:
    """Log the suggested touch or deposit for one person and tick them off (POST)."""
    person = owned_person(request, person_id)
    if request.method == "GET":
        return redirect("home")
    done = today.mark_done(owner=request.user, person=person)
    kind = done.interaction.subtype.replace("_", " ") if done.interaction.subtype else "touch"
    confirm_with_undo(request, f"Done: logged a {kind} with {person.full_name}", done.undo)
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def today_snooze(request: HttpRequest, person_id: int) -> HttpResponse:
    """Keep one person off the list for a while (POST)."""
    person = owned_person(request, person_id)
    if request.method == "GET":
        return redirect("home")
    try:
        until = today.parse_duration(
            request.POST.get("duration", "30d"), today=timezone.localdate()
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("home")
    record = today.snooze(person=person, until=until)
    confirm_with_undo(request, f"Snoozed {person.full_name} until {until:%d %b %Y}", record)
    return redirect("home")
