"""Choose today's short list of people to contact, each with a reason and an action.

Every candidate gets zero or more reasons, each with a priority in 0..1:

==============  ==================================================================
snooze_due      a snooze the user set has ended                       0.90
birthday        birthday today or within BIRTHDAY_AHEAD_DAYS           0.85 - 0.05/day
job_change      a new company seen on import within JOB_CHANGE_DAYS    0.80 - fading
unthanked       they helped and were never thanked (UNTHANKED_DAYS)    0.75
introduction    an introduction awaits follow-up                       0.70
anniversary     a whole number of years since connecting (+/- 3 days)  0.55
overdue         silent longer than the circle's cadence                0.30 .. 0.65
dormant         a dormant tie worth reviving                           0.30 .. 0.65
==============  ==================================================================

A person's priority is their best reason plus MULTI_REASON_BONUS per extra reason.
The list then mixes circles: one slot is kept for the best dormant tie, one for the
best weak tie (circle 4 or 5) and one for the best close tie (circles 1-3), so a
large network's many birthdays and anniversaries among acquaintances never crowd
out the people the user is closest to; at most INNER_SHARE of the list comes from
circles 1-2 and at most MAX_PER_REASON entries share a main reason other than
"overdue", unless nobody else is left. People picked yesterday are left out unless
a snooze of theirs is due, so the list is never the same person two days running.
Equal priorities are broken by a hash of the day and the person, so the order varies
from day to day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from amity.domain.ledger import days_until_anniversary, first_name
from amity.domain.strength import cadence_label

FloatArray = npt.NDArray[np.float64]

BIRTHDAY_AHEAD_DAYS: Final = 3
ANNIVERSARY_WINDOW_DAYS: Final = 3
JOB_CHANGE_DAYS: Final = 60
UNTHANKED_DAYS: Final = 180
SNOOZE_DUE_DAYS: Final = 7
"""A snooze that ended within this many days still counts as due."""

PRIORITY_SNOOZE_DUE: Final = 0.90
PRIORITY_BIRTHDAY: Final = 0.85
PRIORITY_JOB_CHANGE: Final = 0.80
PRIORITY_UNTHANKED: Final = 0.75
PRIORITY_INTRODUCTION: Final = 0.70
PRIORITY_ANNIVERSARY: Final = 0.55
PRIORITY_ROUTINE_BASE: Final = 0.30
PRIORITY_ROUTINE_SPAN: Final = 0.35
MULTI_REASON_BONUS: Final = 0.03
INNER_SHARE: Final = 0.4
MAX_PER_REASON: Final = 2
"""At most this many entries share a main reason (other than the routine "overdue")
while others are waiting."""
HELP_PHRASES: Final = {
    "help": "helped you",
    "introduction": "introduced you to someone",
    "recommendation": "recommended you",
    "gift": "sent you a gift",
}
WEAK_CIRCLES: Final = frozenset({4, 5})
CLOSE_CIRCLES: Final = frozenset({1, 2, 3})
INNER_CIRCLES: Final = frozenset({1, 2})


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the engine knows about one person when choosing today's list."""

    person_id: int
    name: str
    circle: int = 5
    score: float = 0.0
    days_since: float | None = None
    cadence_days: int | None = None
    dormant: bool = False
    revival_value: float = 0.0
    birthday: dt.date | None = None
    connected_on: dt.date | None = None
    company: str = ""
    previous_company: str = ""
    company_changed_on: dt.date | None = None
    interests: Sequence[str] = ()
    how_we_met: str = ""
    last_summary: str = ""
    unthanked_help_on: dt.date | None = None
    unthanked_help_subtype: str = ""
    open_introductions: Sequence[str] = ()
    snoozed_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a person is on today's list."""

    code: str
    text: str
    priority: float


@dataclass(frozen=True, slots=True)
class Nudge:
    """One entry of today's list: who, why, and a 60-second action."""

    person_id: int
    name: str
    circle: int
    score: float
    priority: float
    reasons: tuple[Reason, ...]
    action: str
    action_subtype: str = ""
    """The deposit subtype the action amounts to ("" for a plain touch)."""
    dormant: bool = False


def routine_priority(ratio: FloatArray | float) -> FloatArray:
    """Map "times the cadence gone by" (>= 1) to a priority in 0.30..0.65.

    Doubling the silence adds a third of the span, so being 8x overdue tops out.
    """
    over = np.log2(np.maximum(np.asarray(ratio, dtype=np.float64), 1.0)) / 3.0
    return np.asarray(
        PRIORITY_ROUTINE_BASE + PRIORITY_ROUTINE_SPAN * np.minimum(over, 1.0), dtype=np.float64
    )


