"""Say how a draft message will land: relational or transactional, and why.

The score comes from the learned verdict model of `amity.domain.message_model`:
explainable linguistic features (the phrases, pronouns and questions of
`amity.domain.text_features`, read after template placeholders are filled in), the
relationship with the recipient (a close tie, some history, a stranger, or unknown)
and, when the text model is installed, the MiniLM sentence embedding of the
message's opening. Its weights are learned by `python -m training.train` from a
corpus of real messages written by others; nothing is trained at run time. Traits,
flags and suggestions (`amity.domain.flags`) are rules over the same features, so
every judgement points at the words that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np

from amity.domain import flags as advice
from amity.domain.flags import Flag, Suggestion
from amity.domain.message_model import (
    EMBEDDING_DECIMALS,
    Linear,
    Models,
    Relation,
    embedding_text,
    feature_row,
    load_models,
    read,
    sigmoid,
)
from amity.domain.text_features import Analysis, Span, analyse, is_asking

__all__ = ["Flag", "Recipient", "Review", "Suggestion", "Trait", "review"]

Tie = Literal["close", "known", "dormant", "none"]
Verdict = Literal["relational", "transactional"]
TIES: Final = ("close", "known", "dormant", "none")
# A tie with no contact for this long counts as dormant even if the engine says not.
DORMANT_DAYS: Final = 365
TRAITS: Final = (
    ("sees_the_person", "Sees the person beyond an immediate goal"),
    ("shares_something_personal", "Shares something personal"),
    ("asks_a_genuine_question", "Asks a genuine question about them"),
    ("builds_trust", "Builds trust: specific, honest, follows through"),
    ("respects_their_time", "Respects their time: brief, low pressure, easy to say no"),
)
_RELATION_OF_TIE: Final[dict[str, Relation]] = {
    "close": "tie",
    "known": "history",
    "dormant": "history",
    "none": "stranger",
}


@dataclass(frozen=True)
class Recipient:
    """What Amity knows about the person a message goes to.

    `balance` is the writer's standing with them (deposits minus withdrawals, from
    the relationship engine); `days_since` is None when they have never been in touch.
    """

    tie: Tie = "none"
    balance: float = 0.0
    days_since: int | None = None
    name: str = ""
    interactions: int = 0
    suggested_deposit: str = ""

    @property
    def relation(self) -> Relation:
        """Return the relationship as the model reads it."""
        return _RELATION_OF_TIE[self.tie]

    @property
    def dormant(self) -> bool:
        """Return whether the tie has gone quiet."""
        return self.tie == "dormant" or (
            self.days_since is not None and self.days_since >= DORMANT_DAYS
        )


@dataclass(frozen=True)
class Trait:
    """One quality of a good professional relationship, scored 0..100 with evidence."""

    code: str
    label: str
    score: int
    evidence: tuple[Span, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the trait as a JSON-ready mapping."""
        return {
            "code": self.code,
            "label": self.label,
            "score": self.score,
            "evidence": [span.as_dict() for span in self.evidence],
        }


@dataclass(frozen=True)
class Review:
    """The coach's reading of one message."""

    verdict: Verdict
    score: int
    traits: tuple[Trait, ...]
    flags: tuple[Flag, ...]
    suggestions: tuple[Suggestion, ...]
    reasons: tuple[str, ...]
    recipient: Recipient | None = None
    words: int = 0
    text_model: str = "features"

    def as_dict(self) -> dict[str, Any]:
        """Return the review in the stable JSON shape the CLI, web and API share."""
        return {
            "verdict": self.verdict,
            "score": self.score,
            "words": self.words,
            "text_model": self.text_model,
            "traits": [trait.as_dict() for trait in self.traits],
            "flags": [flag.as_dict() for flag in self.flags],
            "suggestions": [s.as_dict() for s in self.suggestions],
            "reasons": list(self.reasons),
            "recipient": None
            if self.recipient is None
            else {
                "name": self.recipient.name,
                "tie": self.recipient.tie,
                "balance": self.recipient.balance,
                "days_since": self.recipient.days_since,
                "dormant": self.recipient.dormant,
            },
        }


def embedding_available(models: Models | None = None) -> bool:
    """Say whether the coach can use the text model (installed and trained for)."""
    from amity.domain import embeddings

    models = models or load_models()
    return models.text_model == embeddings.MODEL_NAME and embeddings.model_available()


