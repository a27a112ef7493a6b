"""Write the short messages of a double-opt-in introduction.

Plain text, in the voice of a 60-second message: personal, specific, easy to say no
to. The user edits them before sending; Amity never sends anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from amity.domain.matching import ProfileFacts, role_line


@dataclass(frozen=True)
class IntroDrafts:
    """The four messages of one introduction."""

    ask_a: str
    ask_b: str
    intro: str
    follow_up: str


def _who(person: ProfileFacts) -> str:
    role = role_line(person)
    return f"{person.name} ({role})" if role else person.name


def _why(reason: str) -> str:
    text = reason.strip().rstrip(".")
    return f" Why I thought of you two: {text}." if text else ""


def introduction_drafts(a: ProfileFacts, b: ProfileFacts, reason: str) -> IntroDrafts:
    """Return the ask-A, ask-B, introduction and follow-up drafts for a pair."""
    why = _why(reason)
    ask_a = (
        f"Hi {a.first_name}, would you like me to introduce you to {_who(b)}?{why} "
        "No pressure at all: if the timing isn't right, just say so."
    )
    ask_b = (
        f"Hi {b.first_name}, {_who(a)} would like to meet you.{why} "
        "Would you be open to an introduction? Happy either way."
    )
    intro = (
        f"{a.first_name}, meet {_who(b)}. {b.first_name}, meet {_who(a)}.{why}\n\n"
        "I'll let you two take it from here."
    )
    follow_up = (
        f"Hi {a.first_name}, did you and {b.first_name} manage to connect? "
        "No need to reply if all is well."
    )
    return IntroDrafts(ask_a, ask_b, intro, follow_up)
