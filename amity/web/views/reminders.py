"""Serve the private calendar feed, the digest's one-click links and the reminders page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from amity.reminders import calendar, links, preferences, review


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: keep it out of caches, Referer headers and indexes.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _link_page(request: HttpRequest, outcome: links.Outcome, *, undone: bool) -> HttpResponse:
    return _private(
        render(request, "amity/reminder_link.html", {"outcome": outcome, "undone": undone})
    )


def _link_error(request: HttpRequest, error: links.LinkError) -> HttpResponse:
    page = render(request, "amity/reminder_link_error.html", {"error": error}, status=error.status)
    return _private(page)


@require_GET
def reminder_link(request: HttpRequest, action: str, token: str) -> HttpResponse:
    """Do what a digest link says (log done, snooze) without a login; offer an undo."""
    try:
        outcome = links.follow(action=action, token=token)
    except links.LinkError as error:
        return _link_error(request, error)
    return _link_page(request, outcome, undone=False)


@require_POST
def reminder_link_undo(request: HttpRequest) -> HttpResponse:
    """Take back what a digest link did (the undo token comes from its confirmation page)."""
    try:
        outcome = links.undo(token=request.POST.get("token", ""))
    except links.LinkError as error:
        return _link_error(request, error)
    return _link_page(request, outcome, undone=True)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a calendar app's poll with the feed of whoever owns `token` (404 otherwise)."""
    owner = calendar.owner_of(token)
    if owner is None:
        raise Http404("no such calendar")
    response = HttpResponse(
        calendar.feed_for(owner=owner), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def reminders_page(request: HttpRequest) -> HttpResponse:
    """Show the calendar address to subscribe to and which reminders are on."""
    profile = preferences.profile_for(owner=request.user)
    return render(
        request,
        "amity/reminders.html",
        {
            "feed_url": calendar.feed_url(calendar.feed_token(owner=request.user)),
            "profile": preferences.describe(profile),
        },
    )


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """Replace the feed address (the old one stops working at once)."""
    calendar.reset_feed(owner=request.user)
    messages.success(
        request,
        "New calendar address: subscribe to it again. The old one and the links in digests "
        "already sent no longer work.",
    )
    return redirect("reminders")


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    """Show the past seven days: deposits and withdrawals, circles moved, ties revived."""
    data = review.weekly_review(owner=request.user, day=timezone.localdate())
    return render(request, "amity/review.html", {"review": data})
