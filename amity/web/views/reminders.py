"""Serve the private calendar feed, the digest's one-click links and the reminders page."""

from __future__ import annotations

import hashlib
import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amity.reminders import calendar, links, preferences, review
from amity.reminders.models import ReminderProfile


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: keep it out of caches, other sites' Referer headers
    # and indexes. Not "no-referrer": browsers then send "Origin: null" with the undo
    # form, and CSRF protection rightly refuses it.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
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
    body = calendar.feed_for(owner=owner)
    # Calendar apps that send If-None-Match get a 304 while the feed is unchanged.
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=900"
    return response


KIND_LABELS = {
    "birthdays": "Birthdays (closer circles)",
    "anniversaries": "Work and connection anniversaries",
    "today": "Today's suggested touches",
    "introductions": "Introduction follow-ups",
    "thanks": "Overdue thank-yous",
}


class ReminderSettingsForm(forms.Form):
    """When the digest and push go out, which channels are on, what the feed holds."""

    time_zone = forms.ChoiceField(
        required=False, help_text="Your mornings, not the server's. Empty: AMITY_TIME_ZONE."
    )
    digest_hour = forms.TypedChoiceField(
        label="Hour",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        help_text="The digest and the push go out at this hour of your day.",
    )
    digest_days = forms.MultipleChoiceField(
        label="Digest days",
        choices=[(d, d.capitalize()) for d in preferences.WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        help_text="One day for a weekly digest. The push comes every day.",
    )
    email_digest = forms.BooleanField(label="Mail me the digest", required=False)
    push = forms.BooleanField(label="Push to my phone (AMITY_NOTIFY_URLS)", required=False)
    calendar_kinds = forms.MultipleChoiceField(
        label="The calendar feed holds",
        required=False,
        choices=[(k, KIND_LABELS[k]) for k in preferences.CALENDAR_KINDS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        """List the time zones this machine knows."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zones = sorted(zoneinfo.available_timezones())
        self.fields["time_zone"].choices = [("", "Server default"), *((z, z) for z in zones)]


def _settings_initial(profile: ReminderProfile) -> dict[str, object]:
    data = preferences.describe(profile)
    return {**data, "time_zone": profile.time_zone}


@login_required
@require_http_methods(["GET", "POST"])
def reminders_page(request: HttpRequest) -> HttpResponse:
    """Show the calendar address and the reminder settings, and save the settings."""
    profile = preferences.profile_or_default(owner=request.user)
    form = ReminderSettingsForm(request.POST or None, initial=_settings_initial(profile))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preferences.update_profile(
            owner=request.user,
            time_zone=data["time_zone"],
            hour=data["digest_hour"],
            days=",".join(data["digest_days"]),
            email_digest=data["email_digest"],
            push=data["push"],
            kinds=",".join(data["calendar_kinds"]) or "none",
        )
        messages.success(request, "Reminder settings saved.")
        return redirect("reminders")
    return render(
        request,
        "amity/reminders.html",
        {
            "feed_url": calendar.feed_url(calendar.feed_token(owner=request.user)),
            "profile": preferences.describe(profile),
            "form": form,
        },
        status=400 if form.errors else 200,
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
