"""Say how a draft message will land: relational or transactional, and why.

The score comes from a small logistic model over explainable features (the phrases,
pronouns and questions of `amity.domain.text_features`, plus what we know about the
relationship with the recipient). Its weights are learned by `bench/train_coach.py`
from `tests/data/coach_messages.jsonl` and stored in `amity/domain/data/coach.json`;
nothing is trained at run time. When the text model (`amity.domain.embeddings`) is
installed, a second stored model adds one feature, the log-odds of a logistic model
over the message's sentence embedding, which carries the verdict to phrasings the
phrase lists do not know (`coach_embedding.json`); without it everything still
works. Traits, flags and suggestions are rules over the same features, so every
judgement points at the words that caused it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import numpy as np

from amity.domain import coach_advice
from amity.domain.text_features import (
    TEXT_FEATURES,
    Analysis,
    Span,
    analyse,
    is_asking,
    text_vector,
)

Tie = Literal["close", "known", "dormant", "none"]
Verdict = Literal["relational", "transactional"]
TIES: Final = ("close", "known", "dormant", "none")
# The embedding reads the opening of a message: the first words set its tone, and a
# bounded length keeps the text model well under the coach's 50 ms budget.
EMBED_WORDS: Final = 48
# A tie with no contact for this long counts as dormant even if the engine says not.
DORMANT_DAYS: Final = 365
CONTEXT_FEATURES: Final = (
    "ctx_known",
    "ask_close_healthy",
    "ask_negative_balance",
    "ask_dormant",
    "ask_stranger",
    "ask_balance",
)
FEATURES: Final = TEXT_FEATURES + CONTEXT_FEATURES
TRAITS: Final = (
    ("sees_the_person", "Sees the person beyond an immediate goal"),
    ("shares_something_personal", "Shares something personal"),
    ("asks_a_genuine_question", "Asks a genuine question about them"),
    ("builds_trust", "Builds trust: specific, honest, follows through"),
    ("respects_their_time", "Respects their time: brief, low pressure, easy to say no"),
)


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
class Flag:
    """A problem with the exact span of text that triggered it."""

    code: str
    label: str
    start: int
    end: int
    text: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """Return the flag as a JSON-ready mapping."""
        return {
            "code": self.code,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Suggestion:
    """A concrete change: rewrite a flagged span, or add something missing."""

    code: str
    advice: str
    span: Span | None = None
    rewrite: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the suggestion as a JSON-ready mapping."""
        return {
            "code": self.code,
            "advice": self.advice,
            "span": self.span.as_dict() if self.span else None,
            "rewrite": self.rewrite,
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


@dataclass(frozen=True)
class Model:
    """A standardised logistic model: feature names, scaling, weights and bias."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def logit(self, values: list[float]) -> float:
        """Return the model's log-odds that the message is relational."""
        total = self.bias
        for value, mean, scale, weight in zip(
            values, self.mean, self.scale, self.weights, strict=True
        ):
            total += weight * (value - mean) / scale
        return total

    def contributions(self, values: list[float]) -> list[tuple[str, float]]:
        """Return each feature's share of the log-odds, largest effect first."""
        parts = [
            (name, weight * (value - mean) / scale)
            for name, value, mean, scale, weight in zip(
                self.features, values, self.mean, self.scale, self.weights, strict=True
            )
        ]
        return sorted(parts, key=lambda part: -abs(part[1]))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        """Build a model from its stored JSON form."""
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            weights=tuple(float(v) for v in data["weights"]),
            bias=float(data["bias"]),
        )


@cache
def load_model(name: str = "coach.json") -> Model:
    """Load stored weights from amity/domain/data (once per process)."""
    raw = resources.files("amity.domain").joinpath("data", name).read_text(encoding="utf-8")
    model = Model.from_json(json.loads(raw))
    if model.features != FEATURES and name == "coach.json":
        raise RuntimeError("coach.json was trained on other features: run bench/train_coach.py")
    return model


@dataclass(frozen=True)
class EmbeddingModel:
    """The stored embedding model and the stacked coach model that reads its output."""

    text_model: str
    mean: Any
    scale: Any
    weights: Any
    bias: float
    stacked: Model

    def logit(self, vector: Any) -> float:
        """Return the embedding model's log-odds for one sentence vector."""
        return float(((np.asarray(vector) - self.mean) / self.scale) @ self.weights + self.bias)


def _data(name: str) -> Any:
    path = resources.files("amity.domain").joinpath("data", name)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@cache
def load_embedding_model() -> EmbeddingModel | None:
    """Load the stored embedding and stacked models, or None if none were trained."""
    data = _data("coach_embedding.json")
    if data is None:
        return None
    stacked = Model.from_json(data["stacked"])
    if stacked.features != (*FEATURES, "embedding"):
        raise RuntimeError(
            "coach_embedding.json was trained on other features: run bench/train_coach.py"
        )
    part = data["embedding"]
    return EmbeddingModel(
        text_model=str(data["text_model"]),
        mean=np.asarray(part["mean"], dtype=np.float64),
        scale=np.asarray(part["scale"], dtype=np.float64),
        weights=np.asarray(part["weights"], dtype=np.float64),
        bias=float(part["bias"]),
        stacked=stacked,
    )


