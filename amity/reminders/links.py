"""Sign the digest's one-click links (log done, snooze) and carry them out without a login.

A link is a TimestampSigner token over (user, person, the digest's day, the user's links
generation), salted with its action, so a "done" link cannot be replayed as a "snooze"
link, nor changed to name someone else. Links expire after MAX_AGE; raising the user's
links generation (`amity reminders --revoke-links`, or a new calendar address) revokes
every link already mailed. Following a link twice does nothing twice: a touch already
ticked off is reported, not logged again. Each action returns an undo token (a POST on
the confirmation page, so a mail scanner that follows links cannot undo what it did).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import transaction

from amity import config
from amity.people import timeline
from amity.people.models import Interaction, Person
from amity.relationships import today
from amity.relationships.models import DailyPick, Snooze
from amity.reminders import preferences

ACTIONS = ("done", "snooze")
# A weekly digest's links must outlive the week; older links are stale advice anyway.
MAX_AGE = dt.timedelta(days=10)
# An undo is a second thought, minutes later; a day is generous.
UNDO_MAX_AGE = dt.timedelta(days=1)
SNOOZE_FOR = "30d"


class LinkError(Exception):
    """A link that cannot be followed; `status` is the HTTP answer, `title` its heading."""

    status = 400
    title = "This link is not valid"


class LinkInvalid(LinkError):
    """Tampered with, cut short by a mail client, or meant for another action."""


class LinkExpired(LinkError):
    """Older than MAX_AGE (or UNDO_MAX_AGE for an undo)."""

    status = 410
    title = "This link has expired"


class LinkRevoked(LinkError):
    """Signed before the user reset their private links."""

    status = 410
    title = "This link was revoked"


class LinkGone(LinkError):
    """The user or the person it names no longer exists."""

    status = 404
    title = "Nothing to do here any more"


@dataclass(frozen=True)
class Outcome:
    """What following a link (or its undo) did, for the confirmation page."""

    action: str
    person_id: int
    person_name: str
    message: str
    undo: str = ""  # the undo token; empty when there is nothing to undo
    already: bool = False


def _salt(purpose: str) -> str:
    return f"amity.reminders.link.{purpose}"


def make_token(
    *,
    owner: AbstractBaseUser,
    person_id: int,
    action: str,
    day: dt.date,
    generation: int | None = None,
) -> str:
    """Return the signed token of one action on one person from the digest of `day`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown link action {action!r}")
    if generation is None:
        generation = preferences.links_generation(owner=owner)
    payload = {"u": owner.pk, "p": person_id, "d": day.isoformat(), "g": generation}
    return signing.dumps(payload, salt=_salt(action), compress=True)


def link_url(*, action: str, token: str) -> str:
    """Return the address of the one-click page for `token`."""
    return f"{config.BASE_URL.value()}/r/{action}/{token}/"


def digest_links(
    *, owner: AbstractBaseUser, person_ids: list[int], day: dt.date
) -> dict[int, dict[str, str]]:
    """Return the "done" and "snooze" links of each person on the digest of `day`."""
    generation = preferences.links_generation(owner=owner)
    return {
        pk: {
            action: link_url(
                action=action,
                token=make_token(
                    owner=owner, person_id=pk, action=action, day=day, generation=generation
                ),
            )
            for action in ACTIONS
        }
        for pk in person_ids
    }


def _open(token: str, purpose: str, max_age: dt.timedelta) -> tuple[Any, Person, dict[str, Any]]:
    """Check the token's signature, age and generation; return its user, person and data."""
    try:
        data = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired(
            f"Links in a digest work for {MAX_AGE.days} days. Today's digest has fresh ones."
        ) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(
            "It was changed or cut short (some mail apps break long links). "
            "Open Amity and act from Today instead."
        ) from exc
    owner = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if owner is None:
        raise LinkGone("The account this link was made for is closed.")
    if data.get("g") != preferences.links_generation(owner=owner):
        raise LinkRevoked(
            "Your private links were reset after this mail was sent. "
            "Today's digest has working ones."
        )
    person = Person.objects.filter(owner=owner, pk=data.get("p")).first()
    if person is None:
        raise LinkGone("The person this link was about is no longer in Amity.")
    return owner, person, data


@transaction.atomic
def follow(*, action: str, token: str) -> Outcome:
    """Carry out a digest link: tick the touch off, or snooze the person; return the outcome."""
    if action not in ACTIONS:
        raise LinkInvalid("Amity's links only log a touch done or snooze someone.")
    owner, person, data = _open(token, action, MAX_AGE)
    day = dt.date.fromisoformat(data["d"])
    if action == "done":
        return _done(owner, person, day)
    return _snooze(owner, person)


def _done(owner: AbstractBaseUser, person: Person, day: dt.date) -> Outcome:
    pick = DailyPick.objects.filter(owner=owner, person=person, daily_list__day=day).first()
    if pick is not None and pick.done_at is not None:
        return Outcome("done", person.pk, person.full_name, "Already logged.", already=True)
    interaction = today.mark_done(owner=owner, person=person, day=day).interaction
    undo = _undo_token(
        owner, {"a": "done", "p": person.pk, "d": day.isoformat(), "i": interaction.pk}
    )
    kind = interaction.subtype.replace("_", " ") if interaction.subtype else "touch"
    return Outcome(
        "done", person.pk, person.full_name, f"Logged a {kind} with {person.full_name}.", undo
    )


def _snooze(owner: AbstractBaseUser, person: Person) -> Outcome:
    previous = Snooze.objects.filter(owner=owner, person=person).values_list("until", flat=True)
    before = previous.first()
    local_day = preferences.local_now(preferences.profile_for(owner=owner)).date()
    until = today.parse_duration(SNOOZE_FOR, today=local_day)
    today.snooze(person=person, until=until)
    undo = _undo_token(
        owner, {"a": "snooze", "p": person.pk, "prev": before.isoformat() if before else None}
    )
    return Outcome(
        "snooze",
        person.pk,
        person.full_name,
        f"{person.full_name} is off your list until {until:%d %b %Y}.",
        undo,
    )


def _undo_token(owner: AbstractBaseUser, data: dict[str, Any]) -> str:
    payload = {**data, "u": owner.pk, "g": preferences.links_generation(owner=owner)}
    return signing.dumps(payload, salt=_salt("undo"), compress=True)


@transaction.atomic
def undo(*, token: str) -> Outcome:
    """Take back what a link did: delete the logged touch, or restore the earlier snooze."""
    owner, person, data = _open(token, "undo", UNDO_MAX_AGE)
    if data["a"] == "done":
        logged = Interaction.objects.filter(owner=owner, pk=data["i"]).first()
        if logged is not None:
            timeline.delete_interaction(interaction=logged)
        DailyPick.objects.filter(
            owner=owner, person=person, daily_list__day=dt.date.fromisoformat(data["d"])
        ).update(done_at=None)
        message = f"Undone: nothing is logged with {person.full_name}; they are back on the list."
    else:
        previous = data["prev"]
        if previous is None:
            Snooze.objects.filter(owner=owner, person=person).delete()
            message = f"Undone: {person.full_name} is no longer snoozed."
        else:
            until = dt.date.fromisoformat(previous)
            today.snooze(person=person, until=until)
            message = f"Undone: {person.full_name} is snoozed until {until:%d %b %Y} again."
    return Outcome(data["a"], person.pk, person.full_name, message)
