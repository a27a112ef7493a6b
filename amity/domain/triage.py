"""Sort inbound messages into trusted, genuine new, asks and cold pitches, saying why.

Two readings combine. The relationship: a sender with real history (the user has
taken part, more than once) and a healthy balance is trusted, and someone close is
never a cold pitch. The text: a small stored model (`data/triage.json`, one-vs-rest
logistic over the coach's linguistic features, trained by `bench/train_coach.py`)
says whether a message is personal, an ask or a pitch; identical wording from
several senders marks mass outreach. The user's corrections come first: a labelled
message keeps its label, a corrected sender's other messages follow it, and messages
worded like a corrected one get the same group.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np

from amity.domain.text_features import (
    TEXT_FEATURES,
    Analysis,
    Span,
    analyse,
    is_asking,
    text_vector,
)

GROUPS: Final = ("trusted", "genuine_new", "asks", "cold_pitch")
GROUP_LABELS: Final = {
    "trusted": "Trusted",
    "genuine_new": "Genuine new",
    "asks": "Asks",
    "cold_pitch": "Cold pitches",
}
GROUP_HELP: Final = {
    "trusted": "People with real history and a healthy balance: answer these first.",
    "genuine_new": "Strangers writing personally: worth a reply.",
    "asks": "Someone wants something: their balance with you is shown.",
    "cold_pitch": "Mass outreach, sales and spam.",
}
TEXT_CLASSES: Final = ("personal", "ask", "pitch")
# Circles 1-2 (inner, close) of the relationship engine are close ties.
CLOSE_CIRCLE: Final = 2
NO_CIRCLE: Final = 6
# A sender may have asked this much (weighted, see amity.domain.ledger) beyond what
# they gave and still count as healthy: one referral's worth.
BALANCE_SLACK: Final = 3.0
# For someone without history, a message the coach judges transactional is a cold
# pitch once the pitch class reaches this probability (recall matters more here: a
# pitch in "asks" costs a glance, an ask in "cold pitches" a look when it's found).
PITCH_RECALL_THRESHOLD: Final = 0.3
# Phrase categories that show a message sells; "pitch" needs at least one of them.
PITCH_EVIDENCE: Final = ("pitch", "recruiter", "spam", "template", "mass")
# The same wording from this many senders is mass outreach; short lines ("Thanks!",
# "Happy birthday") are the same from everyone and never count.
MASS_SENDERS: Final = 3
MASS_MIN_WORDS: Final = 12
# Messages analysed at a time.
CHUNK: Final = 5000
# Jaccard similarity of word triples above which a message is "worded like" another.
PATTERN_SIMILARITY: Final = 0.6
_LOWER_WORD = re.compile(r"\b[a-z][a-z']+\b")


@dataclass(frozen=True, slots=True)
class Sender:
    """What the relationship engine knows about whoever sent a message.

    `gave`/`asked` are the user's deposits and withdrawals with them, `received`/
    `were_asked` theirs with the user (weighted and decayed, amity.domain.ledger).
    """

    person_id: int
    name: str = ""
    interactions: int = 0
    engaged: int = 0
    circle: int = NO_CIRCLE
    dormant: bool = False
    days_since: float | None = None
    gave: float = 0.0
    asked: float = 0.0
    received: float = 0.0
    were_asked: float = 0.0

    @property
    def real_history(self) -> bool:
        """Return whether the user has actually been in touch with them, more than once."""
        return self.engaged >= 1 and self.interactions >= 3

    @property
    def close(self) -> bool:
        """Return whether they are a real tie in the user's inner or close circle.

        Circles rank the network, so in a small one even a stranger can rank high:
        closeness also needs real history.
        """
        return self.circle <= CLOSE_CIRCLE and self.real_history

    @property
    def their_balance(self) -> float:
        """Return what they have given the user minus what they have asked of them."""
        return self.received - self.were_asked

    @property
    def healthy(self) -> bool:
        """Return whether they have not taken much more than they gave."""
        return self.were_asked <= self.received + BALANCE_SLACK

    def balance(self) -> dict[str, Any]:
        """Return both sides of the ledger, rounded, for display."""
        return {
            "theirs": round(self.their_balance, 1),
            "they_gave": round(self.received, 1),
            "they_asked": round(self.were_asked, 1),
            "yours": round(self.gave - self.asked, 1),
            "you_gave": round(self.gave, 1),
            "you_asked": round(self.asked, 1),
        }


@dataclass(frozen=True, slots=True)
class Message:
    """One inbound message: its id, text, sender and what was recorded about it."""

    id: int
    text: str
    sender: Sender | None = None
    source: str = ""
    intent: str = ""
    subtype: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    """A user's correction: this message belongs in `group`."""

    message_id: int
    group: str
    sender_id: int | None = None
    shingles: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Triaged:
    """Where one message landed and why."""

    id: int
    group: str
    reasons: tuple[str, ...]
    text_class: str
    scores: dict[str, float]
    balance: dict[str, Any] | None = None
    corrected: bool = False
    evidence: tuple[Span, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping."""
        return {
            "id": self.id,
            "group": self.group,
            "text_class": self.text_class,
            "scores": self.scores,
            "reasons": list(self.reasons),
            "balance": self.balance,
            "corrected": self.corrected,
        }


# --- the text model ------------------------------------------------------------------


@dataclass(frozen=True)
class TextModel:
    """One-vs-rest logistic models for personal / ask / pitch, over TEXT_FEATURES."""

    classes: tuple[str, ...]
    mean: list[list[float]]
    scale: list[list[float]]
    weights: list[list[float]]
    bias: list[float]

    def probabilities(self, values: Sequence[float]) -> dict[str, float]:
        """Return normalised class probabilities for one feature vector."""
        raw = []
        for mean, scale, weights, bias in zip(
            self.mean, self.scale, self.weights, self.bias, strict=True
        ):
            logit = bias + sum(
                w * (v - m) / s for v, m, s, w in zip(values, mean, scale, weights, strict=True)
            )
            raw.append(1 / (1 + math.exp(-max(-30.0, min(30.0, logit)))))
        total = sum(raw) or 1.0
        return {name: round(p / total, 3) for name, p in zip(self.classes, raw, strict=True)}

    def probabilities_many(self, matrix: Any) -> Any:
        """Return normalised class probabilities for many rows at once (numpy)."""
        mean, scale, weights = (
            np.asarray(v, dtype=np.float64) for v in (self.mean, self.scale, self.weights)
        )
        logits = (
            np.einsum("nf,cf->nc", matrix, weights / scale)
            - (weights * mean / scale).sum(axis=1)
            + np.asarray(self.bias)
        )
        raw = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
        return np.round(raw / raw.sum(axis=1, keepdims=True), 3)


@cache
def load_text_model() -> TextModel:
    """Load the stored triage weights (once per process)."""
    raw = resources.files("amity.domain").joinpath("data", "triage.json").read_text("utf-8")
    data = json.loads(raw)
    models = [data["models"][name] for name in data["classes"]]
    if any(tuple(m["features"]) != TEXT_FEATURES for m in models):
        raise RuntimeError("triage.json was trained on other features: run bench/train_coach.py")
    return TextModel(
        classes=tuple(data["classes"]),
        mean=[m["mean"] for m in models],
        scale=[m["scale"] for m in models],
        weights=[m["weights"] for m in models],
        bias=[float(m["bias"]) for m in models],
    )


def classify_text(analysis: Analysis, *, intent: str = "", subtype: str = "") -> dict[str, float]:
    """Return personal / ask / pitch probabilities for a message's text."""
    scores = load_text_model().probabilities(text_vector(analysis))
    return recorded(scores, intent=intent, subtype=subtype)


def recorded(scores: dict[str, float], *, intent: str = "", subtype: str = "") -> dict[str, float]:
    """Return the scores adjusted for what was recorded about the message.

    What the importer or the user recorded outranks wording: a logged pitch is one.
    """
    if subtype == "pitch":
        scores = {"personal": 0.0, "ask": 0.1, "pitch": 0.9}
    elif intent == "withdrawal" and scores["pitch"] < 0.5:
        scores = {"personal": 0.1, "ask": 0.9, "pitch": scores["pitch"]}
    elif intent == "deposit" and scores["pitch"] < 0.5:
        scores = {"personal": 0.9, "ask": 0.1 * scores["ask"], "pitch": scores["pitch"]}
    return scores


# --- fingerprints for mass mail and corrections ---------------------------------------


def fingerprint(text: str) -> int | None:
    """Return a hash of a message's lower-case wording (names and numbers left out).

    None for messages too short to tell mass mail from a common phrase.
    """
    words = _LOWER_WORD.findall(text)[:40]
    if len(words) < MASS_MIN_WORDS:
        return None
    return zlib.crc32(" ".join(words).encode())


def shingles(text: str) -> frozenset[int]:
    """Return the hashed word triples of a message, for "worded like" comparisons."""
    words = _LOWER_WORD.findall(text.lower())[:300]
    return frozenset(
        zlib.crc32(" ".join(words[i : i + 3]).encode()) for i in range(max(0, len(words) - 2))
    )


class Corrections:
    """The user's labels, indexed by message, by sender and by wording."""

    def __init__(self, labels: Iterable[Label] = ()) -> None:
        """Index the labels; a later label for the same sender wins."""
        self.by_message: dict[int, Label] = {}
        self.by_sender: dict[int, Label] = {}
        self.by_shingle: dict[int, list[Label]] = defaultdict(list)
        for label in labels:
            self.by_message[label.message_id] = label
            if label.sender_id is not None:
                self.by_sender[label.sender_id] = label
            for shingle in label.shingles:
                self.by_shingle[shingle].append(label)

    def __bool__(self) -> bool:
        """Return whether there are any labels at all."""
        return bool(self.by_message)

    def worded_like(self, text: str, exclude: int) -> Label | None:
        """Return the labelled message this text is a near copy of, if any."""
        if not self.by_shingle:
            return None
        mine = shingles(text)
        if not mine:
            return None
        overlap: dict[int, int] = defaultdict(int)
        labels: dict[int, Label] = {}
        for shingle in mine:
            for label in self.by_shingle.get(shingle, ()):
                if label.message_id != exclude:
                    overlap[label.message_id] += 1
                    labels[label.message_id] = label
        best: tuple[float, int] | None = None
        for message_id, shared in overlap.items():
            union = len(mine) + len(labels[message_id].shingles) - shared
            similarity = shared / union if union else 0.0
            if similarity >= PATTERN_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, message_id)
        return labels[best[1]] if best else None


