"""Walk an introduction through double opt-in, recording each side's answer.

proposed -> (ask A) asked_a -> (A says yes) agreed_a -> (ask B) asked_b -> (B says
yes) agreed -> (introduce) introduced -> (follow up) followed_up. Either person can
say no while asked (declined_a, declined_b) and the user can drop it (dismissed); a
declined pair is never suggested again. The introduction itself is offered only once
both said yes. Every step and every answer logs an interaction with the people
concerned (the introduction is a deposit with both).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from amity.domain.matching import ProfileFacts
from amity.domain.pairing import pair_key
from amity.network.drafts import introduction_drafts
from amity.network.introductions import explain_pair
from amity.network.models import Introduction
from amity.network.profiles import facts_for
from amity.people.models import Person
from amity.people.services import ValidationError
from amity.people.timeline import log_interaction

State = Introduction.State
ACTIVE_STATES = (
    State.PROPOSED,
    State.ASKED_A,
    State.AGREED_A,
    State.ASKED_B,
    State.AGREED,
    State.INTRODUCED,
)
DECLINED_STATES = (State.DECLINED_A, State.DECLINED_B, State.DISMISSED)
# What the user does next (advance); ASKED_A and ASKED_B wait for an answer instead.
NEXT_STATE = {
    State.PROPOSED: State.ASKED_A,
    State.AGREED_A: State.ASKED_B,
    State.AGREED: State.INTRODUCED,
    State.INTRODUCED: State.FOLLOWED_UP,
}
# The next step's name in the API and CLI (`next_action`); the web says it with names.
NEXT_ACTION = {
    State.PROPOSED: "ask A",
    State.ASKED_A: "answer A",
    State.AGREED_A: "ask B",
    State.ASKED_B: "answer B",
    State.AGREED: "introduce",
    State.INTRODUCED: "follow up",
}
# Which draft each step sends.
DRAFT_OF_ACTION = {
    "ask A": "ask_a_draft",
    "ask B": "ask_b_draft",
    "introduce": "intro_draft",
    "follow up": "follow_up_draft",
}
WAIT_FOR_ANSWER = dt.timedelta(days=3)
FOLLOW_UP_AFTER = dt.timedelta(days=14)


def _key(a: int, b: int) -> str:
    low, high = pair_key(a, b)
    return f"{low}-{high}"


def introductions_for(
    *, owner: AbstractBaseUser, active: bool | None = None
) -> QuerySet[Introduction]:
    """Return the owner's introductions (only active or finished ones if asked)."""
    found = Introduction.objects.filter(owner=owner).select_related("person_a", "person_b")
    if active is True:
        found = found.filter(state__in=ACTIVE_STATES)
    elif active is False:
        found = found.exclude(state__in=ACTIVE_STATES)
    return found


def next_step(intro: Introduction) -> str:
    """Say the next step with the people's names ("Ask Dana whether…"), or ""."""
    a, b = _first_name(intro.person_a), _first_name(intro.person_b)
    return {
        State.PROPOSED: f"Ask {a} whether they'd like to meet {b}",
        State.ASKED_A: f"Waiting for {a}'s answer",
        State.AGREED_A: f"{a} said yes: ask {b}",
        State.ASKED_B: f"Waiting for {b}'s answer",
        State.AGREED: f"Both said yes: introduce {a} and {b}",
        State.INTRODUCED: f"Follow up with {a} and {b}",
    }.get(State(intro.state), "")


def state_text(intro: Introduction) -> str:
    """Say where an introduction stands with the people's names ("Dana said no")."""
    a, b = _first_name(intro.person_a), _first_name(intro.person_b)
    return {
        State.PROPOSED: "Proposed",
        State.ASKED_A: f"Asked {a}",
        State.AGREED_A: f"{a} said yes",
        State.ASKED_B: f"{a} said yes; asked {b}",
        State.AGREED: "Both said yes",
        State.INTRODUCED: "Introduced",
        State.FOLLOWED_UP: "Introduced and followed up",
        State.DECLINED_A: f"{a} said no",
        State.DECLINED_B: f"{b} said no",
        State.DISMISSED: "Dropped by you",
    }[State(intro.state)]


def step_button(intro: Introduction) -> str:
    """Name the button that takes the next step ("Ask Dana"), or "" while waiting."""
    a, b = _first_name(intro.person_a), _first_name(intro.person_b)
    return {
        State.PROPOSED: f"Ask {a}",
        State.AGREED_A: f"Ask {b}",
        State.AGREED: f"Introduce {a} and {b}",
        State.INTRODUCED: "Followed up",
    }.get(State(intro.state), "")


def _first_name(person: Person) -> str:
    return person.given_name or person.full_name


def _facts(owner: AbstractBaseUser, person: Person) -> ProfileFacts:
    return next(iter(facts_for(owner=owner, person_ids=[person.pk])))


