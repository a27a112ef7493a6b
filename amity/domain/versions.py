"""Name the versions of derived data Amity stores, so a change of meaning rebuilds it.

Plain constants without imports: the `amity today` fast path reads them without
loading numpy or Django.
"""

from typing import Final

SUMMARY_VERSION: Final = 3
"""Bump when `strength.summarize` changes meaning, so stores rebuild saved summaries."""

TODAY_VERSION: Final = 1
"""Bump when today's list or its JSON changes, so stored lists are computed again."""