# --- triage ---------------------------------------------------------------------------


def _quote(spans: Sequence[Span], limit: int = 2) -> str:
    return ", ".join(f"“{s.text}”" for s in spans[:limit])


def _history(sender: Sender) -> str:
    parts = [f"{sender.interactions} interactions"]
    if sender.close:
        parts.append("a close tie")
    if sender.dormant:
        parts.append("dormant")
    return ", ".join(parts)


def _balance_text(sender: Sender) -> str:
    return (
        f"their balance with you {sender.their_balance:+.1f} (gave {sender.received:.1f}, "
        f"asked {sender.were_asked:.1f})"
    )


def _text_reason(text_class: str, analysis: Analysis, mass: int) -> str:
    if text_class == "pitch":
        spans = (
            analysis.spans("pitch")
            + analysis.spans("recruiter")
            + analysis.spans("spam")
            + analysis.spans("template")
            + analysis.spans("commerce")
        )
        found = f": {_quote(spans)}" if spans else ""
        return f"reads like mass outreach or a sale{found}"
    if text_class == "ask":
        spans = analysis.spans("ask") + analysis.spans("vague_ask") + analysis.ask_questions
        found = f": {_quote(spans, 1)}" if spans else ""
        return f"asks for something{found}"
    spans = (
        analysis.spans("shared")
        + analysis.spans("thanks")
        + analysis.spans("congrats")
        + analysis.genuine_questions
    )
    found = f": {_quote(spans)}" if spans else ""
    return f"written personally{found}"