@transaction.atomic
def propose_introduction(
    *, owner: AbstractBaseUser, a: Person, b: Person, reason: str = ""
) -> Introduction:
    """Start an introduction between `a` (asked first) and `b`, with drafts to edit."""
    if a.owner_id != owner.pk or b.owner_id != owner.pk:
        raise ValidationError("people", "unknown person")
    if a.pk == b.pk:
        raise ValidationError("people", "an introduction needs two different people")
    existing = Introduction.objects.filter(owner=owner, pair_key=_key(a.pk, b.pk)).first()
    if existing is not None:
        if existing.state in DECLINED_STATES:
            when = timezone.localtime(existing.declined_at or existing.updated_at).date()
            raise ValidationError(
                "people", f"this introduction was declined on {when}; Amity will not ask again"
            )
        raise ValidationError(
            "people", f"introduction #{existing.pk} already exists ({existing.get_state_display()})"
        )
    facts_a, facts_b = _facts(owner, a), _facts(owner, b)
    if not reason.strip():
        reason = "; ".join(r.text for r in explain_pair(facts_a, facts_b))
    drafts = introduction_drafts(facts_a, facts_b, reason)
    try:
        with transaction.atomic():
            return Introduction.objects.create(
                owner=owner,
                person_a=a,
                person_b=b,
                pair_key=_key(a.pk, b.pk),
                reason=reason.strip(),
                ask_a_draft=drafts.ask_a,
                ask_b_draft=drafts.ask_b,
                intro_draft=drafts.intro,
                follow_up_draft=drafts.follow_up,
            )
    except IntegrityError:
        raise ValidationError("people", "this introduction already exists") from None


@transaction.atomic
def update_drafts(*, introduction: Introduction, **drafts: str) -> Introduction:
    """Change the drafts (ask_a_draft, ask_b_draft, intro_draft, follow_up_draft)."""
    allowed = {"ask_a_draft", "ask_b_draft", "intro_draft", "follow_up_draft"}
    for name, value in drafts.items():
        if name not in allowed:
            raise ValidationError(name, "is not a draft of an introduction")
        setattr(introduction, name, value.strip())
    introduction.updated_at = timezone.now()
    introduction.save(update_fields=[*drafts, "updated_at"])
    return introduction


@transaction.atomic
def advance_introduction(
    *, introduction: Introduction, draft: str | None = None, channel: str = "message"
) -> Introduction:
    """Take the next step (ask A, ask B, introduce, follow up) and log it.

    While A or B has been asked and not answered there is no step to take: their
    answer is recorded with `answer_introduction`, so nobody is introduced before both
    said yes.
    """
    intro = Introduction.objects.locked(introduction)
    a, b = intro.person_a, intro.person_b
    if intro.state in (State.ASKED_A, State.ASKED_B):
        who = a if intro.state == State.ASKED_A else b
        raise ValidationError("state", f"waiting for {who.full_name}'s answer: record yes or no")
    if intro.state not in NEXT_STATE:
        raise ValidationError("state", f"nothing left to do ({intro.get_state_display()})")
    now, step = timezone.now(), State(intro.state)
    field = DRAFT_OF_ACTION[NEXT_ACTION[step]]
    text = getattr(intro, field) if draft is None else draft
    setattr(intro, field, text)
    logged = {
        State.PROPOSED: ([a], f"Asked whether they'd like an introduction to {b.full_name}", {}),
        State.AGREED_A: (
            [b],
            f"{a.full_name} would like to meet them; asked if they're open to it",
            {},
        ),
        State.AGREED: (
            [a, b],
            f"Introduced {a.full_name} and {b.full_name}",
            {"intent": "deposit", "subtype": "introduction"},
        ),
        State.INTRODUCED: (
            [a, b],
            f"Followed up on the introduction of {a.full_name} and {b.full_name}",
            {},
        ),
    }
    people, summary, extra = logged[step]
    log_interaction(
        owner=intro.owner, people=people, channel=channel, summary=summary, content=text, **extra
    )
    stamp = {
        State.PROPOSED: "asked_a_at",
        State.AGREED_A: "asked_b_at",
        State.AGREED: "introduced_at",
        State.INTRODUCED: "followed_up_at",
    }[step]
    setattr(intro, stamp, now)
    intro.state = NEXT_STATE[step]
    intro.updated_at = now
    intro.save()
    return intro


@transaction.atomic
def answer_introduction(
    *, introduction: Introduction, by: str, agreed: bool, note: str = ""
) -> Introduction:
    """Record A's or B's answer to being asked: yes moves it on, no declines it for good."""
    intro = Introduction.objects.locked(introduction)
    if by not in ("a", "b"):
        raise ValidationError("by", "say who answered: a or b")
    asked = State.ASKED_A if by == "a" else State.ASKED_B
    who, other = (intro.person_a, intro.person_b) if by == "a" else (intro.person_b, intro.person_a)
    if intro.state != asked:
        raise ValidationError(
            "state",
            f"{who.full_name} has not been asked now ({intro.get_state_display().lower()})",
        )
    if not agreed:
        return decline_introduction(introduction=intro, by=by, note=note)
    now = timezone.now()
    log_interaction(
        owner=intro.owner,
        people=[who],
        direction="inbound",
        summary=note.strip() or f"Said yes to an introduction to {other.full_name}",
    )
    if by == "a":
        intro.state, intro.agreed_a_at = State.AGREED_A, now
    else:
        intro.state, intro.agreed_b_at = State.AGREED, now
    intro.updated_at = now
    intro.save(update_fields=["state", "agreed_a_at", "agreed_b_at", "updated_at"])
    return intro


