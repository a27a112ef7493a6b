"""Suggest people worth introducing to each other, and say why.

Pure functions over `matching.ProfileFacts` and their vectors: a need met by what
someone offers or does (found by standing in `relevance.helpers_for_needs`, or by a
cosine floor when only two people are compared), close interests across different
fields, complementary roles and a shared city; then the best pairs, no person in more
than two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np

from amity.domain.embeddings import Matrix, TextEncoder, nearest_rows
from amity.domain.matching import (
    Floors,
    ProfileFacts,
    clip,
    offers_text,
    role_line,
    seek_phrase,
    snippets,
)
from amity.domain.relevance import (
    NEED_FACETS,
    FacetIndex,
    FacetVectors,
    Tuning,
    helpers_for_needs,
)

ROLE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "founder": ("founder", "co-founder", "cofounder", "owner", "entrepreneur"),
    "investor": ("investor", "venture", "vc", "angel", "capital", "fund"),
    "engineer": ("engineer", "developer", "programmer", "architect", "devops", "sre"),
    "designer": ("designer", "ux", "ui", "illustrator"),
    "product": ("product manager", "product lead", "head of product", "product owner"),
    "researcher": ("researcher", "scientist", "professor", "phd", "lecturer", "postdoc"),
    "journalist": ("journalist", "reporter", "editor", "writer", "podcaster"),
    "recruiter": ("recruiter", "talent", "headhunter"),
    "student": ("student", "intern", "graduate", "apprentice"),
    "mentor": ("mentor", "coach", "advisor", "adviser"),
    "sales": ("sales", "account executive", "business development"),
    "marketer": ("marketing", "marketer", "growth", "brand"),
}
"""Words in a job title that reveal a role (lower-case; matched as whole words)."""

COMPLEMENTARY_ROLES: Final[dict[frozenset[str], str]] = {
    frozenset({"founder", "investor"}): "a founder and an investor",
    frozenset({"founder", "mentor"}): "a founder and an advisor",
    frozenset({"founder", "engineer"}): "a founder and an engineer",
    frozenset({"engineer", "designer"}): "an engineer and a designer",
    frozenset({"engineer", "product"}): "an engineer and a product manager",
    frozenset({"designer", "product"}): "a designer and a product manager",
    frozenset({"researcher", "founder"}): "a researcher and a founder",
    frozenset({"researcher", "journalist"}): "a researcher and a journalist",
    frozenset({"student", "mentor"}): "a student and a mentor",
    frozenset({"recruiter", "student"}): "a recruiter and a student",
    frozenset({"sales", "founder"}): "a founder and a sales lead",
    frozenset({"marketer", "founder"}): "a founder and a marketer",
}


@lru_cache(maxsize=65_536)
def roles_of(title: str) -> frozenset[str]:
    """Return the roles a job title reveals ("Co-founder & CEO" -> {"founder"})."""
    lowered = f" {re.sub(r'[^a-z0-9-]+', ' ', title.lower())} "
    return frozenset(
        role for role, words in ROLE_WORDS.items() if any(f" {word} " in lowered for word in words)
    )


def complementary_roles(title_a: str, title_b: str) -> str:
    """Describe how two titles complement each other, or return ""."""
    for role_a in sorted(roles_of(title_a)):
        for role_b in sorted(roles_of(title_b)):
            found = COMPLEMENTARY_ROLES.get(frozenset({role_a, role_b}))
            if found and role_a != role_b:
                return found
    return ""


@lru_cache(maxsize=65_536)
def city_of(location: str) -> str:
    """Return the comparable city of a location ("London, UK" -> "london")."""
    return location.split(",")[0].strip().lower()


def same_city(a: ProfileFacts, b: ProfileFacts) -> str:
    """Return the shared city's name as written, or "" when they live apart."""
    city = city_of(a.location)
    return a.location.split(",")[0].strip() if city and city == city_of(b.location) else ""


