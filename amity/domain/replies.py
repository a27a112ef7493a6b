"""Draft a short, kind reply to a cold message: decline, redirect, or invite.

For a cold pitch or a stranger's ask, triage offers one draft the user can copy
in one click; Amity never sends it. The kind follows what the message wants:
a sale, a recruiter's role or link-building gets a kind decline; a stranger's ask
(a referral, a job, advice) gets a redirect to a better route; a stranger writing
personally gets an invitation to a real conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from amity.domain.text_features import Analysis, is_asking

ReplyKind = Literal["decline", "redirect", "invite"]
REPLY_LABELS: Final = {
    "decline": "a kind decline",
    "redirect": "a redirect to a better route",
    "invite": "an invitation to a real conversation",
}
# Phrase categories that show the message sells or recruits (a decline fits).
_SELLING: Final = ("pitch", "recruiter", "spam", "commerce", "mass")
_JOB_WORDS: Final = frozenset(
    {"job", "jobs", "role", "roles", "opening", "openings", "position", "positions",
     "referral", "refer", "internship", "hiring", "vacancy", "vacancies", "resume", "cv"}
)  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """A reply draft: its kind and its text, for the user to send or not."""

    kind: ReplyKind
    text: str

    def as_dict(self) -> dict[str, Any]:
        """Return the draft as a JSON-ready mapping."""
        return {"kind": self.kind, "label": REPLY_LABELS[self.kind], "text": self.text}


def _hello(name: str) -> str:
    first = name.split()[0] if name.strip() else ""
    return f"Hi {first}," if first else "Hi,"


def reply_kind(analysis: Analysis, group: str) -> ReplyKind:
    """Return which reply fits: invite a genuine stranger, redirect an ask, else decline."""
    if group == "genuine_new":
        return "invite"
    selling = sum(analysis.count(category) for category in _SELLING)
    if analysis.count("recruiter") or analysis.count("spam") or selling >= 2:
        return "decline"
    if is_asking(analysis) or any(token in _JOB_WORDS for token in analysis.tokens):
        return "redirect"
    return "decline"


def draft_reply(analysis: Analysis, group: str, *, sender_name: str = "") -> Reply | None:
    """Return a reply draft for a cold pitch or a stranger's message, else None."""
    if group not in ("cold_pitch", "genuine_new"):
        return None
    kind = reply_kind(analysis, group)
    hello = _hello(sender_name)
    if kind == "invite":
        text = (
            f"{hello} thank you for writing, and for the care you put into it. I'd be glad "
            "to hear more: what are you working on at the moment, and what would be most "
            "useful to talk about? A few lines by email is a good start."
        )
    elif kind == "redirect":
        jobs = any(token in _JOB_WORDS for token in analysis.tokens)
        route = (
            "the open roles are listed on the careers page, and applying there reaches the "
            "hiring team directly, which works better than a referral from someone who "
            "hasn't worked with you"
            if jobs
            else "someone who knows the topic and your work first-hand will help you far "
            "more than I can; a community or forum around it is a good place to find them"
        )
        text = (
            f"{hello} thanks for reaching out. I'm not the right person for this, but "
            f"{route}. Good luck with it!"
        )
    else:
        text = (
            f"{hello} thank you for thinking of me. It isn't something I need right now, so "
            "I'll pass, and there's no need to follow up. All the best."
        )
    return Reply(kind, text)
