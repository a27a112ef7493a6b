"""Read a message's linguistic features: phrases with their spans, pronouns, questions.

Shared by the coach (how will my draft land?) and triage (what is this message?).
Everything here is deterministic and fast: one tokenising regex, then phrase
matching over word tokens through an index keyed by each pattern's first word,
so a message costs well under a millisecond.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from amity.domain.phrase_matcher import ALIASES, FIRST_SINGULAR, PhraseMatcher
from amity.domain.phrasebook import PATTERNS

_TOKEN = re.compile(r"\w+(?:['’]\w+)*(?:-\w+)*|[^\w\s]", re.UNICODE)
_URL = re.compile(
    r"https?://\S+|www\.\S+|\b[a-z0-9-]+\.(?:com|ly|io|co|org|net|me|app|gle|link|example)/\S*",
    re.IGNORECASE,
)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_ABBREVIATIONS: Final = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "e", "g", "i", "vs", "etc", "no", "jr", "sr"}
)
_SENTENCE_END: Final = frozenset({".", "!", "?"})
FIRST_PLURAL: Final = frozenset({"we", "our", "us", "ours", "we're", "we've", "we'd", "we'll"})
SECOND_PERSON: Final = frozenset(
    {"you", "your", "yours", "yourself", "you're", "you've", "you'd", "you'll"}
)
# Questions that invite a yes to an offer or a sale are not questions about the reader.
_NOT_ABOUT_THEM: Final = frozenset(
    {"open", "interested", "free", "available", "fit", "person", "calendar", "willing", "connect"}
)
# Openers of questions about the reader's life even without "you" ("How was the gig?").
_QUESTION_OPENERS: Final = frozenset(
    {
        "how",
        "how's",
        "what",
        "what's",
        "where",
        "when",
        "did",
        "was",
        "were",
        "is",
        "are",
        "has",
        "have",
        "any",
        "still",
        "hows",
        "whats",
    }
)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the message: character offsets and the text between them."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, int | str]:
        """Return the span as a JSON-ready mapping."""
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its span, word-token range and whether it asks a question."""

    span: Span
    first_token: int
    last_token: int
    is_question: bool


@dataclass(frozen=True)
class Analysis:
    """Everything the coach and triage read from one message."""

    text: str
    words: int
    sentences: tuple[Sentence, ...]
    matches: dict[str, tuple[Span, ...]]
    first_singular: int
    first_plural: int
    second_person: int
    questions: int
    genuine_questions: tuple[Span, ...]
    ask_questions: tuple[Span, ...]
    exclamations: int
    shouting: int
    urls: int
    numbers: int
    money: int
    proper_nouns: int
    emoji: int
    tokens: tuple[str, ...] = field(repr=False)

    def spans(self, category: str) -> tuple[Span, ...]:
        """Return the spans matched for a phrase category (empty if none)."""
        return self.matches.get(category, ())

    def count(self, category: str) -> int:
        """Return how many non-overlapping phrases of a category matched."""
        return len(self.matches.get(category, ()))


MATCHER: Final = PhraseMatcher(PATTERNS)
CATEGORIES: Final = tuple(PATTERNS)


# --- analysis --------------------------------------------------------------------


def tokenise(text: str) -> tuple[list[str], list[int], list[int], list[bool]]:
    """Return the lower-cased tokens, their start and end offsets and capitalisation."""
    lowered = text.lower().replace("’", "'")
    if len(lowered) != len(text):
        # A few characters change length when lower-cased (İ): tokenise the original
        # so offsets stay exact, and lower each token instead.
        found = list(_TOKEN.finditer(text))
        words = [m.group().lower().replace("’", "'") for m in found]
    else:
        found = list(_TOKEN.finditer(lowered))
        words = [m.group() for m in found]
    aliases = ALIASES
    words = [aliases.get(w, w) for w in words]
    starts = [m.start() for m in found]
    ends = [m.end() for m in found]
    capitalised = [text[i].isupper() for i in starts]
    return words, starts, ends, capitalised


