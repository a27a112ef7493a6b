"""Match text to the people who would care, and people to people worth introducing.

Pure functions over plain data. A person is a `ProfileFacts`; vectors come from
`amity.domain.embeddings` (the model, or the lexical fallback) and are unit rows, so
a dot product is a cosine. Who to show for a shared text is ranked in
`amity.domain.relevance`; this module builds the texts it compares, quotes reasons and
drafts notes. Scores below the floors here are noise for the model; the lexical
fallback has its own, lower floors because word-overlap cosines run smaller.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np

from amity.domain.embeddings import LEXICAL_NAME, Matrix, TextEncoder, nearest_rows

NOTES_LIMIT: Final = 700
"""Characters of notes that go into a profile text (the model reads ~256 tokens)."""


@dataclass(frozen=True)
class Floors:
    """The cosine below which a match is noise, for one kind of encoder."""

    resurface: float
    """Profile cosine from which a saved item comes back in Today for someone."""
    reason: float
    """Piece cosine from which a draft names the piece ("your work on X")."""
    need: float
    interests: float


MODEL_FLOORS: Final = Floors(resurface=0.3, reason=0.25, need=0.25, interests=0.45)
LEXICAL_FLOORS: Final = Floors(resurface=0.25, reason=0.08, need=0.12, interests=0.2)


def floors_for(encoder_name: str) -> Floors:
    """Return the floors that suit vectors of this encoder."""
    return LEXICAL_FLOORS if encoder_name == LEXICAL_NAME else MODEL_FLOORS


@dataclass(frozen=True)
class ProfileFacts:
    """What Amity knows about one person that text can match against."""

    person_id: int
    name: str
    given_name: str = ""
    title: str = ""
    company: str = ""
    field: str = ""
    location: str = ""
    interests: tuple[str, ...] = ()
    notes: str = ""
    looking_for: str = ""
    can_offer: str = ""
    asks: tuple[str, ...] = ()
    """Summaries of what they asked the user for (inbound withdrawals): needs too."""
    recent: tuple[str, ...] = ()
    """Summaries of the latest interactions, newest first."""

    @property
    def first_name(self) -> str:
        """Return the name to greet them by."""
        return self.given_name or (self.name.split()[0] if self.name.split() else self.name)


_MARKDOWN = re.compile(r"[*_`#>]+|\[([^\]]*)\]\([^)]*\)")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def plain(text: str) -> str:
    """Return text without Markdown emphasis, headings or link targets, on one line."""
    return " ".join(_MARKDOWN.sub(lambda m: m.group(1) or " ", text).split())


def clip(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.- ") + "…"


def role_line(facts: ProfileFacts) -> str:
    """Return "Title at Company" with whichever parts are known."""
    if facts.title and facts.company:
        return f"{facts.title} at {facts.company}"
    return facts.title or facts.company


def profile_text(facts: ProfileFacts) -> str:
    """Return the text that stands for who a person is (not what they said lately).

    Recent interactions have a facet of their own; keeping them out of this text keeps
    "Coffee on Tuesday" from pulling introductions together, and keeps the longest
    text to embed short (a logged call re-embeds only the "recent" facet).
    """
    parts = [
        role_line(facts),
        f"Field: {facts.field}" if facts.field else "",
        f"Interests: {', '.join(facts.interests)}" if facts.interests else "",
        f"Looking for: {plain(facts.looking_for)}" if facts.looking_for else "",
        f"Can offer: {plain(facts.can_offer)}" if facts.can_offer else "",
        clip(plain(facts.notes), NOTES_LIMIT) if facts.notes else "",
    ]
    return ". ".join(p.rstrip(". ") for p in parts if p)


def _article(noun: str) -> str:
    """Return "a" or "an" for a noun phrase (by its first letter; good enough here)."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def title_text(facts: ProfileFacts) -> str:
    """Return who they are at work as a sentence: "I work as a nurse at X, in health."

    MiniLM matches articles to a sentence about someone's work better than to a bare
    job title (dev cases: right person first 0.614 -> 0.643; "A nurse at X" and
    "My job: nurse" did about as well, the bare title worst).
    """
    title, company, field = facts.title.strip(), facts.company.strip(), facts.field.strip()
    if not (title or company or field):
        return ""
    if title:
        text = f"I work as {_article(title)} {title}"
        text += f" at {company}" if company else ""
    else:
        text = f"I work at {company}" if company else "I work"
    if field and field.lower() not in text.lower():
        text += f", in {field.lower()}" if title or company else f" in {field.lower()}"
    return text + "."


def interests_text(facts: ProfileFacts) -> str:
    """Return their interests as one line.

    Not a sentence: framing a list of tags ("I am interested in compilers, …") dilutes
    the jargon that makes it specific (a Rust article: cosine 0.22 bare, 0.09 framed).
    """
    return ", ".join(i.strip() for i in facts.interests if i.strip())


def notes_text(facts: ProfileFacts) -> str:
    """Return the user's notes about them, as much as the model reads."""
    return clip(plain(facts.notes), NOTES_LIMIT) if facts.notes else ""


def recent_text(facts: ProfileFacts) -> str:
    """Return the summaries of their latest interactions as one line."""
    return "; ".join(plain(r) for r in facts.recent if r.strip())


