"""Say what Amity knows about a person as texts to match, and why a match was made.

Pure functions over plain data. A person is a `ProfileFacts`; vectors come from
`amity.domain.embeddings` (the model, or the lexical fallback) and are unit rows, so
a dot product is a cosine. This module builds each facet's text, quotes the pieces
that matched and drafts the note; who to show for a shared text is ranked in
`amity.domain.relevance`, who to introduce in `amity.domain.pairing`. Scores below the
floors here are noise for the model; the lexical fallback has its own, lower floors
because word-overlap cosines run smaller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from amity.domain.embeddings import LEXICAL_NAME, Matrix, TextEncoder

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


SNIPPETS_PER_PERSON: Final = 10


def explain_matches(
    encoder: TextEncoder,
    query: Matrix,
    people: Sequence[ProfileFacts],
    subject: str,
    facets: Mapping[int, str],
) -> dict[int, tuple[list[Reason], str]]:
    """Return, per person id, the quoted reasons and the draft note, in one model call.

    Someone ranked for one facet is quoted from that facet's pieces (the interest, the
    note sentence that stood out), so only those few are embedded; anyone else (the
    person a share is logged for) from all their pieces. The closest piece is always
    quoted; the draft names it only when it is close.
    """
    pieces = {}
    for facts in people:
        found = snippets(facts, limit=SNIPPETS_PER_PERSON)
        kind = PIECES_OF_FACET.get(facets.get(facts.person_id, ""))
        pieces[facts.person_id] = [s for s in found if s.kind == kind] or found
    flat = [s for f in people for s in pieces[f.person_id]]
    vectors = encoder.encode([s.text for s in flat]) if flat else np.zeros((0, 1), np.float32)
    floor = floors_for(encoder.name).reason
    out: dict[int, tuple[list[Reason], str]] = {}
    start = 0
    for facts in people:
        count = len(pieces[facts.person_id])
        reasons = pick_reasons(
            query,
            pieces[facts.person_id],
            vectors[start : start + count],
            floor=floor,
            quote_best=True,
        )
        start += count
        close = [r for r in reasons if r.score >= floor]
        out[facts.person_id] = (reasons, share_draft(facts, close, subject))
    return out
