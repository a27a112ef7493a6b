"""Suggest introductions and walk each one through the double-opt-in workflow.

proposed -> asked_a -> asked_b -> introduced -> followed_up. Asking A, asking B,
introducing and following up each log an interaction with the people concerned (the
introduction itself is a deposit with both); a decline is logged as their answer and
remembered, so the pair is never suggested again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from amity.domain import embeddings
from amity.domain.embeddings import LexicalEncoder, TextEncoder
from amity.domain.matching import ProfileFacts, floors_for
from amity.domain.pairing import (
    IntroCandidate,
    IntroReason,
    IntroVectors,
    complementary_roles,
    diversify,
    explain_interests,
    introduction_candidates,
    needs_by_position,
    pair_key,
    same_city,
)
from amity.domain.relevance import FacetVectors, tuning_for
from amity.network.drafts import introduction_drafts
from amity.network.models import Introduction, ProfileEmbedding
from amity.network.profiles import FacetMatrix, facet_texts, facts_for, text_backend, vector_space
from amity.people.models import Interaction, Person
from amity.people.services import ValidationError
from amity.people.timeline import log_interaction

State = Introduction.State
ACTIVE_STATES = (State.PROPOSED, State.ASKED_A, State.ASKED_B, State.INTRODUCED)
DECLINED_STATES = (State.DECLINED_A, State.DECLINED_B, State.DISMISSED)
NEXT_STATE = {
    State.PROPOSED: State.ASKED_A,
    State.ASKED_A: State.ASKED_B,
    State.ASKED_B: State.INTRODUCED,
    State.INTRODUCED: State.FOLLOWED_UP,
}
NEXT_ACTION = {
    State.PROPOSED: "ask A",
    State.ASKED_A: "ask B",
    State.ASKED_B: "introduce",
    State.INTRODUCED: "follow up",
}
WAIT_FOR_ANSWER = dt.timedelta(days=3)
FOLLOW_UP_AFTER = dt.timedelta(days=14)


def _key(a: int, b: int) -> str:
    low, high = pair_key(a, b)
    return f"{low}-{high}"


# -- suggestions ------------------------------------------------------------------------


@dataclass
class Suggestion:
    """Two people worth introducing and why."""

    a: Person
    b: Person
    score: float
    reasons: list[IntroReason]

    @property
    def reason_text(self) -> str:
        """Return the reasons as one sentence."""
        return "; ".join(r.text for r in self.reasons)


@dataclass
class Suggestions:
    """The answer of `suggest_introductions`."""

    text_model: str
    kind: str
    items: list[Suggestion] = field(default_factory=list)
    pending: int = 0
    people: int = 0
    candidates: int = 0


def known_pairs(*, owner: AbstractBaseUser) -> set[tuple[int, int]]:
    """Return the pairs Amity knows already know each other, or must not be paired.

    Two people met when an interaction involved both; a pair with an introduction in
    any state (under way, done, declined or dismissed) is never suggested again.
    """
    groups = (
        Interaction.objects.filter(owner=owner)
        .annotate(n=Count("people"))
        .filter(n__gte=2)
        .values_list("id", flat=True)
    )
    members: dict[int, list[int]] = {}
    through = Interaction.people.through
    rows = through.objects.filter(interaction_id__in=groups).values_list(
        "interaction_id", "person_id"
    )
    for interaction_id, person_id in rows.iterator(chunk_size=10_000):
        members.setdefault(interaction_id, []).append(person_id)
    pairs = {pair_key(a, b) for ids in members.values() for a, b in combinations(ids, 2)}
    for a, b in Introduction.objects.filter(owner=owner).values_list("person_a", "person_b"):
        pairs.add(pair_key(a, b))
    return pairs


def _vectors(people: list[ProfileFacts], facets: dict[str, FacetMatrix]) -> IntroVectors:
    index = {f.person_id: i for i, f in enumerate(people)}
    parts = {}
    for facet in ("profile", "seeks", "offers"):
        ids, matrix = facets[facet].ids, facets[facet].matrix
        keep = [r for r, pk in enumerate(ids) if int(pk) in index]
        parts[facet] = ([index[int(ids[r])] for r in keep], matrix[keep] if keep else matrix[:0])
    return IntroVectors(
        profile_rows=parts["profile"][0],
        profile=parts["profile"][1],
        seek_rows=parts["seeks"][0],
        seeks=parts["seeks"][1],
        offer_rows=parts["offers"][0],
        offers=parts["offers"][1],
    )


_SUGGESTIONS: dict[tuple[int, int, int, str], tuple[tuple[object, ...], Suggestions]] = {}
_SUGGESTIONS_LOCK = threading.Lock()


def _network_fingerprint(owner: AbstractBaseUser, kind: str) -> tuple[object, ...]:
    """Summarise everything suggestions depend on, in a few aggregate queries."""
    people = Person.objects.filter(owner=owner).aggregate(
        n=Count("id"), changed=Max("updated_at"), met=Max("last_interaction_at")
    )
    intros = Introduction.objects.filter(owner=owner).aggregate(
        n=Count("id"), changed=Max("updated_at")
    )
    talks = Interaction.objects.filter(owner=owner).aggregate(n=Count("id"), top=Max("id"))
    vectors = ProfileEmbedding.objects.filter(owner=owner).aggregate(
        n=Count("id"), changed=Max("embedded_at")
    )
    return (
        kind,
        *people.values(),
        *intros.values(),
        *talks.values(),
        *vectors.values(),
    )


def suggest_introductions(
    *, owner: AbstractBaseUser, limit: int = 10, person: Person | None = None
) -> Suggestions:
    """Suggest pairs of the owner's people who would benefit from knowing each other.

    The answer is kept in memory until a person, an interaction or an introduction
    changes: on 100,000 people computing it takes seconds, checking it milliseconds.
    """
    key = (int(owner.pk), limit, person.pk if person else 0, text_backend())
    fingerprint = _network_fingerprint(owner, key[3])
    with _SUGGESTIONS_LOCK:
        held = _SUGGESTIONS.get(key)
    if held is not None and held[0] == fingerprint:
        return held[1]
    result = _suggest(owner=owner, limit=limit, person=person)
    with _SUGGESTIONS_LOCK:
        _SUGGESTIONS[key] = (fingerprint, result)
    return result


def forget_suggestions() -> None:
    """Drop the suggestions kept in memory (tests)."""
    with _SUGGESTIONS_LOCK:
        _SUGGESTIONS.clear()


def _suggest(*, owner: AbstractBaseUser, limit: int, person: Person | None) -> Suggestions:
    """Compute suggestions (see `suggest_introductions`)."""
    people = list(facts_for(owner=owner))
    space = vector_space(owner=owner, facets=("profile", "seeks", "offers", "title"), facts=people)
    result = Suggestions(space.description, space.kind, pending=space.pending, people=len(people))
    vectors = _vectors(people, space.facets)
    floors = floors_for(space.encoder.name)
    facets = {name: FacetVectors(f.ids, f.matrix) for name, f in space.facets.items()}
    needs = needs_by_position(people, facets, tuning_for(space.encoder.name))
    candidates = introduction_candidates(
        people, vectors, known=known_pairs(owner=owner), floors=floors, needs=needs
    )
    result.candidates = len(candidates)
    if person is not None:
        candidates = [
            c for c in candidates if person.pk in {people[c.a].person_id, people[c.b].person_id}
        ]
    explained: list[IntroCandidate] = []
    per_person: dict[int, int] = {}
    for candidate in candidates:
        if len(explained) >= limit * 3:
            break
        if max(per_person.get(candidate.a, 0), per_person.get(candidate.b, 0)) >= 2:
            continue
        if explain_interests(candidate, people, space.encoder, floor=floors.interests):
            explained.append(candidate)
            for side in (candidate.a, candidate.b):
                per_person[side] = per_person.get(side, 0) + 1
    kept = diversify(explained, limit=limit)
    by_id = Person.objects.filter(owner=owner).in_bulk(
        [people[i].person_id for c in kept for i in (c.a, c.b)]
    )
    for c in kept:
        a, b = by_id[people[c.a].person_id], by_id[people[c.b].person_id]
        result.items.append(Suggestion(a, b, round(float(np.float32(c.score)), 3), c.reasons))
    return result


# -- the workflow -----------------------------------------------------------------------


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


def _facts(owner: AbstractBaseUser, person: Person) -> ProfileFacts:
    return next(iter(facts_for(owner=owner, person_ids=[person.pk])))


def explain_pair(a: ProfileFacts, b: ProfileFacts) -> list[IntroReason]:
    """Return why two given people should meet (for an introduction the user proposes)."""
    texts_a, texts_b = facet_texts(a), facet_texts(b)
    if text_backend() == "model":
        encoder: TextEncoder = embeddings.memo_model()
    else:
        encoder = LexicalEncoder.fit([*texts_a.values(), *texts_b.values()])
    pair = [a, b]
    vectors = {
        facet: encoder.encode([texts_a[facet], texts_b[facet]])
        for facet in ("profile", "seeks", "offers")
    }
    rows = {
        facet: [i for i, t in enumerate((texts_a[facet], texts_b[facet])) if t] for facet in vectors
    }
    found = introduction_candidates(
        pair,
        IntroVectors(
            profile_rows=rows["profile"],
            profile=vectors["profile"][rows["profile"]],
            seek_rows=rows["seeks"],
            seeks=vectors["seeks"][rows["seeks"]],
            offer_rows=rows["offers"],
            offers=vectors["offers"][rows["offers"]],
        ),
        known=set(),
        floors=floors_for(encoder.name),
    )
    if found:
        candidate = found[0]
        explain_interests(candidate, pair, encoder, floor=floors_for(encoder.name).interests)
        if candidate.reasons:
            return candidate.reasons
    # Nothing in their texts connects them: say what still does (roles, city).
    reasons = []
    roles = complementary_roles(a.title, b.title)
    if roles:
        reasons.append(IntroReason("roles", f"complementary roles: {roles}"))
    city = same_city(a, b)
    if city:
        reasons.append(IntroReason("city", f"both in {city}"))
    return reasons


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
    """Take the next step (ask A, ask B, introduce, follow up) and log it."""
    intro = Introduction.objects.locked(introduction)
    if intro.state not in NEXT_STATE:
        raise ValidationError("state", f"nothing left to do ({intro.get_state_display()})")
    a, b, owner = intro.person_a, intro.person_b, intro.owner
    now = timezone.now()
    step = intro.state
    if step == State.PROPOSED:
        text = intro.ask_a_draft if draft is None else draft
        intro.ask_a_draft, intro.asked_a_at = text, now
        log_interaction(
            owner=owner,
            people=[a],
            channel=channel,
            summary=f"Asked whether they'd like an introduction to {b.full_name}",
            content=text,
        )
    elif step == State.ASKED_A:
        text = intro.ask_b_draft if draft is None else draft
        intro.ask_b_draft, intro.asked_b_at = text, now
        log_interaction(
            owner=owner,
            people=[b],
            channel=channel,
            summary=f"{a.full_name} would like to meet them; asked if they're open to it",
            content=text,
        )
    elif step == State.ASKED_B:
        text = intro.intro_draft if draft is None else draft
        intro.intro_draft, intro.introduced_at = text, now
        log_interaction(
            owner=owner,
            people=[a, b],
            channel=channel,
            intent="deposit",
            subtype="introduction",
            summary=f"Introduced {a.full_name} and {b.full_name}",
            content=text,
        )
    else:
        text = intro.follow_up_draft if draft is None else draft
        intro.follow_up_draft, intro.followed_up_at = text, now
        log_interaction(
            owner=owner,
            people=[a, b],
            channel=channel,
            summary=f"Followed up on the introduction of {a.full_name} and {b.full_name}",
            content=text,
        )
    intro.state = NEXT_STATE[step]
    intro.updated_at = now
    intro.save()
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
    """Return the introduction steps due now: ask, nudge an unanswered ask, follow up."""
    now = now or timezone.now()
    steps: list[IntroStep] = []
    for intro in introductions_for(owner=owner, active=True).order_by("updated_at", "id"):
        a, b = intro.person_a, intro.person_b
        pair = (a.pk, b.pk)
        if intro.state == State.PROPOSED:
            text = f"Ask {a.full_name} whether they'd like an introduction to {b.full_name}."
        elif intro.state == State.ASKED_A and now - intro.asked_a_at >= WAIT_FOR_ANSWER:
            text = (
                f"Did {a.full_name} answer about meeting {b.full_name}? If yes, ask {b.full_name}."
            )
        elif intro.state == State.ASKED_B and now - intro.asked_b_at >= WAIT_FOR_ANSWER:
            text = f"Did {b.full_name} answer? If yes, introduce them to {a.full_name}."
        elif intro.state == State.INTRODUCED and now - intro.introduced_at >= FOLLOW_UP_AFTER:
            text = f"Follow up: did {a.full_name} and {b.full_name} connect?"
        else:
            continue
        steps.append(IntroStep(intro.pk, pair, NEXT_ACTION[State(intro.state)], text))
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
