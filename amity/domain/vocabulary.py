"""Name the kinds of interaction Amity knows: channels, directions, intents, subtypes."""

from __future__ import annotations

from typing import Final

CHANNELS: Final = ("email", "call", "meeting", "message", "social", "in_person", "letter")
DIRECTIONS: Final = ("outbound", "inbound", "mutual")
INTENTS: Final = ("deposit", "withdrawal", "neutral")

DEPOSIT_SUBTYPES: Final = (
    "shared_content",
    "introduction",
    "help",
    "congrats",
    "thanks",
    "recommendation",
    "gift",
)
WITHDRAWAL_SUBTYPES: Final = ("favour", "referral", "advice_request", "pitch")

# Short spellings people type on the command line or in CSV files.
DIRECTION_ALIASES: Final = {
    "out": "outbound",
    "sent": "outbound",
    "in": "inbound",
    "received": "inbound",
    "both": "mutual",
}
CHANNEL_ALIASES: Final = {
    "in-person": "in_person",
    "inperson": "in_person",
    "person": "in_person",
    "phone": "call",
    "video": "call",
    "mail": "email",
    "dm": "message",
    "chat": "message",
}
SUBTYPE_ALIASES: Final = {
    "shared-content": "shared_content",
    "share": "shared_content",
    "article": "shared_content",
    "intro": "introduction",
    "congratulations": "congrats",
    "thank": "thanks",
    "rec": "recommendation",
    "favor": "favour",
    "advice": "advice_request",
    "advice-request": "advice_request",
}


def _pick(raw: str, allowed: tuple[str, ...], aliases: dict[str, str], what: str) -> str:
    key = raw.strip().lower().replace(" ", "_")
    key = aliases.get(key, aliases.get(key.replace("_", "-"), key))
    if key not in allowed:
        raise ValueError(f"unknown {what} {raw!r}; expected one of: {', '.join(allowed)}")
    return key


def parse_channel(raw: str) -> str:
    """Return the canonical channel for `raw` or raise ValueError naming the choices."""
    return _pick(raw, CHANNELS, CHANNEL_ALIASES, "channel")


def parse_direction(raw: str) -> str:
    """Return the canonical direction for `raw` (in/out/mutual accepted)."""
    return _pick(raw, DIRECTIONS, DIRECTION_ALIASES, "direction")


def parse_intent(raw: str) -> str:
    """Return the canonical intent for `raw`."""
    return _pick(raw, INTENTS, {}, "intent")


def parse_subtype(raw: str, *, intent: str) -> str:
    """Return the canonical subtype for `raw`, which must belong to `intent`."""
    if intent == "deposit":
        return _pick(raw, DEPOSIT_SUBTYPES, SUBTYPE_ALIASES, "deposit subtype")
    if intent == "withdrawal":
        return _pick(raw, WITHDRAWAL_SUBTYPES, SUBTYPE_ALIASES, "withdrawal subtype")
    raise ValueError("a neutral interaction has no subtype")


def parse_any_subtype(raw: str) -> str:
    """Return the canonical deposit or withdrawal subtype for `raw`."""
    return _pick(raw, DEPOSIT_SUBTYPES + WITHDRAWAL_SUBTYPES, SUBTYPE_ALIASES, "subtype")


def intent_of_subtype(subtype: str) -> str:
    """Return the intent a subtype implies ("help" is a deposit, "pitch" a withdrawal)."""
    if subtype in DEPOSIT_SUBTYPES:
        return "deposit"
    if subtype in WITHDRAWAL_SUBTYPES:
        return "withdrawal"
    raise ValueError(f"unknown subtype {subtype!r}")