def _sentences(
    text: str, words: list[str], starts: list[int], ends: list[int]
) -> list[tuple[int, int, bool]]:
    """Return (first token, last token, is question) for each sentence."""
    result: list[tuple[int, int, bool]] = []
    begin = 0
    count = len(words)
    for index in range(count):
        token = words[index]
        at_end = index == count - 1
        next_is_punct = not at_end and words[index + 1] in _SENTENCE_END
        newline = not at_end and "\n" in text[ends[index] : starts[index + 1]]
        boundary = False
        if token in _SENTENCE_END and not next_is_punct:
            boundary = not (token == "." and index > 0 and words[index - 1] in _ABBREVIATIONS)
        if boundary or newline or at_end:
            question = any(words[i] == "?" for i in range(begin, index + 1))
            result.append((begin, index, question))
            begin = index + 1
    return result


def _dedupe(found: list[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    """Keep, per category, non-overlapping matches preferring the earliest and longest."""
    by_category: dict[str, list[tuple[int, int]]] = {}
    for category, first, last in sorted(found, key=lambda m: (m[0], m[1], -m[2])):
        kept = by_category.setdefault(category, [])
        if kept and first <= kept[-1][1]:
            continue
        kept.append((first, last))
    return by_category


def analyse(text: str) -> Analysis:
    """Read the features of one message."""
    words, starts, ends, capitalised = tokenise(text)
    found = MATCHER.find(words, capitalised)
    ranges = _dedupe(found)
    matches = {
        category: tuple(
            Span(starts[a], ends[b], text[starts[a] : ends[b]]) for a, b in ranges[category]
        )
        for category in ranges
    }
    sentence_ranges = _sentences(text, words, starts, ends)
    sentences = tuple(
        Sentence(Span(starts[a], ends[b], text[starts[a] : ends[b]]), a, b, q)
        for a, b, q in sentence_ranges
    )
    sales_tokens = {
        index
        for category in ("ask", "vague_ask", "pitch", "recruiter", "spam")
        for first, last in ranges.get(category, ())
        for index in range(first, last + 1)
    }
    genuine, asking, proper = _read_sentences(sentences, words, capitalised, sales_tokens)
    alpha = [w for w in words if w[:1].isalnum()]
    raw_words = text.split()
    return Analysis(
        text=text,
        words=len(alpha),
        sentences=sentences,
        matches=matches,
        first_singular=sum(1 for w in words if w in FIRST_SINGULAR),
        first_plural=sum(1 for w in words if w in FIRST_PLURAL),
        second_person=sum(1 for w in words if w in SECOND_PERSON),
        questions=sum(1 for s in sentences if s.is_question),
        genuine_questions=tuple(genuine),
        ask_questions=tuple(asking),
        exclamations=text.count("!"),
        shouting=sum(1 for w in raw_words if len(w) >= 4 and w.isupper() and w.isalpha()),
        urls=len(_URL.findall(text)) if ("/" in text or "www." in text) else 0,
        numbers=sum(1 for w in words if w[:1].isdigit()),
        money=sum(1 for w in words if w in {"$", "£", "€", "%"}),
        proper_nouns=proper,
        emoji=0 if text.isascii() else len(_EMOJI.findall(text)),
        tokens=tuple(words),
    )


def _read_sentences(
    sentences: Sequence[Sentence],
    words: Sequence[str],
    capitalised: Sequence[bool],
    sales_tokens: set[int],
) -> tuple[list[Span], list[Span], int]:
    """Return the questions about the reader, the asking questions and proper nouns."""
    genuine: list[Span] = []
    asking: list[Span] = []
    proper = 0
    for sentence in sentences:
        span_words = words[sentence.first_token : sentence.last_token + 1]
        for offset in range(1, len(span_words)):
            index = sentence.first_token + offset
            if capitalised[index] and words[index] not in FIRST_SINGULAR and words[index].isalpha():
                proper += 1
        if not sentence.is_question:
            continue
        tokens_here = range(sentence.first_token, sentence.last_token + 1)
        if any(i in sales_tokens for i in tokens_here):
            asking.append(sentence.span)
        elif (any(w in SECOND_PERSON for w in span_words) or _opens_question(span_words)) and not (
            _NOT_ABOUT_THEM & set(span_words)
        ):
            genuine.append(sentence.span)
    return genuine, asking, proper


def _opens_question(words: Sequence[str]) -> bool:
    """Return whether a clause in the sentence opens like a question about someone."""
    starts = [0] + [i + 1 for i, w in enumerate(words) if w in {",", "-", "—", ":", ";"}]
    return any(i < len(words) and words[i] in _QUESTION_OPENERS for i in starts)


# --- features for the models --------------------------------------------------------

TEXT_FEATURES: Final = (
    "log_words",
    "long",
    "ask",
    "vague_ask",
    "pitch",
    "recruiter",
    "spam",
    "template",
    "urgency",
    "out",
    "thanks",
    "congrats",
    "care",
    "offer",
    "personal",
    "gap",
    "first_contact",
    "shared",
    "they_gave",
    "follow_through",
    "honest",
    "intro_single",
    "intro_consent",
    "mass",
    "commerce",
    "genuine_questions",
    "ask_questions",
    "no_question",
    "you_share",
    "i_share",
    "we_share",
    "exclaim",
    "shouting",
    "links",
    "money",
    "numbers",
    "proper_nouns",
    "emoji",
    "ask_with_out",
    "ask_with_give",
    "ask_after_gap",
    "ask_first_contact",
    "ask_with_shared",
    "ask_unspecific",
    "give_no_ask",
    "single_intro",
)


def _capped(value: float, cap: float = 3.0) -> float:
    return min(float(value), cap)


def text_vector(analysis: Analysis) -> list[float]:
    """Return the text features in TEXT_FEATURES order (raw, before scaling)."""
    c = analysis.count
    words = max(analysis.words, 1)
    pronouns = analysis.first_singular + analysis.first_plural + analysis.second_person + 1
    asked = 1.0 if c("ask") or c("vague_ask") or analysis.ask_questions else 0.0
    give = c("thanks") + c("congrats") + c("offer") + c("care")
    specific = c("shared") + c("they_gave") + min(analysis.proper_nouns, 3) / 3
    values = {
        "log_words": math.log1p(analysis.words),
        "long": max(0.0, analysis.words - 120) / 100,
        "ask": _capped(c("ask")),
        "vague_ask": _capped(c("vague_ask")),
        "pitch": _capped(c("pitch"), 4),
        "recruiter": _capped(c("recruiter")),
        "spam": _capped(c("spam")),
        "template": _capped(c("template")),
        "urgency": _capped(c("urgency")),
        "out": _capped(c("out")),
        "thanks": _capped(c("thanks")),
        "congrats": _capped(c("congrats")),
        "care": _capped(c("care")),
        "offer": _capped(c("offer")),
        "personal": _capped(c("personal")),
        "gap": _capped(c("gap")),
        "first_contact": _capped(c("first_contact")),
        "shared": _capped(c("shared")),
        "they_gave": _capped(c("they_gave")),
        "follow_through": _capped(c("follow_through")),
        "honest": _capped(c("honest")),
        "intro_single": _capped(c("intro_single")),
        "intro_consent": _capped(c("intro_consent")),
        "mass": _capped(c("mass")),
        "commerce": min(c("commerce") / words * 20, 3.0),
        "genuine_questions": _capped(len(analysis.genuine_questions)),
        "ask_questions": _capped(len(analysis.ask_questions)),
        "no_question": 1.0 if analysis.questions == 0 else 0.0,
        "you_share": analysis.second_person / pronouns,
        "i_share": analysis.first_singular / pronouns,
        "we_share": analysis.first_plural / pronouns,
        "exclaim": _capped(max(0, analysis.exclamations - 1)),
        "shouting": _capped(analysis.shouting),
        "links": _capped(analysis.urls),
        "money": _capped(analysis.money),
        "numbers": _capped(analysis.numbers),
        "proper_nouns": min(analysis.proper_nouns / words * 10, 3.0),
        "emoji": _capped(analysis.emoji),
        "ask_with_out": asked * min(c("out"), 2),
        "ask_with_give": asked * min(give, 2),
        "ask_after_gap": asked * min(c("gap"), 2),
        "ask_first_contact": asked * min(c("first_contact"), 2),
        "ask_with_shared": asked * min(specific, 2),
        "ask_unspecific": asked * (1.0 if specific < 1 and analysis.proper_nouns < 2 else 0.0),
        "give_no_ask": (1.0 - asked) * min(give, 2),
        "single_intro": 1.0 if c("intro_single") and not c("intro_consent") else 0.0,
    }
    return [values[name] for name in TEXT_FEATURES]


def is_asking(analysis: Analysis) -> bool:
    """Return whether the message asks the reader for something."""
    return bool(analysis.count("ask") or analysis.count("vague_ask") or analysis.ask_questions)
