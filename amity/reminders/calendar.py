"""Serve a private iCalendar feed: birthdays, anniversaries, today's touches, steps due.

Each user has at most one feed token: an HMAC (under the secret key) of a random nonce.
Only the nonce and the token's SHA-256 are stored, so the database alone never holds a
working feed address. Resetting replaces the token and the old address
answers 404. Every event's UID is derived from what it is about (a person's stable
uid, an introduction's id, a day), so a calendar that polls the feed updates events
rather than adding copies. Nothing is sent to anyone: the feed is read by the user's
own calendar app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac
from icalendar import Calendar, Event

from amity import __version__, config
from amity.domain import nudges
from amity.domain.strength import from_ts
from amity.network.optin import pending_intro_steps
from amity.people.models import Person
from amity.relationships import today
from amity.relationships.scoring import Network, date_or_none, load_network, resolve_as_of
from amity.relationships.ties import day_thresholds
from amity.reminders import preferences
from amity.reminders.models import CalendarFeed

# Help received this long ago without a thank-you makes the thank-you overdue.
THANKS_OVERDUE_DAYS = 3
# The most recent helpers only: a reminder list of thousands is read by nobody (a
# generated 100k network has ~8,000 unthanked helpers in the last 180 days).
THANKS_LIMIT = 20
DOMAIN = "amity"
# Bump when what the feed shows changes shape: kept feeds are then rendered afresh.
FEED_VERSION = 2
# A kept feed is for one day (its key names the day); a day and a bit bounds the memory.
FEED_CACHE_SECONDS = 26 * 3600


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token(nonce: str) -> str:
    return salted_hmac("amity.reminders.calendar", nonce, algorithm="sha256").hexdigest()[:40]


@transaction.atomic
def reset_feed(*, owner: AbstractBaseUser, revoke_links: bool = True) -> str:
    """Give the owner a new feed token (the old address stops working); return it.

    A reset is what a user does when a private address leaked, so it also revokes the
    one-click links of digests already sent, unless `revoke_links` is False (a first feed).
    """
    if revoke_links:
        preferences.revoke_links(owner=owner)
    nonce = secrets.token_hex(16)
    token = _token(nonce)
    CalendarFeed.objects.update_or_create(
        owner=owner, defaults={"nonce": nonce, "token_hash": _hash(token)}
    )
    return token


def feed_token(*, owner: AbstractBaseUser) -> str:
    """Return the owner's feed token, making one on first use."""
    feed = CalendarFeed.objects.filter(owner=owner).first()
    if feed is not None:
        return _token(feed.nonce)
    return reset_feed(owner=owner, revoke_links=False)


def stop_feed(*, owner: AbstractBaseUser) -> bool:
    """Turn the feed off (its address answers 404); return whether there was one."""
    deleted, _ = CalendarFeed.objects.filter(owner=owner).delete()
    return bool(deleted)


def feed_url(token: str) -> str:
    """Return the address a calendar app subscribes to."""
    return f"{config.BASE_URL.value()}/calendar/{token}.ics"


def owner_of(token: str) -> AbstractBaseUser | None:
    """Return whose feed `token` opens, or None for a wrong, reset or stopped token."""
    feed = CalendarFeed.objects.select_related("owner").filter(token_hash=_hash(token)).first()
    # A token made under an older secret key no longer matches its nonce: refuse it too.
    if feed is None or not secrets.compare_digest(_token(feed.nonce), token):
        return None
    return feed.owner


@dataclass(frozen=True)
class Entry:
    """One all-day calendar event (yearly when `yearly`)."""

    uid: str
    day: dt.date
    summary: str
    description: str = ""
    yearly: bool = False


@dataclass(frozen=True)
class Thanks:
    """Someone who helped and is owed a thank-you."""

    id: int
    uid: str
    name: str
    helped_on: dt.date


def feed_entries(
    *, owner: AbstractBaseUser, day: dt.date | None = None, kinds: Iterable[str] | None = None
) -> list[Entry]:
    """Return the feed's events for the owner as of `day`, limited to `kinds`.

    Without `kinds`, the owner's own choice (`amity reminders --calendar-kinds`), which
    defaults to AMITY_CALENDAR_KINDS.
    """
    if kinds is None:
        kinds = preferences.calendar_kinds(preferences.profile_or_default(owner=owner))
    wanted = set(kinds)
    as_of, day = resolve_as_of(day)
    entries: list[Entry] = []
    if wanted & {"birthdays", "anniversaries", "thanks"}:
        # Circles by the day's boundaries, as on every other surface (a feed: no write).
        thresholds = day_thresholds(owner=owner, as_of=as_of, read_only=True)
        network = load_network(owner=owner, as_of=as_of, thresholds=thresholds)
        if wanted & {"birthdays", "anniversaries"}:
            close = network.ids[network.circles <= config.CALENDAR_CIRCLES.value()]
            entries += _dated(owner, [int(pk) for pk in close], wanted)
        if "thanks" in wanted:
            entries += _thanks(owner, network, day)
    if "today" in wanted:
        entries += _touches(owner, day)
    if "introductions" in wanted:
        base = config.BASE_URL.value()
        for step in pending_intro_steps(owner=owner, now=as_of):
            link = f"{base}/intros/{step.introduction_id}/"
            entries.append(
                Entry(f"intro-{step.introduction_id}-{step.action}@{DOMAIN}", day, step.text, link)
            )
    return entries


