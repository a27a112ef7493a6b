"""Typo-tolerant people search: the close spellings of words that matched nobody."""

from __future__ import annotations

from itertools import chain

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max

from amity.domain.fuzzy import close_words, max_typos, words_of
from amity.people.models import Person

# owner id -> ((people count, highest id, latest change), words). Searching as one types
# asks again at every pause; reading 100,000 names each time would cost more than the
# search, while the stamp is three index lookups.
_VOCABULARY: dict[int, tuple[tuple[object, ...], frozenset[str]]] = {}


def _vocabulary(owner: AbstractBaseUser) -> frozenset[str]:
    """Return the distinct words of the owner's names and companies (cached).

    The cache is keyed by the people's count, highest id and latest change (services
    stamp `updated_at` on every edit), so an added, deleted or renamed person is seen
    at once.
    """
    mine = Person.objects.filter(owner=owner)
    key = tuple(mine.aggregate(n=Count("pk"), top=Max("pk"), changed=Max("updated_at")).values())
    cached = _VOCABULARY.get(owner.pk)
    if cached and cached[0] == key:
        return cached[1]
    words = frozenset(words_of(chain.from_iterable(mine.values_list("full_name", "company"))))
    _VOCABULARY.clear()  # one owner at a time: a server has few, and typing is per owner
    _VOCABULARY[owner.pk] = (key, words)
    return words


def close_spellings(*, owner: AbstractBaseUser, query: str) -> dict[str, list[str]]:
    """Return close spellings (name and company words a typo away) of words nobody has.

    Call it after the search as typed found nobody. Words too short to guess at are
    left out; in a search of several words, those someone has are kept as typed.
    """
    words = [word for word in dict.fromkeys(query.lower().split()) if max_typos(word)]
    if len(query.split()) > 1:
        # "nigoz smith": only "nigoz" is guessed at; "smith" keeps its meaning.
        mine = Person.objects.filter(owner=owner)
        words = [w for w in words if not mine.filter(search_text__contains=w).exists()]
    if not words:
        return {}
    vocabulary = _vocabulary(owner)
    found = {word: close_words(word, vocabulary) for word in words}
    return {word: others for word, others in found.items() if others}
