"""Find the words of a vocabulary that are a typo or two away from a searched word.

The people search first looks for the words as typed; when nothing matches, each
word is compared with the words of the owner's names and companies, and the close
ones are searched instead ("nigoz" finds Nigel and Nagoz). Distance is Damerau-
Levenshtein (a swap of two letters is one typo), computed by rapidfuzz.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

MIN_FUZZY_LENGTH = 3
"""Shorter words are searched only as typed: at two letters every word is "close"."""
MAX_CLOSE_WORDS = 12
"""Close words kept per searched word, closest first: enough for typos, not a flood."""

_WORD = re.compile(r"[^\W_]+")


def words_of(texts: Iterable[str]) -> set[str]:
    """Return the distinct lower-case words (letters and digits) in `texts`."""
    found: set[str] = set()
    for text in texts:
        found.update(_WORD.findall(text.lower()))
    return found


def max_typos(word: str) -> int:
    """Return how many typos a word of this length may carry: 1 up to 4 letters, else 2."""
    if len(word) < MIN_FUZZY_LENGTH:
        return 0
    return 1 if len(word) <= 4 else 2


def close_words(word: str, vocabulary: Iterable[str]) -> list[str]:
    """Return the vocabulary's words within `max_typos(word)` of `word`, closest first."""
    word = word.lower()
    limit = max_typos(word)
    if limit == 0:
        return []
    matches = process.extract(
        word,
        list(vocabulary),
        scorer=DamerauLevenshtein.distance,
        score_cutoff=limit,
        limit=None,
    )
    # Same distance: the word sharing the first letter reads as the likelier typo.
    ordered = sorted(matches, key=lambda m: (m[1], m[0][:1] != word[:1], m[0]))
    return [candidate for candidate, _, _ in ordered[:MAX_CLOSE_WORDS] if candidate != word]