def overdue_ratio(days_since: FloatArray, cadence_days: FloatArray) -> FloatArray:
    """Return days_since / cadence, 0 where there is no cadence or no history."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((cadence_days > 0) & ~np.isnan(days_since), days_since / cadence_days, 0.0)
    return np.nan_to_num(np.asarray(ratio, dtype=np.float64))


def dormant_priority(revival: FloatArray | float) -> FloatArray:
    """Map a revival value in 0..1 to a priority in 0.30..0.65."""
    value = np.clip(np.asarray(revival, dtype=np.float64), 0.0, 1.0)
    return np.asarray(PRIORITY_ROUTINE_BASE + PRIORITY_ROUTINE_SPAN * value, dtype=np.float64)


def _years_between(start: dt.date, today: dt.date) -> int:
    return today.year - start.year - ((today.month, today.day) < (start.month, start.day))


def reasons_for(candidate: Candidate, *, today: dt.date) -> list[Reason]:
    """Return every reason to contact this person today, best first."""
    # long because: one rule per reason (the table in the module docstring), in
    # priority order; split, the table would no longer read top to bottom.
    who = first_name(candidate.name)
    reasons: list[Reason] = []
    if (
        candidate.snoozed_until is not None
        and 0 <= ((today - candidate.snoozed_until).days) < SNOOZE_DUE_DAYS
    ):
        reasons.append(
            Reason(
                "snooze_due",
                f"You snoozed {who} until {candidate.snoozed_until:%d %b}.",
                PRIORITY_SNOOZE_DUE,
            )
        )
    if candidate.birthday is not None:
        ahead = days_until_anniversary(candidate.birthday, today)
        if ahead <= BIRTHDAY_AHEAD_DAYS:
            when = "today" if ahead == 0 else ("tomorrow" if ahead == 1 else f"in {ahead} days")
            reasons.append(
                Reason("birthday", f"{who}'s birthday is {when}.", PRIORITY_BIRTHDAY - 0.05 * ahead)
            )
    if candidate.company_changed_on is not None:
        age = (today - candidate.company_changed_on).days
        if 0 <= age <= JOB_CHANGE_DAYS:
            moved = f" from {candidate.previous_company}" if candidate.previous_company else ""
            reasons.append(
                Reason(
                    "job_change",
                    f"{who} moved{moved} to {candidate.company or 'a new company'}"
                    f" ({age} days ago).",
                    PRIORITY_JOB_CHANGE - 0.1 * age / JOB_CHANGE_DAYS,
                )
            )
    if candidate.unthanked_help_on is not None:
        age = (today - candidate.unthanked_help_on).days
        if 0 <= age <= UNTHANKED_DAYS:
            did = HELP_PHRASES.get(candidate.unthanked_help_subtype, "helped you")
            reasons.append(
                Reason(
                    "unthanked",
                    f"{who} {did} on {candidate.unthanked_help_on:%d %b} and you have not"
                    " thanked them.",
                    PRIORITY_UNTHANKED,
                )
            )
    if candidate.open_introductions:
        reasons.append(
            Reason(
                "introduction",
                f"Your introduction of {who} to {candidate.open_introductions[0]} awaits"
                " follow-up.",
                PRIORITY_INTRODUCTION,
            )
        )
    if candidate.connected_on is not None:
        years = _years_between(
            candidate.connected_on, today + dt.timedelta(ANNIVERSARY_WINDOW_DAYS)
        )
        if years >= 1:
            try:
                anniversary = candidate.connected_on.replace(
                    year=candidate.connected_on.year + years
                )
            except ValueError:
                anniversary = dt.date(candidate.connected_on.year + years, 3, 1)
            if abs((anniversary - today).days) <= ANNIVERSARY_WINDOW_DAYS:
                plural = "year" if years == 1 else "years"
                reasons.append(
                    Reason(
                        "anniversary",
                        f"{years} {plural} since you connected"
                        f" ({candidate.connected_on:%d %b %Y}).",
                        PRIORITY_ANNIVERSARY,
                    )
                )
    if candidate.dormant:
        reasons.append(
            Reason(
                "dormant",
                f"Dormant for {_silence(candidate.days_since)}; once a real tie, worth reviving.",
                float(dormant_priority(candidate.revival_value)),
            )
        )
    elif (
        candidate.cadence_days
        and candidate.days_since is not None
        and candidate.days_since > candidate.cadence_days
    ):
        ratio = candidate.days_since / candidate.cadence_days
        reasons.append(
            Reason(
                "overdue",
                f"Overdue: {_silence(candidate.days_since)} since you were last in touch;"
                f" your cadence for circle {candidate.circle} is"
                f" {cadence_label(candidate.cadence_days)}.",
                float(routine_priority(ratio)),
            )
        )
    return sorted(reasons, key=lambda r: -r.priority)


def _silence(days: float | None) -> str:
    if days is None:
        return "ever"
    if days >= 730:
        return f"{days / 365.25:.0f} years"
    if days >= 60:
        return f"{days / 30.44:.0f} months"
    return f"{math.floor(days)} days"


def action_for(candidate: Candidate, reason: Reason) -> tuple[str, str]:
    """Return a concrete 60-second action for the main reason, and its deposit subtype."""
    who = first_name(candidate.name)
    interest = candidate.interests[0] if candidate.interests else ""
    if reason.code == "birthday":
        return f"Send {who} a two-line happy-birthday message.", "congrats"
    if reason.code == "job_change":
        at = f" at {candidate.company}" if candidate.company else ""
        return (
            f"Say congratulations on the new role{at} and ask what {who} is most excited about.",
            "congrats",
        )
    if reason.code == "unthanked":
        return f"Send {who} a thank-you and one line on what came of their help.", "thanks"
    if reason.code == "introduction":
        other = candidate.open_introductions[0] if candidate.open_introductions else "them"
        return f"Ask {who} whether they met {other} and how it went.", ""
    if reason.code == "anniversary":
        return (
            f"Send {who} a short hello marking the anniversary and ask what they are working on.",
            "",
        )
    if reason.code == "dormant":
        memory = candidate.how_we_met or candidate.last_summary
        hook = f" Remember: {memory.strip().rstrip('.')}." if memory.strip() else ""
        return f"Send {who} a 'been a while' note asking what they are up to now.{hook}", ""
    if interest:
        return (
            f"Send {who} one link about {interest} with a line on why it made you think of them.",
            "shared_content",
        )
    if candidate.company:
        return f"Send {who} a two-line check-in asking how things are at {candidate.company}.", ""
    return f"Send {who} a two-line check-in asking what they are working on.", ""


def tiebreak(person_id: int, today: dt.date) -> int:
    """Return a stable pseudo-random key that changes from day to day."""
    digest = hashlib.blake2b(f"{today.toordinal()}:{person_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def pick_today(
    candidates: Iterable[Candidate],
    *,
    today: dt.date,
    limit: int = 5,
    picked_yesterday: Iterable[int] = (),
    exclude: Iterable[int] = (),
) -> list[Nudge]:
    """Return up to `limit` nudges for today, mixing circles (see the module docstring).

    `picked_yesterday` are left out unless their snooze is due; `exclude` always are
    (already on today's list, or snoozed).
    """
    # long because: the slots (a dormant, a weak and a close tie) and then the
    # rest by priority are one selection over one sorted list; split, the rules that
    # keep the list varied would be read apart from the list they shape.
    yesterday = set(picked_yesterday)
    excluded = set(exclude)
    scored: list[tuple[float, int, Candidate, list[Reason]]] = []
    for candidate in candidates:
        if candidate.person_id in excluded:
            continue
        if candidate.snoozed_until is not None and candidate.snoozed_until > today:
            continue
        reasons = reasons_for(candidate, today=today)
        if not reasons:
            continue
        if candidate.person_id in yesterday and all(r.code != "snooze_due" for r in reasons):
            continue
        priority = reasons[0].priority + MULTI_REASON_BONUS * (len(reasons) - 1)
        scored.append((priority, tiebreak(candidate.person_id, today), candidate, reasons))
    scored.sort(key=lambda row: (-row[0], row[1]))
    chosen: list[tuple[float, int, Candidate, list[Reason]]] = []
    taken: set[int] = set()

    def take(row: tuple[float, int, Candidate, list[Reason]]) -> None:
        chosen.append(row)
        taken.add(row[2].person_id)

    if limit >= 3:
        # Keep a slot for a dormant tie, one for a weak tie and one for a close tie, so
        # the list is neither only the inner circle nor only acquaintances.
        for wanted in (
            lambda c: c.dormant,
            lambda c: c.circle in WEAK_CIRCLES and not c.dormant,
            lambda c: c.circle in CLOSE_CIRCLES and not c.dormant,
        ):
            best = next((r for r in scored if wanted(r[2]) and r[2].person_id not in taken), None)
            if best is not None:
                take(best)
    inner_cap = max(1, math.floor(limit * INNER_SHARE))
    # Relax one rule at a time: both caps, then only the inner-circle cap, then none.
    for cap_inner, cap_reason in ((True, True), (True, False), (False, False)):
        for row in scored:
            if len(chosen) >= limit:
                break
            if row[2].person_id in taken:
                continue
            inner = sum(1 for c in chosen if c[2].circle in INNER_CIRCLES)
            if cap_inner and row[2].circle in INNER_CIRCLES and inner >= inner_cap:
                continue
            same = sum(1 for c in chosen if c[3][0].code == row[3][0].code)
            if cap_reason and same >= MAX_PER_REASON and row[3][0].code != "overdue":
                continue
            take(row)
    chosen.sort(key=lambda row: (-row[0], row[1]))
    nudges = []
    for priority, _, candidate, reasons in chosen[:limit]:
        action, subtype = action_for(candidate, reasons[0])
        nudges.append(
            Nudge(
                person_id=candidate.person_id,
                name=candidate.name,
                circle=candidate.circle,
                score=candidate.score,
                priority=round(priority, 4),
                reasons=tuple(reasons),
                action=action,
                action_subtype=subtype,
                dormant=candidate.dormant,
            )
        )
    return nudges
