"""Keep the give/ask ledger between the user and one person, and judge "can I ask?".

The ledger is two-sided. Every interaction with a deposit or withdrawal intent moves
one of four accounts, seen from the user's side:

=====================  =============  ==============
intent \\ direction    outbound (me)  inbound (them)
=====================  =============  ==============
deposit                ``gave``       ``received``
withdrawal             ``asked``      ``were_asked``
=====================  =============  ==============

A mutual interaction moves both columns. Each entry is weighted by its kind
(``DEPOSIT_WEIGHTS`` / ``WITHDRAWAL_WEIGHTS``; one shared article is the unit) and
decays with a half-life of ``LEDGER_HALF_LIFE_DAYS``: a favour from six years ago
counts an eighth of one asked today.

The verdict compares what I gave with what I asked against a target ratio (the
setting ``AMITY_DEPOSITS_PER_ASK``, default 7)::

    never asked        -> "never asked, fine"
    gave / asked < 1   -> "overdrawn"
    gave / asked < T   -> "make deposits first" (and how many unit deposits reach T)
    otherwise          -> "ready"

Totals are kept *anchored* at the time of the last interaction so a store can save
them once and age them to any later moment with one multiplication (`LedgerTotals.at`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

LEDGER_HALF_LIFE_DAYS: Final = 730.0
"""After two years an entry counts half; after six, an eighth."""

DEPOSIT_WEIGHTS: Final[dict[str, float]] = {
    "help": 3.0,
    "introduction": 3.0,
    "recommendation": 2.0,
    "gift": 2.0,
    "shared_content": 1.0,
    "congrats": 1.0,
    "thanks": 0.5,
}
WITHDRAWAL_WEIGHTS: Final[dict[str, float]] = {
    "referral": 3.0,
    "favour": 2.0,
    "pitch": 2.0,
    "advice_request": 1.0,
}
UNSPECIFIED_WEIGHT: Final = 1.0
"""Weight of a deposit or withdrawal logged without a subtype."""

UNIT_DEPOSIT: Final = 1.0
"""What "one deposit" means when telling the user how many to make."""

THANKS_SUBTYPES: Final = frozenset({"thanks", "gift"})
"""Outbound deposits that count as having thanked someone."""
HELP_SUBTYPES: Final = frozenset({"help", "introduction", "recommendation", "gift"})
"""Inbound deposits that deserve a thank-you (a congratulation or a thanks does not)."""

VERDICT_LABELS: Final[dict[str, str]] = {
    "ready": "ready",
    "deposits_first": "make deposits first",
    "never_asked": "never asked, fine",
    "overdrawn": "overdrawn",
}

SECONDS_PER_DAY: Final = 86400.0


@dataclass(frozen=True, slots=True)
class Event:
    """One interaction with a person as plain data (times are timezone-aware)."""

    at: dt.datetime
    channel: str = "message"
    direction: str = "outbound"
    intent: str = "neutral"
    subtype: str = ""
    summary: str = ""


def decay(age_days: float, half_life_days: float) -> float:
    """Return the weight left after `age_days` with the given half-life (1 at age 0)."""
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def entry_weight(intent: str, subtype: str) -> float:
    """Return how much one deposit or withdrawal of this subtype weighs (0 if neutral)."""
    if intent == "deposit":
        return DEPOSIT_WEIGHTS.get(subtype, UNSPECIFIED_WEIGHT)
    if intent == "withdrawal":
        return WITHDRAWAL_WEIGHTS.get(subtype, UNSPECIFIED_WEIGHT)
    return 0.0


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    """Weighted, decayed sums of the four accounts as of `anchor`, plus raw counts."""

    gave: float = 0.0
    received: float = 0.0
    asked: float = 0.0
    were_asked: float = 0.0
    gave_count: int = 0
    received_count: int = 0
    asked_count: int = 0
    were_asked_count: int = 0
    anchor: dt.datetime | None = None

    def at(self, as_of: dt.datetime) -> LedgerTotals:
        """Return the totals aged from their anchor to `as_of` (never rejuvenated)."""
        if self.anchor is None:
            return replace(self, anchor=as_of)
        factor = decay(
            (as_of - self.anchor).total_seconds() / SECONDS_PER_DAY, LEDGER_HALF_LIFE_DAYS
        )
        return replace(
            self,
            gave=self.gave * factor,
            received=self.received * factor,
            asked=self.asked * factor,
            were_asked=self.were_asked * factor,
            anchor=max(as_of, self.anchor),
        )


def ledger_totals(events: Iterable[Event], *, as_of: dt.datetime | None = None) -> LedgerTotals:
    """Sum the ledger entries of `events`, decayed to `as_of` (default: the last event).

    Events after `as_of` are ignored.
    """
    chosen = [e for e in events if as_of is None or e.at <= as_of]
    if not chosen:
        return LedgerTotals(anchor=as_of)
    anchor = as_of or max(e.at for e in chosen)
    sums = {"gave": 0.0, "received": 0.0, "asked": 0.0, "were_asked": 0.0}
    counts = dict.fromkeys(sums, 0)
    for event in chosen:
        weight = entry_weight(event.intent, event.subtype)
        if weight == 0.0:
            continue
        weight *= decay(
            (anchor - event.at).total_seconds() / SECONDS_PER_DAY, LEDGER_HALF_LIFE_DAYS
        )
        mine, theirs = (
            ("gave", "received") if event.intent == "deposit" else ("asked", "were_asked")
        )
        accounts = {"outbound": (mine,), "inbound": (theirs,)}.get(event.direction, (mine, theirs))
        for account in accounts:
            sums[account] += weight
            counts[account] += 1
    return LedgerTotals(
        gave=sums["gave"],
        received=sums["received"],
        asked=sums["asked"],
        were_asked=sums["were_asked"],
        gave_count=counts["gave"],
        received_count=counts["received"],
        asked_count=counts["asked"],
        were_asked_count=counts["were_asked"],
        anchor=anchor,
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to "may I ask this person for something?" with the numbers behind it."""

    code: str
    label: str
    gave: float
    asked: float
    received: float
    were_asked: float
    ratio: float | None
    target: float
    deposits_needed: int
    explanation: str