def pair_key(a: int, b: int) -> tuple[int, int]:
    """Return an unordered pair of person ids in a canonical order."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class IntroReason:
    """One reason two people should meet: need/offer, interests, city or roles."""

    kind: str
    text: str


@dataclass
class IntroCandidate:
    """Two people worth introducing, with a score and the reasons."""

    a: int
    b: int
    score: float = 0.0
    reasons: list[IntroReason] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        """Return the unordered pair this suggestion is about."""
        return pair_key(self.a, self.b)


@dataclass(frozen=True)
class IntroVectors:
    """The vectors suggestions are computed from, with which person each row is."""

    profile_rows: Sequence[int]
    """Index into `people` of each row of `profile`."""
    profile: Matrix
    seek_rows: Sequence[int]
    seeks: Matrix
    offer_rows: Sequence[int]
    offers: Matrix


NEED_WEIGHT: Final = 1.0
INTEREST_WEIGHT: Final = 0.7
ROLE_BONUS: Final = 0.08
CITY_BONUS: Final = 0.05
REASON_ORDER: Final = ("need", "interests", "roles", "city")


def _need_candidates(
    people: Sequence[ProfileFacts], vectors: IntroVectors, floor: float, k: int
) -> Iterable[tuple[int, int, float]]:
    """Yield (seeker, offerer, score) people indices where one offers what the other seeks."""
    if not len(vectors.seek_rows) or not len(vectors.offer_rows):
        return
    found = nearest_rows(vectors.seeks, vectors.offers, k)
    for q, seeker in enumerate(vectors.seek_rows):
        for j, score in zip(found.indices[q], found.scores[q], strict=True):
            if j < 0 or score < floor:
                continue
            offerer = vectors.offer_rows[int(j)]
            if people[offerer].person_id != people[seeker].person_id:
                yield seeker, offerer, float(score)


def _interest_candidates(
    people: Sequence[ProfileFacts], vectors: IntroVectors, floor: float, k: int
) -> Iterable[tuple[int, int, float]]:
    """Yield (a, b, score) people indices with close profiles in different fields."""
    if len(vectors.profile_rows) < 2:
        return
    found = nearest_rows(vectors.profile, vectors.profile, k, same=True)
    for q, a in enumerate(vectors.profile_rows):
        field_a = people[a].field.strip().lower()
        for j, score in zip(found.indices[q], found.scores[q], strict=True):
            if j < 0 or score < floor:
                continue
            b = vectors.profile_rows[int(j)]
            field_b = people[b].field.strip().lower()
            if field_a and field_b and field_a != field_b:
                yield a, b, float(score)


def need_reason(seeker: ProfileFacts, helper: ProfileFacts, facet: str) -> str:
    """Say whose need the other can meet, by what they offer or else by their work."""
    if facet == "offers" and helper.can_offer.strip():
        offer = clip(offers_text(helper), 120)
        return f"{seek_phrase(seeker)}; {helper.name} can offer “{offer}”"
    return f"{seek_phrase(seeker)}; {helper.name} works as {role_line(helper) or helper.field}"


def needs_by_position(
    people: Sequence[ProfileFacts], facets: Mapping[str, FacetVectors], tuning: Tuning
) -> list[tuple[int, int, float, str]]:
    """Return (seeker, helper, cosine, facet) positions in `people`: who meets each need.

    `facets` holds the network's "seeks" vectors and those of `relevance.NEED_FACETS`.
    """
    index = {f.person_id: i for i, f in enumerate(people)}
    helpers = FacetIndex.build({name: facets[name] for name in NEED_FACETS if name in facets})
    if "seeks" not in facets:
        return []
    return [
        (index[m.seeker], index[m.helper], m.cosine, m.facet)
        for m in helpers_for_needs(facets["seeks"], helpers, tuning)
        if m.seeker in index and m.helper in index
    ]


def introduction_candidates(
    people: Sequence[ProfileFacts],
    vectors: IntroVectors,
    *,
    known: set[tuple[int, int]],
    floors: Floors,
    neighbours: int = 8,
    needs: Iterable[tuple[int, int, float, str]] | None = None,
) -> list[IntroCandidate]:
    """Return scored pairs (people indices) not yet known to each other, unexplained.

    `needs` are (seeker, helper, cosine, facet) pairs found by standing
    (`relevance.helpers_for_needs`); without them a need is paired with an offer whose
    cosine clears `floors.need`. Interest candidates carry a placeholder reason;
    `explain_interests` replaces it with the quoted interests, or drops the pair when
    none are close enough.
    """
    pairs: dict[tuple[int, int], IntroCandidate] = {}

    def candidate(a: int, b: int) -> IntroCandidate | None:
        key = pair_key(people[a].person_id, people[b].person_id)
        if key in known:
            return None
        if key not in pairs:
            pairs[key] = IntroCandidate(a, b)
        return pairs[key]

    if needs is None:
        found_needs: Iterable[tuple[int, int, float, str]] = (
            (seeker, offerer, score, "offers")
            for seeker, offerer, score in _need_candidates(people, vectors, floors.need, neighbours)
        )
    else:
        found_needs = needs
    for seeker, helper, score, facet in found_needs:
        found = candidate(seeker, helper)
        if found is None:
            continue
        found.score += NEED_WEIGHT * score
        found.reasons.append(
            IntroReason("need", need_reason(people[seeker], people[helper], facet))
        )
    for a, b, score in _interest_candidates(people, vectors, floors.interests, neighbours):
        found = candidate(a, b)
        if found is None or any(r.kind == "interests" for r in found.reasons):
            continue
        found.score += INTEREST_WEIGHT * score
        found.reasons.append(IntroReason("interests", ""))
    for found in pairs.values():
        pa, pb = people[found.a], people[found.b]
        roles = complementary_roles(pa.title, pb.title)
        if roles:
            found.score += ROLE_BONUS
            found.reasons.append(IntroReason("roles", f"complementary roles: {roles}"))
        city = same_city(pa, pb)
        if city:
            found.score += CITY_BONUS
            found.reasons.append(IntroReason("city", f"both in {city}"))
    return sorted(pairs.values(), key=lambda c: (-c.score, c.key))


def explain_interests(
    candidate: IntroCandidate,
    people: Sequence[ProfileFacts],
    encoder: TextEncoder,
    *,
    floor: float,
) -> bool:
    """Quote the closest interests of a pair in its reason; return whether it still stands.

    Without interests on one side, that side's note sentences stand in for them.
    """
    if not any(r.kind == "interests" for r in candidate.reasons):
        return True
    pa, pb = people[candidate.a], people[candidate.b]
    topics_a = list(pa.interests) or [s.text for s in snippets(pa) if s.kind == "note"]
    topics_b = list(pb.interests) or [s.text for s in snippets(pb) if s.kind == "note"]
    best: tuple[float, str, str] | None = None
    if topics_a and topics_b:
        vectors = encoder.encode([*topics_a, *topics_b])
        sims = vectors[: len(topics_a)] @ vectors[len(topics_a) :].T
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
        best = (float(sims[i, j]), topics_a[int(i)], topics_b[int(j)])
    candidate.reasons = [r for r in candidate.reasons if r.kind != "interests"]
    if best is not None and best[0] >= floor:
        _, topic_a, topic_b = best
        fields = f"{pa.field or 'another field'} and {pb.field or 'another field'}"
        if topic_a.lower() == topic_b.lower():
            text = f"both care about “{topic_a}”, from {fields}"
        else:
            text = f"shared interests across fields: “{topic_a}” and “{topic_b}” ({fields})"
        candidate.reasons.append(IntroReason("interests", text))
        candidate.reasons.sort(key=lambda r: REASON_ORDER.index(r.kind))
    # City and roles alone are not worth an introduction; they only add to one.
    return any(r.kind in {"need", "interests"} for r in candidate.reasons)


def diversify(
    candidates: Iterable[IntroCandidate], *, limit: int, per_person: int = 2
) -> list[IntroCandidate]:
    """Keep the best candidates while no person appears more than `per_person` times."""
    seen: dict[int, int] = defaultdict(int)
    kept: list[IntroCandidate] = []
    for found in candidates:
        if len(kept) >= limit:
            break
        if seen[found.a] >= per_person or seen[found.b] >= per_person:
            continue
        seen[found.a] += 1
        seen[found.b] += 1
        kept.append(found)
    return kept