@transaction.atomic
def decline_introduction(*, introduction: Introduction, by: str, note: str = "") -> Introduction:
    """Record that A, B or the user ("me") said no; the pair is never suggested again."""
    intro = Introduction.objects.locked(introduction)
    if intro.state not in ACTIVE_STATES:
        raise ValidationError("state", f"already finished ({intro.get_state_display()})")
    states = {"a": State.DECLINED_A, "b": State.DECLINED_B, "me": State.DISMISSED}
    if by not in states:
        raise ValidationError("by", "say who declined: a, b or me")
    if by != "me":
        who, other = (
            (intro.person_a, intro.person_b) if by == "a" else (intro.person_b, intro.person_a)
        )
        log_interaction(
            owner=intro.owner,
            people=[who],
            direction="inbound",
            summary=note.strip() or f"Declined an introduction to {other.full_name}",
        )
    intro.state = states[by]
    intro.declined_at = intro.updated_at = timezone.now()
    intro.save(update_fields=["state", "declined_at", "updated_at"])
    return intro


@transaction.atomic
def dismiss_pair(*, owner: AbstractBaseUser, a: Person, b: Person) -> Introduction:
    """Remember that the user does not want `a` and `b` suggested together."""
    if a.owner_id != owner.pk or b.owner_id != owner.pk or a.pk == b.pk:
        raise ValidationError("people", "name two of your people")
    intro, created = Introduction.objects.get_or_create(
        owner=owner,
        pair_key=_key(a.pk, b.pk),
        defaults={"person_a": a, "person_b": b, "state": State.DISMISSED},
    )
    if not created and intro.state in ACTIVE_STATES:
        return decline_introduction(introduction=intro, by="me")
    if created:
        intro.declined_at = timezone.now()
        intro.save(update_fields=["declined_at"])
    return intro


@dataclass(frozen=True)
class IntroStep:
    """A pending step of an introduction, for Today."""

    introduction_id: int
    person_ids: tuple[int, int]
    action: str
    text: str


def pending_intro_steps(
    *, owner: AbstractBaseUser, now: dt.datetime | None = None
) -> list[IntroStep]:
    """Return the introduction steps due now: ask, chase an answer, introduce, follow up."""
    now = now or timezone.now()
    steps: list[IntroStep] = []
    for intro in introductions_for(owner=owner, active=True).order_by("updated_at", "id"):
        a, b = intro.person_a.full_name, intro.person_b.full_name
        state = State(intro.state)
        if state == State.PROPOSED:
            text = f"Ask {a} whether they'd like an introduction to {b}."
        elif state == State.ASKED_A and now - intro.asked_a_at >= WAIT_FOR_ANSWER:
            text = f"Did {a} answer about meeting {b}? Record their yes or no."
        elif state == State.AGREED_A:
            text = f"{a} said yes: ask {b} whether they're open to meeting {a}."
        elif state == State.ASKED_B and now - intro.asked_b_at >= WAIT_FOR_ANSWER:
            text = f"Did {b} answer about meeting {a}? Record their yes or no."
        elif state == State.AGREED:
            text = f"{a} and {b} both said yes: introduce them."
        elif state == State.INTRODUCED and now - intro.introduced_at >= FOLLOW_UP_AFTER:
            text = f"Follow up: did {a} and {b} connect?"
        else:
            continue
        pair = (intro.person_a_id, intro.person_b_id)
        steps.append(IntroStep(intro.pk, pair, NEXT_ACTION[state], text))
    return steps


def open_introductions(owner_id: int, person_ids: Sequence[int] | None) -> dict[int, list[str]]:
    """Return, per person, the names of people they were introduced to and not followed up.

    `person_ids` None means all of the owner's people. Registered with core.hooks,
    so Today's engine can ask without importing this app.
    """
    found: dict[int, list[str]] = defaultdict(list)
    rows = Introduction.objects.filter(owner_id=owner_id, state="introduced")
    if person_ids is not None:
        rows = rows.filter(Q(person_a_id__in=person_ids) | Q(person_b_id__in=person_ids))
    for a_id, a_name, b_id, b_name in rows.values_list(
        "person_a_id", "person_a__full_name", "person_b_id", "person_b__full_name"
    ):
        found[a_id].append(b_name)
        found[b_id].append(a_name)
    return dict(found)
