"""Match the phrasebook's patterns against a message's word tokens, fast.

The pattern syntax is described in `amity.domain.phrasebook`. Patterns compile to
elements (a set of words, prefixes, a number, a year, a capitalised word or a gap)
and are indexed by their first word, or first two words, so that most tokens of a
message try no pattern at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

# Spellings people type fast; matching sees the long form.
ALIASES: Final = {
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "dont": "don't",
    "cant": "can't",
    "its": "it's",
    "youre": "you're",
    "favor": "favour",
    "mins": "minutes",
    "cc’d": "cc'd",
}
FIRST_SINGULAR: Final = frozenset(
    {"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll", "im"}
)
GAP_SHORT: Final = 3
GAP_LONG: Final = 6


@dataclass(frozen=True, slots=True)
class _Element:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    special: str  # "", "num", "year", "cap", "gap"
    optional: bool
    gap: int

    def accepts(self, token: str, capitalised: bool) -> bool:
        if self.special == "num":
            return token.isdigit()
        if self.special == "year":
            return token.isdigit() and len(token) == 4 and 1950 <= int(token) <= 2039
        if self.special == "cap":
            return capitalised and token not in FIRST_SINGULAR
        if token in self.words:
            return True
        return any(token.startswith(p) for p in self.prefixes)


def _parse_element(raw: str) -> _Element:
    if raw in ("..", "..."):
        return _Element(frozenset(), (), "gap", True, GAP_SHORT if raw == ".." else GAP_LONG)
    optional = raw.endswith("~")
    body = raw[:-1] if optional else raw
    if body in ("#num", "#year", "#cap"):
        return _Element(frozenset(), (), body[1:], optional, 0)
    words = [w for w in body.split("|") if w]
    exact = frozenset(ALIASES.get(w, w) for w in words if not w.endswith("*"))
    prefixes = tuple(w[:-1] for w in words if w.endswith("*"))
    return _Element(exact, prefixes, "", optional, 0)


def _expand(parts: list[str]) -> list[list[str]]:
    """Spell out multi-word alternatives (`it's|it+is`) as separate patterns."""
    variants: list[list[str]] = [[]]
    for part in parts:
        optional = part.endswith("~")
        body = part[:-1] if optional else part
        alternatives = body.split("|")
        if not any("+" in alt for alt in alternatives) or part in ("..", "..."):
            variants = [v + [part] for v in variants]
            continue
        singles = [alt for alt in alternatives if "+" not in alt]
        choices: list[list[str]] = [alt.split("+") for alt in alternatives if "+" in alt]
        if singles:
            choices.append(["|".join(singles)])
        if optional:
            choices.append([])
        variants = [v + choice for v in variants for choice in choices]
    return variants


@dataclass(frozen=True, slots=True)
class _Pattern:
    category: str
    elements: tuple[_Element, ...]


class PhraseMatcher:
    """Find the phrases of every category in a token list, indexed by first word."""

    def __init__(self, patterns: dict[str, tuple[str, ...]]) -> None:
        """Compile the pattern strings and index them by their first element."""
        self.by_word: dict[str, list[_Pattern]] = {}
        # Patterns whose second element is a plain required word are indexed by both
        # words: most tokens then try no pattern at all.
        self.by_pair: dict[tuple[str, str], list[_Pattern]] = {}
        self.by_prefix: dict[str, list[_Pattern]] = {}
        self.by_special: dict[str, list[_Pattern]] = {}
        for category, raws in patterns.items():
            for raw in raws:
                for variant in _expand(raw.split()):
                    self._add(category, raw, tuple(_parse_element(part) for part in variant))
        self.prefix_lengths = sorted({len(p) for p in self.by_prefix})
        self.starters = frozenset(self.by_word) | {first for first, _ in self.by_pair}

    def _add(self, category: str, raw: str, elements: tuple[_Element, ...]) -> None:
        first = elements[0]
        if first.optional or first.special == "gap":
            raise ValueError(f"pattern {raw!r} must start with a required word")
        pattern = _Pattern(category, elements)
        if first.special:
            self.by_special.setdefault(first.special, []).append(pattern)
        second = elements[1] if len(elements) > 1 else None
        pairable = (
            second is not None
            and not second.optional
            and not second.special
            and not second.prefixes
        )
        for word in first.words:
            if pairable and second is not None:
                for follower in second.words:
                    self.by_pair.setdefault((word, follower), []).append(pattern)
            else:
                self.by_word.setdefault(word, []).append(pattern)
        for prefix in first.prefixes:
            self.by_prefix.setdefault(prefix, []).append(pattern)

    def _candidates(self, token: str, following: str, capitalised: bool) -> list[_Pattern]:
        found: list[_Pattern] = []
        for length in self.prefix_lengths:
            if len(token) >= length:
                found += self.by_prefix.get(token[:length], ())
        if token.isdigit():
            found += self.by_special.get("num", ())
            found += self.by_special.get("year", ())
        if capitalised:
            found += self.by_special.get("cap", ())
        return found

    def find(
        self, tokens: Sequence[str], capitalised: Sequence[bool]
    ) -> list[tuple[str, int, int]]:
        """Return (category, first token, last token) for the longest match at each start."""
        found: list[tuple[str, int, int]] = []
        last = len(tokens) - 1
        by_word, by_pair, empty = self.by_word, self.by_pair, ()
        # Prefix and special patterns are rare: look them up only for tokens that can
        # start one (this loop runs for every token of every message).
        rare_start = {p[:1] for p in self.by_prefix}
        starters = self.starters
        for index, token in enumerate(tokens):
            rare = token[:1] in rare_start or token[:1].isdigit() or capitalised[index]
            if token not in starters and not rare:
                continue
            following = tokens[index + 1] if index < last else ""
            candidates = [*by_word.get(token, empty), *by_pair.get((token, following), empty)]
            if rare:
                candidates += self._candidates(token, following, capitalised[index])
            if not candidates:
                continue
            best: dict[str, int] = {}
            for pattern in candidates:
                end = _match_from(pattern.elements, 0, tokens, capitalised, index)
                if end is not None and end > best.get(pattern.category, -1):
                    best[pattern.category] = end
            found.extend((category, index, end) for category, end in best.items())
        return found


def _match_from(
    elements: tuple[_Element, ...],
    position: int,
    tokens: Sequence[str],
    capitalised: Sequence[bool],
    index: int,
) -> int | None:
    """Return the last token index of a match of elements[position:] at tokens[index:]."""
    if position == len(elements):
        return index - 1
    element = elements[position]
    if element.special == "gap":
        for skip in range(element.gap + 1):
            end = _match_from(elements, position + 1, tokens, capitalised, index + skip)
            if end is not None:
                return end
            if index + skip >= len(tokens):
                break
        return None
    if index < len(tokens) and element.accepts(tokens[index], capitalised[index]):
        end = _match_from(elements, position + 1, tokens, capitalised, index + 1)
        if end is not None:
            return end
    if element.optional:
        return _match_from(elements, position + 1, tokens, capitalised, index)
    return None
