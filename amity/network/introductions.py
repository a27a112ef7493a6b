"""Suggest introductions: who in the network should meet, and why.

The double-opt-in workflow that follows a proposal lives in `amity.network.optin`;
a pair with an introduction in any state is never suggested again (`known_pairs`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max

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
from amity.network.models import Introduction, ProfileEmbedding
from amity.network.profiles import FacetMatrix, facet_texts, facts_for, text_backend, vector_space
from amity.people.models import Interaction, Person

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
    through = Interaction.people.through
    # Two plain queries, not one with a grouped subquery: with statistics gathered
    # while the tables were empty, PostgreSQL ran that subquery once per link row
    # (minutes on a few thousand rows).
    groups = list(
        through.objects.filter(interaction__owner=owner)
        .values("interaction_id")
        .annotate(n=Count("person_id"))
        .filter(n__gte=2)
        .order_by()
        .values_list("interaction_id", flat=True)
    )
    members: dict[int, list[int]] = {}
    for start in range(0, len(groups), 5_000):
        rows = through.objects.filter(
            interaction__owner=owner, interaction_id__in=groups[start : start + 5_000]
        ).values_list("interaction_id", "person_id")
        for interaction_id, person_id in rows:
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
    *,
    owner: AbstractBaseUser,
    limit: int = 10,
    person: Person | None = None,
    inline_limit: int | None = None,
) -> Suggestions:
    """Suggest pairs of the owner's people who would benefit from knowing each other.

    The answer is kept in memory until a person, an interaction or an introduction
    changes: on 100,000 people computing it takes seconds, checking it milliseconds.
    `inline_limit` caps the profiles embedded here (0 while the worker embeds them).
    """
    key = (int(owner.pk), limit, person.pk if person else 0, text_backend())
    fingerprint = _network_fingerprint(owner, key[3])
    with _SUGGESTIONS_LOCK:
        held = _SUGGESTIONS.get(key)
    if held is not None and held[0] == fingerprint:
        return held[1]
    result = _suggest(owner=owner, limit=limit, person=person, inline_limit=inline_limit)
    with _SUGGESTIONS_LOCK:
        _SUGGESTIONS[key] = (fingerprint, result)
    return result


def forget_suggestions() -> None:
    """Drop the suggestions kept in memory (tests)."""
    with _SUGGESTIONS_LOCK:
        _SUGGESTIONS.clear()


def _suggest(
    *, owner: AbstractBaseUser, limit: int, person: Person | None, inline_limit: int | None
) -> Suggestions:
    """Compute suggestions (see `suggest_introductions`)."""
    people = list(facts_for(owner=owner))
    facets = ("profile", "seeks", "offers", "title")
    space = vector_space(owner=owner, facets=facets, facts=people, inline_limit=inline_limit)
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