def verdict(totals: LedgerTotals, *, deposits_per_ask: float) -> Verdict:
    """Judge whether the user may ask, from ledger totals already aged to now."""
    ratio = totals.gave / totals.asked if totals.asked > 0 else None
    needed = 0
    if totals.asked_count == 0:
        code = "never_asked"
        explanation = "You have never asked them for anything, so a first, specific ask is fine" + (
            " (your deposits make it warmer)."
            if totals.gave_count
            else "; a deposit first makes it warmer."
        )
    else:
        effective = ratio if ratio is not None else math.inf
        shortfall = deposits_per_ask * totals.asked - totals.gave
        if effective >= deposits_per_ask:
            code = "ready"
            explanation = (
                f"You have given {effective:.1f} times what you asked "
                f"(target {deposits_per_ask:g})."
            )
        else:
            needed = max(1, math.ceil(shortfall / UNIT_DEPOSIT - 1e-9))
            if effective < 1:
                code = "overdrawn"
                explanation = (
                    f"You have asked more than you gave (ratio {effective:.1f}); "
                    f"about {needed} deposits would reach {deposits_per_ask:g} to 1."
                )
            else:
                code = "deposits_first"
                explanation = (
                    f"Ratio {effective:.1f} is below the target {deposits_per_ask:g}; "
                    f"about {needed} more deposits would get you there."
                )
    return Verdict(
        code=code,
        label=VERDICT_LABELS[code],
        gave=round(totals.gave, 3),
        asked=round(totals.asked, 3),
        received=round(totals.received, 3),
        were_asked=round(totals.were_asked, 3),
        ratio=None if ratio is None else round(ratio, 3),
        target=deposits_per_ask,
        deposits_needed=needed,
        explanation=explanation,
    )


@dataclass(frozen=True, slots=True)
class DepositIdea:
    """A concrete deposit that fits one person: its subtype and what to do."""

    subtype: str
    text: str


@dataclass(frozen=True, slots=True)
class PersonContext:
    """What Amity knows about a person that can suggest a fitting deposit."""

    name: str
    interests: Sequence[str] = ()
    field: str = ""
    company: str = ""
    title: str = ""
    looking_for: str = ""
    previous_company: str = ""
    company_changed_on: dt.date | None = None
    birthday: dt.date | None = None
    open_introductions: Sequence[str] = ()
    unthanked_help_on: dt.date | None = None
    unthanked_help_subtype: str = ""


JOB_CHANGE_FRESH_DAYS: Final = 90
BIRTHDAY_AHEAD_DAYS: Final = 14


def days_until_anniversary(day: dt.date, today: dt.date) -> int:
    """Return days from `today` to the next anniversary of `day` (0 when it is today)."""
    for year in (today.year, today.year + 1):
        try:
            upcoming = day.replace(year=year)
        except ValueError:  # 29 February in a common year: celebrate on 1 March
            upcoming = dt.date(year, 3, 1)
        if upcoming >= today:
            return (upcoming - today).days
    return 366


