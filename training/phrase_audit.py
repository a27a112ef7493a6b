"""Find phrase rules that only the holdout knows: they would make the holdout a dev set.

    python -m training.phrase_audit

Lists every pattern of `amity.domain.phrasebook` that matches some held-out message
and no training message (corpus training groups and own voice), read both as
written and with placeholders filled in. The test suite fails while any is left.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from amity.domain.message_model import normalise_placeholders
from amity.domain.phrase_matcher import PhraseMatcher
from amity.domain.phrasebook import PATTERNS
from amity.domain.text_features import tokenise
from training.corpus import split

_MATCHER = PhraseMatcher(
    {f"{category}\t{raw}": (raw,) for category, raws in PATTERNS.items() for raw in raws}
)


def rules_matched(texts: Iterable[str]) -> set[str]:
    """Return the rules ("category<TAB>pattern") that match any of the texts."""
    found: set[str] = set()
    for text in texts:
        for variant in {text, normalise_placeholders(text).text}:
            words, _, _, capitalised = tokenise(variant)
            found.update(rule for rule, _, _ in _MATCHER.find(words, capitalised))
    return found


def holdout_only_rules() -> list[str]:
    """Return the rules that match held-out text and no training text, sorted."""
    data = split()
    held = rules_matched(r.text for r in data.holdout)
    return sorted(held - rules_matched(r.text for r in data.train))


def main() -> int:
    """Print the holdout-only rules; exit 1 if there are any."""
    rules = holdout_only_rules()
    for rule in rules:
        print(rule.replace("\t", ": "))
    print(f"{len(rules)} rule(s) match held-out text and no training text", file=sys.stderr)
    return 1 if rules else 0


if __name__ == "__main__":
    sys.exit(main())
