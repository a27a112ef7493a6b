"""Recognise mass mail by its wording, and keep the user's triage corrections.

A message's fingerprint (its lower-case words, names and numbers left out) marks the
same text from several senders as mass outreach; its hashed word triples let a
correction follow messages worded like the one the user moved. The user's labels
are indexed by message, by sender and by wording.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# The same wording from this many senders is mass outreach; short lines ("Thanks!",
# "Happy birthday") are the same from everyone and never count.
MASS_SENDERS: Final = 3
MASS_MIN_WORDS: Final = 12
# Jaccard similarity of word triples above which a message is "worded like" another.
PATTERN_SIMILARITY: Final = 0.6
_LOWER_WORD = re.compile(r"\b[a-z][a-z']+\b")


@dataclass(frozen=True, slots=True)
class Label:
    """A user's correction: this message belongs in `group`."""

    message_id: int
    group: str
    sender_id: int | None = None
    shingles: frozenset[int] = frozenset()


def fingerprint(text: str) -> int | None:
    """Return a hash of a message's lower-case wording (names and numbers left out).

    None for messages too short to tell mass mail from a common phrase.
    """
    words = _LOWER_WORD.findall(text)[:40]
    if len(words) < MASS_MIN_WORDS:
        return None
    return zlib.crc32(" ".join(words).encode())


def shingles(text: str) -> frozenset[int]:
    """Return the hashed word triples of a message, for "worded like" comparisons."""
    words = _LOWER_WORD.findall(text.lower())[:300]
    return frozenset(
        zlib.crc32(" ".join(words[i : i + 3]).encode()) for i in range(max(0, len(words) - 2))
    )


class Corrections:
    """The user's labels, indexed by message, by sender and by wording."""

    def __init__(self, labels: Iterable[Label] = ()) -> None:
        """Index the labels; a later label for the same sender wins."""
        self.by_message: dict[int, Label] = {}
        self.by_sender: dict[int, Label] = {}
        self.by_shingle: dict[int, list[Label]] = defaultdict(list)
        for label in labels:
            self.by_message[label.message_id] = label
            if label.sender_id is not None:
                self.by_sender[label.sender_id] = label
            for shingle in label.shingles:
                self.by_shingle[shingle].append(label)

    def __bool__(self) -> bool:
        """Return whether there are any labels at all."""
        return bool(self.by_message)

    def worded_like(self, text: str, exclude: int) -> Label | None:
        """Return the labelled message this text is a near copy of, if any."""
        if not self.by_shingle:
            return None
        mine = shingles(text)
        if not mine:
            return None
        overlap: dict[int, int] = defaultdict(int)
        labels: dict[int, Label] = {}
        for shingle in mine:
            for label in self.by_shingle.get(shingle, ()):
                if label.message_id != exclude:
                    overlap[label.message_id] += 1
                    labels[label.message_id] = label
        best: tuple[float, int] | None = None
        for message_id, shared in overlap.items():
            union = len(mine) + len(labels[message_id].shingles) - shared
            similarity = shared / union if union else 0.0
            if similarity >= PATTERN_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, message_id)
        return labels[best[1]] if best else None