def first_name(name: str) -> str:
    """Return the first word of a display name, for friendlier suggestions."""
    return name.split()[0] if name.split() else name


def suggest_deposits(person: PersonContext, *, today: dt.date, limit: int = 3) -> list[DepositIdea]:
    """Return up to `limit` concrete deposits that fit this person, most timely first."""
    # long because: one rule per kind of deposit, in order of fit; split, the order
    # that decides which ideas come first would be spread over several functions.
    who = first_name(person.name)
    ideas: list[DepositIdea] = []
    if person.unthanked_help_on is not None:
        what = person.unthanked_help_subtype.replace("_", " ") or "help"
        ideas.append(
            DepositIdea(
                "thanks",
                f"Thank {who} for the {what} on {person.unthanked_help_on:%d %b %Y}"
                " and say what came of it.",
            )
        )
    if (
        person.company_changed_on is not None
        and 0 <= (today - person.company_changed_on).days <= JOB_CHANGE_FRESH_DAYS
    ):
        at = f" at {person.company}" if person.company else ""
        ideas.append(DepositIdea("congrats", f"Say congratulations on the new role{at}."))
    if (
        person.birthday is not None
        and days_until_anniversary(person.birthday, today) <= BIRTHDAY_AHEAD_DAYS
    ):
        ideas.append(DepositIdea("congrats", f"Send {who} a happy-birthday note."))
    for name in person.open_introductions[:1]:
        ideas.append(
            DepositIdea(
                "introduction", f"Follow up on your introduction of {who} to {name}: did they meet?"
            )
        )
    if person.looking_for.strip():
        wanted = person.looking_for.strip().rstrip(".")
        ideas.append(
            DepositIdea("help", f"Send {who} one lead for what they are looking for: {wanted}.")
        )
    for interest in list(person.interests)[:2]:
        ideas.append(
            DepositIdea(
                "shared_content",
                f"Share an article or talk about {interest}"
                f" with one line on why it made you think of {who}.",
            )
        )
    if person.field:
        ideas.append(
            DepositIdea(
                "introduction",
                f"Introduce {who} to someone in your network who works in {person.field}.",
            )
        )
    if person.company:
        ideas.append(
            DepositIdea(
                "shared_content",
                f"Send {who} a news item about {person.company} with a one-line take.",
            )
        )
    ideas.append(
        DepositIdea(
            "introduction",
            f"Offer {who} an introduction to someone in your network who could help them now.",
        )
    )
    ideas.append(
        DepositIdea(
            "recommendation",
            f"Write {who} a short public recommendation"
            + (f" for their work as {person.title}." if person.title else "."),
        )
    )
    chosen: list[DepositIdea] = []
    for idea in ideas:
        # Vary the kinds: two article suggestions are one idea.
        if all(idea.subtype != c.subtype for c in chosen) and len(chosen) < limit:
            chosen.append(idea)
    return chosen


@dataclass(frozen=True, slots=True)
class NetworkStance:
    """Whether the user gives more than they ask across the whole network."""

    label: str
    gave: float
    asked: float
    received: float
    were_asked: float
    ratio: float | None
    target: float
    only_asked: list[int] = field(default_factory=list)


def network_stance(
    totals: Iterable[tuple[int, LedgerTotals]], *, deposits_per_ask: float
) -> NetworkStance:
    """Sum everyone's aged ledger and name the stance: giver, balanced or taker.

    `only_asked` lists the ids of people the user has asked but never given anything.
    """
    gave = asked = received = were_asked = 0.0
    only_asked: list[int] = []
    for person_id, t in totals:
        gave += t.gave
        asked += t.asked
        received += t.received
        were_asked += t.were_asked
        if t.asked_count and not t.gave_count:
            only_asked.append(person_id)
    ratio = gave / asked if asked > 0 else None
    if ratio is None:
        label = "giver" if gave > 0 else "no history"
    elif ratio >= deposits_per_ask:
        label = "giver"
    elif ratio >= 1:
        label = "balanced"
    else:
        label = "taker"
    return NetworkStance(
        label=label,
        gave=round(gave, 3),
        asked=round(asked, 3),
        received=round(received, 3),
        were_asked=round(were_asked, 3),
        ratio=None if ratio is None else round(ratio, 3),
        target=deposits_per_ask,
        only_asked=only_asked,
    )
