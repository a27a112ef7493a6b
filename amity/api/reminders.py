"""Serve the reminders: the digest as it would be mailed now, the weekly review, settings.

The shapes are the ones `amity digest --json` (DigestPublic, whose "review" is
ReviewPublic), `amity reminders --json` (ReminderSettingsPublic) and `amity calendar
url|reset --json` (CalendarFeedPublic) print. Reading them
sends nothing: the worker mails the digest, `amity digest` sends it by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from amity.api.auth import current_user
from amity.api.relationships import TodayItem, TodayNetwork
from amity.api.schemas import ErrorResponse
from amity.reminders import calendar, digest, preferences, review

router = Router(tags=["reminders"])


class DigestLinks(Schema):
    """Where a digest item's buttons lead: the person's page and the one-click actions."""

    person: str
    done: str = Field(description="signed one-click link: log today's touch (no login)")
    snooze: str = Field(description="signed one-click link: snooze a month (no login)")


class DigestItem(TodayItem):
    """One person on the digest: Today's item with its links."""

    links: DigestLinks


class DigestThanks(Schema):
    """Someone whose help is owed a thank-you."""

    id: int
    name: str
    helped_on: dt.date
    link: str


class ReviewDay(Schema):
    """Deposits and withdrawals made on one day of the week."""

    day: dt.date
    deposits: int
    withdrawals: int


class ReviewMove(Schema):
    """A tie that changed circle during the week."""

    id: int
    name: str
    from_circle: str
    to_circle: str
    closer: bool


class ReviewPerson(Schema):
    """A dormant tie revived this week."""

    id: int
    name: str


class ReviewIntroduction(Schema):
    """An introduction made or followed up this week."""

    id: int
    names: list[str]


class ReviewWiden(Schema):
    """One person outside the user's own field to say hello to."""

    id: int
    name: str
    field: str
    text: str


class ChartBar(Schema):
    """One bar of the review's chart, laid out for an inline SVG."""

    kind: str = Field(description='"deposits" or "withdrawals"')
    x: float
    y: float
    height: float
    count: int
    day: dt.date


class ChartLabel(Schema):
    """A weekday label under the chart."""

    x: float
    text: str


class ReviewChart(Schema):
    """The review's bar chart: a pair of bars per day."""

    width: int
    height: int
    bar: int
    bars: list[ChartBar]
    labels: list[ChartLabel]
    top: int


class ReviewPublic(Schema):
    """The week ending on `end`: what was given and asked, and how ties moved."""

    start: dt.date
    end: dt.date
    deposits: int
    withdrawals: int
    per_day: list[ReviewDay]
    moved: list[ReviewMove]
    revived: list[ReviewPerson]
    introductions: list[ReviewIntroduction]
    widen: ReviewWiden | None
    chart: ReviewChart


class DigestPublic(Schema):
    """The reminder digest: Today's list with one-click links, steps due, who to thank."""

    day: dt.date
    to: str = Field(description="the user's own address; nobody else is ever sent anything")
    subject: str
    items: list[DigestItem]
    network: TodayNetwork | None
    thanks: list[DigestThanks]
    review: ReviewPublic | None
    base_url: str
    sent: bool | None = Field(None, description="`amity digest` (not --dry-run): mailed")


@router.get("/digest", response=DigestPublic, summary="The digest as it would be mailed")
def get_digest(request: HttpRequest, with_review: bool = False) -> Any:
    """Return today's digest (with the weekly review on AMITY_REVIEW_DAY, or when asked)."""
    return digest.compose(owner=current_user(request), with_review=True if with_review else None)


@router.get("/review", response=ReviewPublic, summary="The past seven days")
def get_review(request: HttpRequest) -> Any:
    """Return the week ending today: deposits, withdrawals, circles moved, ties revived."""
    return review.weekly_review(owner=current_user(request), day=timezone.localdate())


class ReminderSettingsPublic(Schema):
    """When the digest and push reach the user, which are on, what the feed holds."""

    time_zone: str
    digest_hour: int = Field(description="hour of the user's own day, 0-23")
    digest_days: list[str] = Field(description="mon … sun: the days the digest goes out")
    email_digest: bool
    push: bool
    calendar_kinds: list[str] = Field(
        description="birthdays, anniversaries, today, introductions, thanks"
    )
    last_digest_on: dt.date | None
    last_push_on: dt.date | None


class ReminderSettingsUpdate(Schema):
    """The settings to change; each one left out stays as it is."""

    time_zone: str | None = Field(
        None, max_length=64, description="e.g. Europe/Paris; '' for the default"
    )
    digest_hour: int | None = Field(None, ge=0, le=23)
    digest_days: list[str] | None = Field(None, description='e.g. ["mon", "thu"]')
    email_digest: bool | None = None
    push: bool | None = None
    calendar_kinds: list[str] | None = Field(None, description="[] for an empty feed")


@router.get("/reminders", response=ReminderSettingsPublic, summary="Your reminder settings")
def get_reminder_settings(request: HttpRequest) -> Any:
    """Return your time zone, digest hour and days, channels and calendar kinds."""
    return preferences.describe(preferences.profile_or_default(owner=current_user(request)))


@router.patch(
    "/reminders",
    response={200: ReminderSettingsPublic, 422: ErrorResponse},
    summary="Change your reminder settings",
)
def update_reminder_settings(request: HttpRequest, payload: ReminderSettingsUpdate) -> Any:
    """Change the settings given; an invalid one is named and nothing changes."""
    try:
        profile = preferences.update_profile(
            owner=current_user(request),
            time_zone=payload.time_zone,
            hour=payload.digest_hour,
            days=None if payload.digest_days is None else ",".join(payload.digest_days),
            email_digest=payload.email_digest,
            push=payload.push,
            kinds=None
            if payload.calendar_kinds is None
            else ",".join(payload.calendar_kinds) or "none",
        )
    except ValueError as exc:
        return Status(422, {"detail": [{"field": "", "message": str(exc)}]})
    return preferences.describe(profile)


class CalendarFeedPublic(Schema):
    """The private address a calendar app subscribes to."""

    url: str = Field(description="secret: anyone with it can read the feed")


@router.get("/calendar", response=CalendarFeedPublic, summary="Your calendar feed's address")
def get_calendar_feed(request: HttpRequest) -> Any:
    """Return your private iCalendar address (made on first use)."""
    return {"url": calendar.feed_url(calendar.feed_token(owner=current_user(request)))}


@router.post("/calendar/reset", response=CalendarFeedPublic, summary="A new feed address")
def reset_calendar_feed(request: HttpRequest) -> Any:
    """Replace your feed address; the old one, and the digest links already sent, stop."""
    return {"url": calendar.feed_url(calendar.reset_feed(owner=current_user(request)))}
