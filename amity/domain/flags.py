"""Flag what makes a message transactional, and suggest concrete rewrites.

Flags point at the exact characters that triggered them; suggestions either
rewrite a flagged span or say what to add. Rules only: the coach's model decides
the verdict, these explain it and help fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from amity.domain.phrase_matcher import FIRST_SINGULAR
from amity.domain.text_features import FIRST_PLURAL, Analysis, Span, is_asking

if TYPE_CHECKING:
    from amity.domain.coach import Recipient


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


# Above this many words a first message asks too much of a stranger's attention.
FIRST_CONTACT_WORDS: Final = 120
ANY_MESSAGE_WORDS: Final = 220

LABELS: Final = {
    "ask_first_contact": "Ask in a first message",
    "ask_after_silence": "Ask after a long silence",
    "ask_negative_balance": "Ask while your balance is negative",
    "ask_dormant_tie": "Ask to a dormant tie",
    "template": "Generic template phrase",
    "vague_ask": "Vague ask",
    "sales_pitch": "Sales pitch",
    "recruiter_pitch": "Recruiter mass mail",
    "spam": "Looks like spam",
    "all_about_me": "All about me, nothing about them",
    "no_question": "No question about them",
    "too_long": "Too long for a first contact",
    "pressure": "Pressure or false urgency",
    "single_opt_in_intro": "Single-opt-in introduction",
}

# Replacements for common phrases; the key is a lower-cased phrase fragment.
_REWRITES: Final = (
    (
        "professional network",
        "I'd be glad to stay in touch after [where you met / what of theirs you read].",
    ),
    ("network", "I'd be glad to stay in touch after [the specific thing you share]."),
    ("came across your profile", "I read your [post / talk] on [topic]"),
    ("finds you well", "(drop it: start with the reason you are writing to them)"),
    ("hope you", "(drop it, or say what you actually hope: 'Hope the launch went well')"),
    ("connect", "I'd be glad to stay in touch"),
    ("reaching out", "I'm writing because [the one reason that is about them]"),
    ("reach out", "I'm writing because [the one reason that is about them]"),
    ("following up", "(skip the chase: add something new, or let it go)"),
    ("circl", "(skip the chase: add something new, or let it go)"),
    ("bump", "(skip the chase: add something new, or let it go)"),
    ("pick your brain", "ask you one specific question about [topic]"),
    ("pick your brains", "ask you one specific question about [topic]"),
    ("advice", "your take on [one specific decision you face]"),
    ("tips", "your take on [one specific decision you face]"),
    ("thoughts", "your view on [one specific question]"),
    ("call", "[one question] by email, whenever suits you"),
    ("chat", "[one question] by email, whenever suits you"),
    ("coffee", "a coffee on me, to ask about [one specific thing]"),
    ("mentor", "[one specific question about the path they took]"),
    ("opportunit", "[the one specific thing you would like to explore]"),
    ("asap", "when you have a moment"),
    ("urgent", "when you have a moment"),
    ("immediately", "when you have a moment"),
    ("by tomorrow", "by [date], if that works for you"),
    ("by tonight", "by [date], if that works for you"),
    ("by eod", "by [date], if that works for you"),
    ("end of", "by [date], if that works for you"),
    ("deadline", "the date is [date]; if that's too tight, no problem"),
    ("meet ", "Would you be open to an intro to [name], who [why they'd want to meet]?"),
    ("cc", "Would you be open to an intro to [name], who [why they'd want to meet]?"),
    ("looping", "Would you be open to an intro to [name], who [why they'd want to meet]?"),
    ("told him", "Would you be open to an intro? I haven't promised anything on your behalf."),
    ("told her", "Would you be open to an intro? I haven't promised anything on your behalf."),
    ("said you", "Would you be open to an intro? I haven't promised anything on your behalf."),
)


def _rewrite_for(text: str) -> str | None:
    lowered = text.lower()
    for fragment, rewrite in _REWRITES:
        if fragment in lowered:
            return rewrite
    return None


def _first_ask(analysis: Analysis) -> Span | None:
    spans = analysis.spans("ask") + analysis.spans("vague_ask") + analysis.ask_questions
    return min(spans, key=lambda s: s.start) if spans else None


def _sentence_most_about_me(analysis: Analysis) -> Span | None:
    best: tuple[int, Span] | None = None
    for sentence in analysis.sentences:
        words = analysis.tokens[sentence.first_token : sentence.last_token + 1]
        mine = sum(1 for w in words if w in FIRST_SINGULAR or w in FIRST_PLURAL)
        if mine and (best is None or mine > best[0]):
            best = (mine, sentence.span)
    return best[1] if best else None


def _overflow_span(analysis: Analysis, limit: int) -> Span:
    """Return the text from the first sentence that starts after `limit` words."""
    seen = 0
    for sentence in analysis.sentences:
        if seen >= limit:
            return Span(
                sentence.span.start, len(analysis.text), analysis.text[sentence.span.start :]
            )
        seen += sum(
            1
            for w in analysis.tokens[sentence.first_token : sentence.last_token + 1]
            if w[:1].isalnum()
        )
    last = analysis.sentences[-1].span
    return Span(last.start, len(analysis.text), analysis.text[last.start :])


Add = Callable[[str, Span, str], None]
# Phrase categories flagged wherever they occur, with what each flag says.
_PHRASE_FLAGS: Final = (
    ("template", "template", "A stock phrase: it could have been sent to anyone."),
    ("vague_ask", "vague_ask", "They cannot tell what you want or how long it will take."),
    ("pitch", "sales_pitch", "Selling to someone who did not ask to be sold to."),
    ("recruiter", "recruiter_pitch", "Reads like a recruiter's mass mail."),
    ("spam", "spam", "Scam and junk mail use this wording."),
    ("urgency", "pressure", "Pressure makes a yes feel owed; give them room to say no."),
)


def _ask_flags(
    analysis: Analysis, recipient: Recipient | None, first_contact: bool, add: Add
) -> None:
    """Flag an ask that comes too early: first contact, after silence, or while owing."""
    ask = _first_ask(analysis)
    if not is_asking(analysis) or ask is None:
        return
    silence = (recipient is not None and recipient.dormant) or (
        recipient is None and analysis.count("gap") > 0
    )
    if first_contact:
        add(
            "ask_first_contact",
            ask,
            "You ask for something before you have given anything. Lead with what you "
            "value in their work; make the ask small and specific, or save it.",
        )
    if silence and recipient is None:
        add(
            "ask_after_silence",
            ask,
            "An ask after a long silence reads as 'I only write when I need something'.",
        )
    if recipient is None or recipient.tie == "none":
        return
    name = recipient.name or "them"
    deposit = recipient.suggested_deposit or "share something useful to them, or congratulate them"
    if recipient.balance < 0:
        add(
            "ask_negative_balance",
            ask,
            f"Your balance with {name} is {recipient.balance:+.1f}: you have asked more "
            f"than you have given. Make a deposit first: {deposit}.",
        )
    if recipient.dormant:
        since = (
            f"{recipient.days_since} days" if recipient.days_since is not None else "a long time"
        )
        add(
            "ask_dormant_tie",
            ask,
            f"You and {name} have not been in touch for {since}. Reconnect first "
            f"(balance {recipient.balance:+.1f}): {deposit}; ask later.",
        )


def _shape_flags(analysis: Analysis, first_contact: bool, add: Add) -> None:
    """Flag the shape of the message: all about the writer, no question, too long."""
    mine = analysis.first_singular + analysis.first_plural
    if mine >= 4 and analysis.second_person * 2 < mine:
        about_me = _sentence_most_about_me(analysis)
        if about_me is not None:
            add(
                "all_about_me",
                about_me,
                f"{mine} words about you ('I', 'my', 'we') and "
                f"{analysis.second_person} about them.",
            )
    plainly_giving = analysis.count("thanks") + analysis.count("congrats") + analysis.count(
        "offer"
    ) > 0 and not is_asking(analysis)
    if not analysis.genuine_questions and analysis.sentences and not plainly_giving:
        last = analysis.sentences[-1].span
        add("no_question", last, "Nothing in it invites them to talk about themselves.")
    limit = FIRST_CONTACT_WORDS if first_contact else ANY_MESSAGE_WORDS
    if analysis.words > limit and analysis.sentences:
        add(
            "too_long",
            _overflow_span(analysis, limit),
            f"{analysis.words} words; a first message lands best under {FIRST_CONTACT_WORDS}.",
        )


def flags_for(analysis: Analysis, recipient: Recipient | None) -> tuple[Flag, ...]:
    """Return every flag the message earns, in text order."""
    flags: list[Flag] = []

    def add(code: str, span: Span, detail: str) -> None:
        flags.append(Flag(code, LABELS[code], span.start, span.end, span.text, detail))

    first_contact = (recipient is not None and recipient.tie == "none") or (
        recipient is None and analysis.count("first_contact") > 0
    )
    _ask_flags(analysis, recipient, first_contact, add)
    for category, code, detail in _PHRASE_FLAGS:
        for span in analysis.spans(category):
            add(code, span, detail)
    if analysis.count("intro_single") and not analysis.count("intro_consent"):
        for span in analysis.spans("intro_single"):
            add(
                "single_opt_in_intro",
                span,
                "An introduction nobody agreed to spends both people's time. Ask each first.",
            )
    _shape_flags(analysis, first_contact, add)
    flags.sort(key=lambda f: (f.start, f.code))
    return tuple(flags)


_ADVICE: Final = {
    "ask_first_contact": "Give before you ask: say what of theirs helped you and why, then make "
    "the ask small and specific ('one question by email') with an out.",
    "ask_after_silence": "Acknowledge the gap and lead with them ('I know it's been a couple of "
    "years. I saw ... How are you?'). Save the ask for when they write back.",
    "ask_negative_balance": "Make a deposit first (thanks, an introduction, something useful), "
    "then ask another time.",
    "ask_dormant_tie": "Reconnect first: acknowledge the time, ask how they are, offer something.",
    "template": "Replace the stock phrase with one sentence only they could receive.",
    "vague_ask": "Name the one thing you want and how long it takes ('two questions, by email').",
    "sales_pitch": "If you must pitch, start from a problem they have said they have, keep it to "
    "one line, and make no easy.",
    "recruiter_pitch": "Say why this role suits this person, name the company and the pay, and "
    "make no easy.",
    "spam": "Cut the wording scams use: prizes, money, links to click.",
    "pressure": "Drop the pressure: give a real date only if there is one, and an out.",
    "single_opt_in_intro": "Ask each side first: 'Would you be open to an intro to [name], who "
    "[why]?' Introduce them only when both say yes.",
    "all_about_me": "Cut one sentence about you and add one about them.",
    "no_question": "Ask about them: 'How is [their project] going?'",
    "too_long": "Cut it to three sentences: why them, what you share, what (if anything) you ask.",
}


def suggestions_for(
    analysis: Analysis,
    flags: tuple[Flag, ...],
    traits: dict[str, int],
    recipient: Recipient | None,
) -> tuple[Suggestion, ...]:
    """Return rewrites for flagged spans, then what to add, without repeats."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for flag in flags:
        span = Span(flag.start, flag.end, flag.text)
        rewrite = _rewrite_for(flag.text) if flag.code in _REWRITABLE else None
        key = f"{flag.code}:{rewrite or ''}"
        if key in seen:
            continue
        seen.add(key)
        advice = _ADVICE[flag.code]
        if flag.code in ("ask_negative_balance", "ask_dormant_tie") and recipient is not None:
            advice = flag.detail
        out.append(Suggestion(flag.code, advice, span if rewrite else None, rewrite))
    out.extend(_additions(analysis, {flag.code for flag in flags}, traits, recipient))
    return tuple(out)