def warmth_many(matrix: Any) -> Any:
    """Return the coach's probability (features only, no recipient) that texts are warm."""
    from amity.domain import coach

    model = coach.load_model()
    width = len(TEXT_FEATURES)
    mean = np.asarray(model.mean[:width])
    scale = np.asarray(model.scale[:width])
    weights = np.asarray(model.weights[:width])
    # Context features are all zero without a recipient: they add a constant.
    rest = sum(
        w * (0.0 - m) / s
        for m, s, w in zip(
            model.mean[width:], model.scale[width:], model.weights[width:], strict=True
        )
    )
    logits = ((matrix - mean) / scale) @ weights + model.bias + rest
    return 1 / (1 + np.exp(-np.clip(logits, -30, 30)))


def _decide(
    message: Message,
    analysis: Analysis,
    scores: dict[str, float],
    mass: int,
    warmth: float,
) -> tuple[str, list[str]]:
    """Return the group from the relationship and the text, with the reasons."""
    evidence = (
        mass >= MASS_SENDERS
        or message.subtype == "pitch"
        or any(analysis.count(category) for category in PITCH_EVIDENCE)
        or analysis.count("commerce") >= 2
        or analysis.money > 0
        or analysis.urls > 0
    )
    text_class = max(scores, key=lambda name: scores[name])
    if text_class == "pitch" and not evidence:
        # Nothing in the text sells: fall back to the likelier of the other two.
        text_class = "ask" if scores["ask"] > scores["personal"] else "personal"
    elif (
        text_class != "pitch"
        and evidence
        and scores["pitch"] >= PITCH_RECALL_THRESHOLD
        and warmth < 0.5
    ):
        text_class = "pitch"
    explicit = is_asking(analysis) or message.intent == "withdrawal" or scores["ask"] >= 0.6
    asking = text_class != "pitch" and explicit
    sender = message.sender
    reasons: list[str] = []
    if mass >= MASS_SENDERS:
        reasons.append(f"the same wording came from {mass} senders")
    if sender is not None and sender.real_history:
        reasons.append(f"real history: {_history(sender)}")
        wants = asking or text_class == "pitch"
        if wants and (not sender.healthy or not sender.close):
            # Someone the user knows who sells or asks wants something: never a cold
            # pitch, but not "answer first" either unless they are close and even.
            reasons.append(_text_reason("ask" if asking else "pitch", analysis, mass))
            reasons.append(_balance_text(sender))
            return "asks", reasons
        if sender.their_balance >= 0:
            reasons.append(f"healthy balance: {_balance_text(sender)}")
        elif sender.healthy:
            reasons.append(f"balance within one favour: {_balance_text(sender)}")
        else:
            reasons.append(_balance_text(sender))
        return "trusted", reasons
    if sender is not None and sender.interactions > 1:
        reasons.append(f"little history: {sender.interactions} interactions, never two-way")
    elif sender is None or sender.interactions <= 1:
        reasons.append("no history with them")
    if text_class == "pitch" or mass >= MASS_SENDERS:
        reasons.append(_text_reason("pitch", analysis, mass))
        if message.subtype == "pitch":
            reasons.append("recorded as a pitch")
        return "cold_pitch", reasons
    if asking or text_class == "ask":
        reasons.append(_text_reason("ask", analysis, mass))
        if sender is not None:
            reasons.append(_balance_text(sender))
        return "asks", reasons
    reasons.append(_text_reason("personal", analysis, mass))
    return "genuine_new", reasons