def _embedding(text: str) -> Any:
    """Return the rounded sentence embedding of a message's opening, or None."""
    from amity.domain import embeddings

    if not text.strip():
        return None
    try:
        vector = embeddings.load_model(threads=1).encode([embedding_text(text)])[0]
    except embeddings.ModelUnavailableError:
        return None
    return np.round(np.asarray(vector, dtype=np.float64), EMBEDDING_DECIMALS)


def feature_values(
    text: str, recipient: Recipient | None = None, *, use_embeddings: bool = False
) -> tuple[list[float], Linear, str]:
    """Return the model's inputs for a message, the model that reads them and its name."""
    models = load_models()
    reading = read(text)
    relation: Relation = recipient.relation if recipient is not None else "unknown"
    values = feature_row(
        reading,
        relation,
        negative_balance=recipient is not None and recipient.balance < 0,
        dormant=recipient is not None and recipient.dormant,
    )
    vector = _embedding(reading.text) if use_embeddings else None
    if vector is None:
        return values, models.verdict_plain, "features"
    return [*values, *vector.tolist()], models.verdict, models.text_model


def review(
    text: str,
    recipient: Recipient | None = None,
    *,
    use_embeddings: bool | None = None,
) -> Review:
    """Read a draft and say how it will land, with traits, flags and suggestions.

    `use_embeddings` None means "when the text model is available"; False keeps to
    the linguistic features (fast enough for bulk work); True asks for the text model
    and falls back to the features when it is not installed.
    """
    if use_embeddings is None:
        use_embeddings = embedding_available()
    values, model, text_model = feature_values(text, recipient, use_embeddings=use_embeddings)
    score = round(100 * sigmoid(model.logit(values)))
    verdict: Verdict = "relational" if score >= 50 else "transactional"
    # Flags and traits point into the text as written, placeholders and all.
    analysis = analyse(text)
    traits = _traits(analysis)
    flags = advice.flags_for(analysis, recipient)
    suggestions = advice.suggestions_for(analysis, flags, traits_by_code(traits), recipient)
    return Review(
        verdict=verdict,
        score=score,
        traits=traits,
        flags=flags,
        suggestions=suggestions,
        reasons=tuple(_reasons(model, values)),
        recipient=recipient,
        words=analysis.words,
        text_model=text_model,
    )


def traits_by_code(traits: tuple[Trait, ...]) -> dict[str, int]:
    """Return trait scores keyed by code."""
    return {trait.code: trait.score for trait in traits}


_REASON_TEXT: Final = {
    "ask": ("makes a request", "makes a request"),
    "vague_ask": ("the ask is vague", "the ask is vague"),
    "pitch": ("reads like a sales pitch", "reads like a sales pitch"),
    "recruiter": ("reads like a recruiter mail", "reads like a recruiter mail"),
    "spam": ("looks like spam", "looks like spam"),
    "template": ("uses stock phrases", "uses stock phrases"),
    "urgency": ("pushes for speed", "pushes for speed"),
    "out": ("gives an easy way to say no", "no easy way to say no"),
    "thanks": ("says thank you", "no thanks"),
    "congrats": ("celebrates them", "no congratulations"),
    "offer": ("offers something", "offers nothing"),
    "personal": ("shares something personal", "shares nothing personal"),
    "gap": ("acknowledges the time since you spoke", "no acknowledgement of the gap"),
    "first_contact": ("is a first contact", "is a first contact"),
    "shared": ("refers to something specific you share", "nothing specific about them"),
    "they_gave": ("remembers what they did for you", "does not mention what they did"),
    "follow_through": ("follows through", "no follow-through"),
    "intro_single": ("introduces people without asking them", "introduces people"),
    "intro_consent": ("asks before introducing", "asks before introducing"),
    "genuine_questions": ("asks about them", "asks nothing about them"),
    "no_question": ("asks them nothing", "asks a question"),
    "you_share": ("is about them", "is mostly about you"),
    "i_share": ("is mostly about you", "is not all about you"),
    "we_share": ("talks about 'we' and 'our'", "little 'we' and 'our'"),
    "ask_with_out": ("the ask comes with an out", "the ask has no out"),
    "ask_with_give": ("the ask follows giving", "the ask comes without giving"),
    "ask_after_gap": ("asks after a long silence", "asks after a long silence"),
    "ask_first_contact": ("asks in a first message", "asks in a first message"),
    "ask_with_shared": ("the ask is specific and grounded", "the ask is not grounded"),
    "ask_unspecific": ("the ask is not specific", "the ask is specific"),
    "give_no_ask": ("gives without asking", "gives without asking"),
    "single_intro": ("a single-opt-in introduction", "a single-opt-in introduction"),
    "ask_negative_balance": ("asks while your balance is negative", "balance is negative"),
    "ask_dormant": ("asks a dormant tie", "asks a dormant tie"),
    "ask_stranger": ("asks someone you don't know", "asks someone you don't know"),
    "ask_tie": ("asks someone close", "asks someone close"),
    "ask_history": ("asks someone you know", "asks someone you know"),
    "rel_tie": ("written to someone close", "written to someone close"),
    "rel_history": ("written to someone you know", "written to someone you know"),
    "rel_stranger": ("written to a stranger", "written to a stranger"),
    "merge_fields": ("a template's merge fields", "a template's merge fields"),
    "placeholders": ("placeholders for specifics", "placeholders for specifics"),
    "links": ("carries links", "no links"),
    "money": ("talks money", "no money"),
    "exclaim": ("lots of exclamation marks", "few exclamation marks"),
    "shouting": ("SHOUTS", "does not shout"),
    "mass": ("could be addressed to anyone", "is addressed to someone"),
    "embedding": ("reads like warm messages", "reads like cold ones"),
    "wording": ("is worded like warm messages", "is worded like cold ones"),
}