def _dated(owner: AbstractBaseUser, ids: list[int], wanted: set[str]) -> list[Entry]:
    rows = Person.objects.filter(owner=owner, pk__in=ids).values_list(
        "uid", "full_name", "birthday", "connected_on", "company", "provenance"
    )
    entries = []
    for uid, name, birthday, connected_on, company, provenance in rows:
        if "birthdays" in wanted and birthday is not None:
            entries.append(
                Entry(f"birthday-{uid}@{DOMAIN}", birthday, f"{name}'s birthday", yearly=True)
            )
        if "anniversaries" not in wanted:
            continue
        started = date_or_none((provenance or {}).get("company_changed_on"))
        if started is not None:
            where = f" at {company}" if company else ""
            entries.append(
                Entry(
                    f"work-{uid}@{DOMAIN}", started, f"{name}: work anniversary{where}", yearly=True
                )
            )
        if connected_on is not None:
            entries.append(
                Entry(
                    f"connected-{uid}@{DOMAIN}",
                    connected_on,
                    f"You and {name} connected",
                    yearly=True,
                )
            )
    return entries


def overdue_thanks(*, owner: AbstractBaseUser, network: Network, day: dt.date) -> list[Thanks]:
    """Return who helped (3 to UNTHANKED_DAYS days before `day`) and was never thanked.

    The THANKS_LIMIT most recent helpers, oldest help first.
    """
    received, thanked = network.last_received_ts, network.last_thanked_ts
    now_ts = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp()
    overdue = (
        ~np.isnan(received)
        & (np.isnan(thanked) | (thanked < received))
        & (received <= now_ts - THANKS_OVERDUE_DAYS * 86400)
        & (received >= now_ts - nudges.UNTHANKED_DAYS * 86400)
    )
    latest = np.argsort(-np.where(overdue, received, -np.inf), kind="stable")[:THANKS_LIMIT]
    latest = latest[overdue[latest]]
    helped = dict(zip(network.ids[latest].tolist(), received[latest].tolist(), strict=True))
    rows = Person.objects.filter(owner=owner, pk__in=list(helped)).values_list(
        "pk", "uid", "full_name"
    )
    found = [Thanks(pk, str(uid), name, from_ts(helped[pk]).date()) for pk, uid, name in rows]
    return sorted(found, key=lambda t: (t.helped_on, t.name))


def _thanks(owner: AbstractBaseUser, network: Network, day: dt.date) -> list[Entry]:
    return [
        Entry(
            f"thanks-{t.uid}-{t.helped_on:%Y%m%d}@{DOMAIN}",
            day,
            f"Thank {t.name}",
            f"{t.name} helped you on {t.helped_on:%d %b %Y} and has not been thanked yet. "
            "Send a thank-you and one line on what came of their help.",
        )
        for t in overdue_thanks(owner=owner, network=network, day=day)
    ]


def _touches(owner: AbstractBaseUser, day: dt.date) -> list[Entry]:
    base = config.BASE_URL.value()
    entries = []
    for item in today.today_list(owner=owner, day=day)["items"]:
        if item["done"]:
            continue
        entries.append(
            Entry(
                f"today-{day:%Y%m%d}-{item['id']}@{DOMAIN}",
                day,
                f"Reach out to {item['name']}",
                f"{item['reason']}\n\nIn 60 seconds: {item['action']}\n\n"
                f"{base}/people/{item['id']}/",
            )
        )
    return entries


def render_feed(entries: Iterable[Entry], *, day: dt.date) -> bytes:
    """Return the entries as an RFC 5545 calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Amity//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Amity")
    # The day's start as the stamp: the feed's bytes change only when its content does.
    stamp = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + dt.timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("transp", "TRANSPARENT")
        if entry.description:
            event.add("description", entry.description)
        if entry.yearly:
            event.add("rrule", {"freq": "yearly"})
        calendar.add_component(event)
    return calendar.to_ical()


def feed_key(*, owner: AbstractBaseUser, day: dt.date, kinds: Iterable[str]) -> str:
    """Hash everything the feed of `day` depends on: Today's fingerprint and the feed's settings.

    Today's fingerprint stamps the people, their summaries (so every interaction),
    snoozes, ticked-off picks and introductions; the rest is the feed's own settings.
    """
    parts = [
        FEED_VERSION,
        __version__,
        owner.pk,
        today.fingerprint(owner=owner, day=day),
        sorted(kinds),
        config.CALENDAR_CIRCLES.value(),
        config.BASE_URL.value(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def feed_for(*, owner: AbstractBaseUser, day: dt.date | None = None) -> bytes:
    """Return the owner's whole feed as iCalendar bytes (kept while nothing it shows changes).

    A calendar app polls every few hours and the network rarely changed since: the
    rendered feed is kept in Django's cache under `feed_key`, derived from the same
    stamps Today's own cache uses, and tested to equal a fresh rendering after each
    kind of change.
    """
    _, day = resolve_as_of(day)
    kinds = preferences.calendar_kinds(preferences.profile_or_default(owner=owner))
    key = f"amity.reminders.feed.{feed_key(owner=owner, day=day, kinds=kinds)}"
    body: bytes | None = cache.get(key)
    if body is None:
        body = render_feed(feed_entries(owner=owner, day=day, kinds=kinds), day=day)
        cache.set(key, body, timeout=FEED_CACHE_SECONDS)
    return body
