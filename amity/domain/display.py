"""Show Amity's numbers the same way on every surface, and say what each one means.

Text for people (web pages, the CLI's plain output) rounds: deposits and ratios to
one decimal, dropping a trailing ".0" ("gave 9", "ratio 3.7"); tie strength as a
whole number out of 100. JSON keeps full precision.
"""

from __future__ import annotations

from typing import Final

EXPLAIN: Final[dict[str, str]] = {
    "strength": (
        "Tie strength, 0-100: how recent, frequent, long-standing, two-way and deep your "
        "contact is, and whether you have given more than you asked."
    ),
    "circle": (
        "Circle by tie strength: inner (your 5 strongest), close (next 10), active (to 50), "
        "wider (to 150), outer (everyone else). A circle changes only when the score "
        "clears the boundary by a margin, so one call does not move anyone."
    ),
    "overdue": "Days past the contact cadence of this person's circle, tag or own setting.",
    "balance": (
        "Balance: deposits you made (help, introductions, thanks, shared articles) minus "
        "what you asked of them, weighted by kind and fading over time. Above 0 you can "
        "ask; below 0, give first."
    ),
    "deposits": (
        "Deposits are weighted: an introduction or real help counts more than a like or a "
        "short thanks, and older ones count less."
    ),
    "ratio": (
        "Deposits per ask: what you gave divided by what you asked; Amity aims for the target."
    ),
    "revival": "How much reconnecting is worth (0-100): how strong the tie was, a field "
    "outside your own, and never having asked them for anything.",
}


def one_decimal(value: float | None) -> str:
    """Return `value` rounded to one decimal, without a trailing ".0"; "-" for None."""
    if value is None:
        return "-"
    text = f"{value:.1f}"
    if text == "-0.0":
        text = "0.0"
    return text[:-2] if text.endswith(".0") else text


def points(score: float | None) -> str:
    """Return a 0..1 score as a whole number out of 100 ("73"); "-" for None."""
    if score is None:
        return "-"
    return str(round(score * 100))
