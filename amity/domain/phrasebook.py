"""List the phrases that signal how a message will land, by category.

Each pattern is a sequence of space-separated elements matched against the
lower-cased word tokens of a message (see `amity.domain.text_features`):

- `a|b|c`   one token, any of the alternatives; `congrat*` matches by prefix;
            `it's|it+is` joins words with `+` into a multi-word alternative
- `x~`      the element is optional (`a|b~` too)
- `..`      skip up to 3 tokens; `...` skips up to 6
- `#num`    a number token, `#year` a year (1950-2039), `#cap` a capitalised word
- `?`, `!`, `%`, `$`, `<`, `>`, `{`, `}`, `:` punctuation tokens, literally

The phrases live in three modules by what they show: asking
(`amity.domain.phrases_asking`), selling (`phrases_selling`) and giving
(`phrases_giving`). The categories are features, not verdicts: the learned weights
decide how much each one counts. Keep phrases general ("our platform", not one company's name) so
they carry over to messages nobody here has seen.
"""

from __future__ import annotations

from typing import Final

from amity.domain.phrases_asking import ASKING
from amity.domain.phrases_giving import GIVING
from amity.domain.phrases_selling import SELLING

PATTERNS: Final[dict[str, tuple[str, ...]]] = {**ASKING, **SELLING, **GIVING}