def _additions(
    analysis: Analysis, codes: set[str], traits: dict[str, int], recipient: Recipient | None
) -> list[Suggestion]:
    """Return what the message should add: specifics, shared context, an offer, an out."""
    asking = is_asking(analysis)
    dormant = recipient is not None and recipient.dormant
    wanted = (
        (traits.get("sees_the_person", 0) < 40, "add_specific_compliment"),
        (traits.get("builds_trust", 0) < 30 and not analysis.count("shared"), "add_shared_context"),
        (asking and not analysis.count("offer") and not analysis.count("thanks"), "add_offer"),
        (asking and not analysis.count("out"), "add_out"),
        (
            (dormant or "ask_after_silence" in codes) and not analysis.count("gap"),
            "acknowledge_gap",
        ),
    )
    return [Suggestion(code, _ADDITIONS[code]) for needed, code in wanted if needed]


_ADDITIONS: Final = {
    "add_specific_compliment": "Add one specific thing about them: a piece of their work you "
    "liked and why ('your talk on X; the part about Y changed how I ...').",
    "add_shared_context": "Name what you share: where you met, who introduced you, or a mutual "
    "interest.",
    "add_offer": "Offer something back: 'Happy to return the favour with ...' or an intro, a "
    "review, a resource.",
    "add_out": "Give an easy out: 'Totally fine if you're busy; no need to reply.'",
    "acknowledge_gap": "Acknowledge the time: 'I know it's been a while since we last spoke.'",
}
_REWRITABLE: Final = frozenset({"template", "vague_ask", "pressure", "single_opt_in_intro"})