def _reasons(model: Linear, values: list[float]) -> list[str]:
    """Name the three features that moved the score most, in words."""
    reasons: list[str] = []
    active = dict(zip(model.features, values, strict=True))
    for name, effect in model.contributions(values):
        if abs(effect) < 0.25 or name not in _REASON_TEXT:
            continue
        if name not in ("embedding", "wording") and not active[name]:
            continue
        present, absent = _REASON_TEXT[name]
        direction = "+" if effect > 0 else "−"
        if name in ("embedding", "wording"):
            present = present if effect > 0 else absent
        reasons.append(f"{direction} {present}")
        if len(reasons) == 3:
            break
    return reasons


def _score(points: float) -> int:
    return max(0, min(100, round(points)))


def _traits(analysis: Analysis) -> tuple[Trait, ...]:
    """Score the five traits from the features, keeping the spans as evidence."""
    s = analysis.spans
    selling = analysis.count("pitch") + analysis.count("template") + analysis.count("spam")
    about_them = s("shared") + s("they_gave") + s("congrats") + analysis.genuine_questions
    focus = analysis.second_person / max(
        1, analysis.first_singular + analysis.first_plural + analysis.second_person
    )
    sees = 28 * len(about_them) + 20 * focus - 20 * min(selling, 2)
    personal = s("personal") + s("honest")
    trust_evidence = s("shared") + s("follow_through") + s("honest") + s("they_gave")
    trust = (
        20 * len(s("shared"))
        + 30 * len(s("follow_through"))
        + 20 * len(s("honest"))
        + 15 * len(s("they_gave"))
        + 5 * min(analysis.numbers, 2)
        - 30 * min(selling, 2)
        - 20 * analysis.count("vague_ask")
    )
    respect = (
        (75 if analysis.words <= 120 else 50 if analysis.words <= 200 else 25)
        + 20 * min(analysis.count("out"), 2)
        - 30 * min(analysis.count("urgency"), 2)
        - 15 * min(analysis.shouting, 2)
        - (20 if is_asking(analysis) and not analysis.count("out") else 0)
    )
    return (
        Trait(TRAITS[0][0], TRAITS[0][1], _score(sees), tuple(sorted(about_them, key=_at))),
        Trait(TRAITS[1][0], TRAITS[1][1], _score(35 * len(personal)), personal),
        Trait(
            TRAITS[2][0],
            TRAITS[2][1],
            _score(60 * len(analysis.genuine_questions)),
            analysis.genuine_questions,
        ),
        Trait(TRAITS[3][0], TRAITS[3][1], _score(trust), tuple(sorted(trust_evidence, key=_at))),
        Trait(TRAITS[4][0], TRAITS[4][1], _score(respect), s("out")),
    )


def _at(span: Span) -> int:
    return span.start