def seeks_text(facts: ProfileFacts) -> str:
    """Return what the person is looking for, counting their logged asks."""
    parts = [plain(facts.looking_for), *(plain(a) for a in facts.asks)]
    return "; ".join(p for p in parts if p)


def seek_phrase(facts: ProfileFacts) -> str:
    """Say what someone needs, quoting their "looking for" or else their latest ask."""
    if facts.looking_for.strip():
        return f"{facts.name} is looking for “{clip(plain(facts.looking_for), 120)}”"
    ask = next((plain(a) for a in facts.asks if a.strip()), "")
    return f"{facts.name} asked you about “{clip(ask, 120)}”"


def offers_text(facts: ProfileFacts) -> str:
    """Return what the person can offer others."""
    return plain(facts.can_offer)


FACETS: Final = ("profile", "seeks", "offers", "title", "interests", "notes", "recent")
"""The texts of a profile that get a vector each; share compares a text with all but
the first, introductions and the reading list use the whole profile."""


def facet_texts(facts: ProfileFacts) -> dict[str, str]:
    """Return the text of each facet of a profile ("" when the facet is empty)."""
    return {
        "profile": profile_text(facts),
        "seeks": seeks_text(facts),
        "offers": offers_text(facts),
        "title": title_text(facts),
        "interests": interests_text(facts),
        "notes": notes_text(facts),
        "recent": recent_text(facts),
    }


@dataclass(frozen=True)
class Snippet:
    """One quotable piece of a profile: an interest, a note sentence, a need."""

    kind: str
    text: str


PIECES_OF_FACET: Final = {
    "title": "title",
    "interests": "interest",
    "notes": "note",
    "seeks": "looking_for",
    "offers": "can_offer",
    "recent": "recent",
}
"""Which kind of snippet quotes each facet (a facet holds one or more snippets)."""


def snippets(facts: ProfileFacts, *, limit: int = 24) -> list[Snippet]:
    """Return the quotable pieces of a profile, most specific kinds first."""
    found: list[Snippet] = [Snippet("interest", i) for i in facts.interests if i.strip()]
    if facts.looking_for:
        found.append(Snippet("looking_for", clip(plain(facts.looking_for), 160)))
    if facts.can_offer:
        found.append(Snippet("can_offer", clip(plain(facts.can_offer), 160)))
    if facts.title:
        found.append(Snippet("title", role_line(facts)))
    for sentence in _SENTENCE.split(facts.notes or ""):
        text = plain(sentence)
        if len(text.split()) >= 2:
            found.append(Snippet("note", clip(text, 160)))
    found.extend(Snippet("recent", clip(plain(r), 160)) for r in facts.recent if r.strip())
    return found[:limit]


# -- "this made me think of you" ----------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why someone matches: the quoted piece of their profile and how close it is."""

    kind: str
    quote: str
    score: float


def pick_reasons(
    query: Matrix,
    pieces: Sequence[Snippet],
    vectors: Matrix,
    *,
    floor: float,
    limit: int = 2,
    quote_best: bool = False,
) -> list[Reason]:
    """Return the pieces closest to the query (at most `limit`, above `floor`).

    With `quote_best`, the closest piece is returned even below the floor: someone
    shown as a maybe or a long shot still gets the honest "closest thing we know".
    """
    if not pieces:
        return []
    scores = vectors @ query
    ranked = sorted(range(len(pieces)), key=lambda i: -float(scores[i]))
    reasons: list[Reason] = []
    for i in ranked:
        below = float(scores[i]) < floor and not (quote_best and not reasons)
        if below or len(reasons) >= limit:
            break
        reasons.append(Reason(pieces[i].kind, pieces[i].text, round(float(scores[i]), 3)))
    return reasons


_URL = re.compile(r"https?://\S+")


def content_subject(text: str) -> str:
    """Return what to call the shared content in a note: its URL, else its first line."""
    url = _URL.search(text)
    if url:
        return url.group(0).rstrip(").,;")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"“{clip(plain(first), 80)}”" if first else "this"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the word looks like a name or an acronym."""
    word = text.split(" ", 1)[0]
    if len(word) > 1 and word[1:].islower():
        return text[0].lower() + text[1:]
    return text


def share_draft(facts: ProfileFacts, reasons: Sequence[Reason], subject: str) -> str:
    """Write the short, no-ask note that goes with a shared piece ("No need to reply.")."""
    hello = f"Hi {facts.first_name},"
    # A named topic makes the note personal; notes and past summaries are too loose to
    # quote back at someone, so they only count when nothing else matched.
    reason = next((r for r in reasons if r.kind not in {"note", "recent"}), None)
    if reason is None:
        thought = "saw this and thought of you"
    elif reason.kind == "looking_for":
        thought = (
            f"saw this and thought of you, since you're looking for {_lower_first(reason.quote)}"
        )
    elif reason.kind == "title" and facts.title:
        thought = f"saw this and thought of your work as {_lower_first(facts.title)}"
    else:
        thought = f"saw this and thought of your work on {_lower_first(reason.quote)}"
    return f"{hello} {thought}: {subject}. No need to reply."


# -- introductions ---------------------------------------------------------------------


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
