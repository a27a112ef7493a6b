"""Sort inbound messages into trusted, genuine new, asks and cold pitches, saying why.

The relationship decides first. A known tie (inner or close circle, with real
history) is never a cold pitch, and neither is anyone with real history: their
message is trusted, or an ask when it wants something (a close tie who has given
more than they asked stays trusted). Asks are only for people with history. A
stranger's message is a cold pitch or genuine new, and the text decides which: the
coach's features-only verdict (`amity.domain.message_model`, learned from the
labelled corpus by `training/`) reads it as a stranger's message, and identical
wording from several senders is mass outreach, a cold pitch however polite. So a
stranger's generic ask ("can you refer me?") is a cold pitch; a specific, personal
note is genuine new. A cold pitch or a genuine stranger's note comes with a reply
draft (`amity.domain.replies`).

The user's corrections come first: a labelled message keeps its label, a corrected
sender's other messages follow it, and messages worded like a corrected one get the
same group (`amity.domain.corrections`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from amity.domain.corrections import MASS_MIN_WORDS as MASS_MIN_WORDS
from amity.domain.corrections import MASS_SENDERS as MASS_SENDERS
from amity.domain.corrections import PATTERN_SIMILARITY as PATTERN_SIMILARITY
from amity.domain.corrections import Corrections as Corrections
from amity.domain.corrections import Label as Label
from amity.domain.corrections import fingerprint as fingerprint
from amity.domain.corrections import shingles as shingles
from amity.domain.message_model import (
    Models,
    Reading,
    Relation,
    feature_matrix,
    load_models,
    read,
)
from amity.domain.replies import Reply, draft_reply
from amity.domain.text_features import Analysis, Span, is_asking

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
# The groups the model gives someone with real history, and the ones it gives a
# stranger. A correction follows other messages only within the same kind of sender,
# and a known contact is never a stranger, so never "Genuine new".
KNOWN_GROUPS: Final = ("trusted", "asks")
STRANGER_GROUPS: Final = ("genuine_new", "cold_pitch")
TEXT_CLASSES: Final = ("personal", "ask", "pitch")
# Circles 1-2 (inner, close) of the relationship engine are close ties.
CLOSE_CIRCLE: Final = 2
NO_CIRCLE: Final = 6
# A sender may have asked this much (weighted, see amity.domain.ledger) beyond what
# they gave and still count as healthy: one referral's worth.
BALANCE_SLACK: Final = 3.0
# Messages analysed at a time.
CHUNK: Final = 5000


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
    def relation(self) -> Relation:
        """Return the relationship as the models read it: tie, history or stranger."""
        if self.close:
            return "tie"
        return "history" if self.real_history else "stranger"

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
    reply: Reply | None = None

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
            "reply": self.reply.as_dict() if self.reply else None,
        }


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


def text_scores(p_cold: float, p_ask: float) -> dict[str, float]:
    """Return personal / ask / pitch scores that add up to one, for display."""
    return {
        "personal": round((1 - p_ask) * (1 - p_cold), 3),
        "ask": round(p_ask * (1 - p_cold), 3),
        "pitch": round(p_cold, 3),
    }


def _known(
    sender: Sender, analysis: Analysis, scores: dict[str, float], wants: bool
) -> tuple[str, list[str]]:
    """Return trusted or asks for someone with real history, with the reasons."""
    reasons = [f"real history: {_history(sender)}"]
    # A close tie who has given more than they asked has earned an ask: answer first.
    earned = sender.close and sender.their_balance > 0 and sender.healthy
    if wants and not earned:
        asking = scores["pitch"] < 0.5 or is_asking(analysis)
        reasons.append(_text_reason("ask" if asking else "pitch", analysis, 0))
        reasons.append(_balance_text(sender))
        return "asks", reasons
    if sender.their_balance >= 0:
        reasons.append(f"healthy balance: {_balance_text(sender)}")
    elif sender.healthy:
        reasons.append(f"balance within one favour: {_balance_text(sender)}")
    else:
        reasons.append(_balance_text(sender))
    return "trusted", reasons


def _decide(
    message: Message,
    analysis: Analysis,
    scores: dict[str, float],
    mass: int,
    models: Models,
    p_ask: float,
) -> tuple[str, list[str]]:
    """Return the group from the relationship and the text, with the reasons."""
    sender = message.sender
    reasons: list[str] = []
    if mass >= MASS_SENDERS:
        reasons.append(f"the same wording came from {mass} senders")
    if sender is not None and sender.real_history:
        wants = (
            p_ask >= models.ask.threshold
            or message.intent == "withdrawal"
            or message.subtype == "pitch"
        )
        group, more = _known(sender, analysis, scores, wants)
        return group, reasons + more
    if sender is not None and sender.interactions > 1:
        reasons.append(f"little history: {sender.interactions} interactions, never two-way")
    else:
        reasons.append("no history with them")
    cold = (
        scores["pitch"] >= models.cold_threshold
        or mass >= MASS_SENDERS
        or message.subtype == "pitch"
    )
    if cold:
        asking = is_asking(analysis) and not analysis.count("pitch") + analysis.count("recruiter")
        reasons.append(
            "a stranger's ask that could have been sent to anyone"
            if asking
            else _text_reason("pitch", analysis, mass)
        )
        if message.subtype == "pitch":
            reasons.append("recorded as a pitch")
        return "cold_pitch", reasons
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


def triage(
    messages: Sequence[Message],
    corrections: Corrections | None = None,
    *,
    models: Models | None = None,
) -> list[Triaged]:
    """Sort messages into groups, in input order, each with its reasons."""
    corrections = corrections or Corrections()
    models = models or load_models()
    mass, known = _context(messages)
    results: list[Triaged] = []
    # Chunks keep memory flat: a chunk's analyses are dropped once it is decided.
    for start in range(0, len(messages), CHUNK):
        stop = start + CHUNK
        chunk = messages[start:stop]
        results.extend(_triage_chunk(chunk, mass[start:stop], corrections, models, known))
    return results


def compare_groups(
    messages: Sequence[Message],
    variants: Sequence[Corrections],
    *,
    models: Models | None = None,
) -> list[list[str]]:
    """Return each message's group under each set of corrections (one list per variant).

    The text is read once: corrections only change the last step, so a preview of a
    move costs one triage, not one per alternative.
    """
    models = models or load_models()
    mass, known = _context(messages)
    out: list[list[str]] = [[] for _ in variants]
    for start in range(0, len(messages), CHUNK):
        chunk = messages[start : start + CHUNK]
        decided = _decide_chunk(chunk, mass[start : start + CHUNK], models)
        for message, (group, reasons, _scores, _analysis) in zip(chunk, decided, strict=True):
            for groups, corrections in zip(out, variants, strict=True):
                groups.append(_corrected(message, group, list(reasons), corrections, known)[0])
    return out


def _context(messages: Sequence[Message]) -> tuple[list[int], dict[int, bool]]:
    """Return how many senders sent each message's wording, and who is a known contact."""
    prints = [fingerprint(m.text) for m in messages]
    senders_of: dict[int, set[int]] = defaultdict(set)
    for message, printed in zip(messages, prints, strict=True):
        if printed is not None:
            senders_of[printed].add(message.sender.person_id if message.sender else -message.id)
    mass = [len(senders_of[p]) if p is not None else 0 for p in prints]
    known = {m.sender.person_id: m.sender.real_history for m in messages if m.sender}
    return mass, known