def _from_correction(label: Label, how: str, model_group: str) -> tuple[str, str] | None:
    """Apply a sender or wording correction; None when it should not override."""
    if how == "sender" and label.group in ("genuine_new", "asks") and model_group != "cold_pitch":
        # "Not a cold pitch" is what such a correction says; otherwise the reading stands.
        return None
    return label.group, f"you moved {how_text(how)} to {GROUP_LABELS[label.group]}"


def how_text(how: str) -> str:
    """Name what a correction matched, for the reason line."""
    return {"sender": "this sender's messages", "wording": "a message worded like this"}[how]


def triage(messages: Sequence[Message], corrections: Corrections | None = None) -> list[Triaged]:
    """Sort messages into groups, in input order, each with its reasons."""
    corrections = corrections or Corrections()
    prints = [fingerprint(m.text) for m in messages]
    senders_of: dict[int, set[int]] = defaultdict(set)
    for message, printed in zip(messages, prints, strict=True):
        if printed is not None:
            senders_of[printed].add(message.sender.person_id if message.sender else -message.id)
    mass = [len(senders_of[p]) if p is not None else 0 for p in prints]
    results: list[Triaged] = []
    # Chunks keep memory flat: a chunk's analyses are dropped once it is decided.
    for start in range(0, len(messages), CHUNK):
        stop = start + CHUNK
        results.extend(_triage_chunk(messages[start:stop], mass[start:stop], corrections))
    return results


def _triage_chunk(
    messages: Sequence[Message], mass: Sequence[int], corrections: Corrections
) -> list[Triaged]:
    analyses = [analyse(m.text) for m in messages]
    matrix = np.array([text_vector(a) for a in analyses], dtype=np.float64).reshape(
        len(messages), len(TEXT_FEATURES)
    )
    model = load_text_model()
    probabilities = model.probabilities_many(matrix).tolist() if len(messages) else []
    warmth = warmth_many(matrix).tolist() if len(messages) else []
    results: list[Triaged] = []
    for index, message in enumerate(messages):
        scores = recorded(
            dict(zip(model.classes, probabilities[index], strict=True)),
            intent=message.intent,
            subtype=message.subtype,
        )
        text_class = max(scores, key=lambda name: scores[name])
        group, reasons = _decide(message, analyses[index], scores, mass[index], warmth[index])
        corrected = False
        sender_id = message.sender.person_id if message.sender else None
        label = corrections.by_message.get(message.id)
        if label is not None:
            group, corrected = label.group, True
            reasons.insert(0, f"you labelled this {GROUP_LABELS[label.group]}")
        elif corrections:
            for how, found in (
                ("sender", corrections.by_sender.get(sender_id) if sender_id else None),
                ("wording", corrections.worded_like(message.text, message.id)),
            ):
                applied = _from_correction(found, how, group) if found is not None else None
                if applied is not None:
                    group, reason = applied
                    reasons.insert(0, reason)
                    break
        results.append(
            Triaged(
                id=message.id,
                group=group,
                reasons=tuple(reasons),
                text_class=text_class,
                scores=scores,
                balance=message.sender.balance() if message.sender else None,
                corrected=corrected,
            )
        )
    return results