def embedding_available() -> bool:
    """Say whether the coach can use the text model (installed and trained for)."""
    from amity.domain import embeddings

    stored = load_embedding_model()
    return (
        stored is not None
        and stored.text_model == embeddings.MODEL_NAME
        and embeddings.model_available()
    )


def embedding_text(text: str) -> str:
    """Return the part of a message the embedding model reads."""
    return " ".join(text.split()[:EMBED_WORDS])


def _embedding_logit(text: str) -> tuple[float, EmbeddingModel] | None:
    from amity.domain import embeddings

    stored = load_embedding_model()
    if stored is None or not text.strip():
        return None
    try:
        vector = embeddings.load_model().encode([embedding_text(text)])[0]
    except embeddings.ModelUnavailableError:
        return None
    return stored.logit(vector), stored


def context_vector(analysis: Analysis, recipient: Recipient | None) -> list[float]:
    """Return the relationship features in CONTEXT_FEATURES order."""
    if recipient is None:
        return [0.0] * len(CONTEXT_FEATURES)
    asked = 1.0 if is_asking(analysis) else 0.0
    known = recipient.tie != "none"
    close_healthy = recipient.tie == "close" and recipient.balance >= 0 and not recipient.dormant
    return [
        1.0 if known else 0.0,
        asked * (1.0 if close_healthy else 0.0),
        asked * (1.0 if known and recipient.balance < 0 else 0.0),
        asked * (1.0 if known and recipient.dormant else 0.0),
        asked * (0.0 if known else 1.0),
        asked * max(-3.0, min(3.0, recipient.balance)) / 3.0,
    ]


def feature_vector(text: str, recipient: Recipient | None = None) -> list[float]:
    """Return every model feature for a message (what training and scoring both use)."""
    analysis = analyse(text)
    return text_vector(analysis) + context_vector(analysis, recipient)


def review(
    text: str,
    recipient: Recipient | None = None,
    *,
    use_embeddings: bool | None = None,
    model: Model | None = None,
) -> Review:
    """Read a draft and say how it will land, with traits, flags and suggestions.

    `use_embeddings` None means "when the text model is available"; False keeps to
    the phrase features (fast enough for bulk work); True asks for the text model
    and falls back to the features when it is not installed.
    """
    analysis = analyse(text)
    values = text_vector(analysis) + context_vector(analysis, recipient)
    text_model = "features"
    if use_embeddings is None:
        use_embeddings = model is None and embedding_available()
    found = _embedding_logit(text) if use_embeddings and model is None else None
    if found is not None:
        embedding_logit, stored = found
        model = stored.stacked
        values = [*values, embedding_logit]
        text_model = stored.text_model
    else:
        model = model or load_model()
    logit = model.logit(values)
    score = round(100 / (1 + math.exp(-max(-30.0, min(30.0, logit)))))
    verdict: Verdict = "relational" if score >= 50 else "transactional"
    traits = _traits(analysis)
    flags = coach_advice.flags_for(analysis, recipient)
    suggestions = coach_advice.suggestions_for(analysis, flags, traits_by_code(traits), recipient)
    reasons = tuple(_reasons(model, values))
    return Review(
        verdict=verdict,
        score=score,
        traits=traits,
        flags=flags,
        suggestions=suggestions,
        reasons=reasons,
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
    "ask_close_healthy": ("asks a close friend you have given to", "asks a close friend"),
    "ask_negative_balance": ("asks while your balance is negative", "balance is negative"),
    "ask_dormant": ("asks a dormant tie", "asks a dormant tie"),
    "ask_stranger": ("asks someone you don't know", "asks someone you don't know"),
    "ask_balance": ("your balance with them supports an ask", "your balance is low"),
    "links": ("carries links", "no links"),
    "money": ("talks money", "no money"),
    "exclaim": ("lots of exclamation marks", "few exclamation marks"),
    "shouting": ("SHOUTS", "does not shout"),
    "mass": ("could be addressed to anyone", "is addressed to someone"),
    "embedding": ("reads like warm messages", "reads like cold ones"),
}


def _reasons(model: Model, values: list[float]) -> list[str]:
    """Name the three features that moved the score most, in words."""
    reasons: list[str] = []
    active = dict(zip(model.features, values, strict=True))
    for name, effect in model.contributions(values):
        if abs(effect) < 0.25 or name not in _REASON_TEXT or not active[name]:
            continue
        present, absent = _REASON_TEXT[name]
        direction = "+" if effect > 0 else "−"
        if name == "embedding":
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