def fits(group: str, *, known: bool) -> bool:
    """Return whether `group` is one the model gives this kind of sender."""
    return group in (KNOWN_GROUPS if known else STRANGER_GROUPS)


def _relation(message: Message) -> Relation:
    return message.sender.relation if message.sender is not None else "stranger"


def _probabilities(
    readings: Sequence[Reading], messages: Sequence[Message], models: Models
) -> tuple[list[float], list[float]]:
    """Return each message's cold-pitch and ask probabilities (one matrix product each)."""
    if not messages:
        return [], []
    matrix = feature_matrix(list(readings), [_relation(message) for message in messages])
    return models.cold_probabilities(matrix).tolist(), models.ask.probabilities(matrix).tolist()


def _corrected(
    message: Message,
    group: str,
    reasons: list[str],
    corrections: Corrections,
    known: dict[int, bool],
) -> tuple[str, bool]:
    """Apply the user's corrections; return the group and whether it is their label.

    A label on the message itself wins, except "Genuine new" once the sender has real
    history (it was labelled while they were a stranger): a known contact is never a
    stranger. The sender's other messages follow their label; a message worded like a
    labelled one follows only between senders of the same kind (known or stranger) and
    into a group the model gives that kind, so moving a stranger's note never
    reshuffles friends' mail.
    """
    sender = message.sender
    is_known = sender is not None and sender.real_history
    label = corrections.by_message.get(message.id)
    if label is not None and not (is_known and label.group == "genuine_new"):
        reasons.insert(0, f"you labelled this {GROUP_LABELS[label.group]}")
        return label.group, True
    if not corrections:
        return group, False
    sender_id = sender.person_id if sender else None
    for how, found in (
        ("sender", corrections.by_sender.get(sender_id) if sender_id else None),
        ("wording", corrections.worded_like(message.text, message.id)),
    ):
        if found is None or (is_known and found.group == "genuine_new"):
            continue
        if how == "wording" and not _same_kind(found, is_known, known):
            continue
        applied = _from_correction(found, how, group)
        if applied is not None:
            reasons.insert(0, applied[1])
            return applied[0], False
    return group, False


def _same_kind(label: Label, is_known: bool, known: dict[int, bool]) -> bool:
    """Return whether a wording label may follow to a sender of this kind."""
    labelled_known = known.get(label.sender_id) if label.sender_id is not None else None
    if labelled_known is not None and labelled_known != is_known:
        return False
    return fits(label.group, known=is_known)


def _decide_chunk(
    messages: Sequence[Message], mass: Sequence[int], models: Models
) -> list[tuple[str, list[str], dict[str, float], Analysis]]:
    """Return the model's group, reasons, scores and analysis for each message."""
    readings = [read(m.text) for m in messages]
    cold, ask = _probabilities(readings, messages, models)
    decided = []
    for index, message in enumerate(messages):
        scores = recorded(
            text_scores(cold[index], ask[index]), intent=message.intent, subtype=message.subtype
        )
        analysis = readings[index].analysis
        group, reasons = _decide(message, analysis, scores, mass[index], models, ask[index])
        decided.append((group, reasons, scores, analysis))
    return decided


def _triage_chunk(
    messages: Sequence[Message],
    mass: Sequence[int],
    corrections: Corrections,
    models: Models,
    known: dict[int, bool],
) -> list[Triaged]:
    results: list[Triaged] = []
    decided = _decide_chunk(messages, mass, models)
    for message, (group, reasons, scores, analysis) in zip(messages, decided, strict=True):
        group, corrected = _corrected(message, group, reasons, corrections, known)
        sender = message.sender
        results.append(
            Triaged(
                id=message.id,
                group=group,
                reasons=tuple(reasons),
                text_class=max(scores, key=lambda name: scores[name]),
                scores=scores,
                balance=sender.balance() if sender else None,
                corrected=corrected,
                reply=draft_reply(analysis, group, sender_name=sender.name if sender else ""),
            )
        )
    return results
