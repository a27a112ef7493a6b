"""List the owner's likely duplicate people, for `amity people duplicates` to show.

Imports already merge what they are sure of (same profile URL, key or email, or a
very similar name at the same company). This finds what needs a human: people who
share an email address or phone number, or whose names match closely. Two people
with different LinkedIn profiles are never listed: they are two accounts.
Merging is amity.people.merging.merge_people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from amity.importers.person_matching import companies_match, fold, fold_company, names_match
from amity.people.models import ContactPoint, Person

# Blocks bigger than this ("J Smith") compare exact names only, not every pair.
MAX_BLOCK = 400


@dataclass(frozen=True)
class DuplicateGroup:
    """People who are probably one person, best keeper first, with the evidence."""

    person_ids: tuple[int, ...]
    names: tuple[str, ...]
    reasons: tuple[str, ...]
    # 100: a shared email; 90: a shared phone; 85: similar name at the same company;
    # 70: the same name with at most one company known; 50: the same name elsewhere.
    score: int

    def as_dict(self) -> dict[str, Any]:
        """Return the group as JSON-ready data."""
        return {
            "person_ids": list(self.person_ids),
            "names": list(self.names),
            "reasons": list(self.reasons),
            "score": self.score,
        }


@dataclass
class _Person:
    pk: int
    name: str
    folded: str
    company: str
    linkedin_url: str
    created_at: Any


class _Groups:
    """Union-find over person ids, remembering why two were joined."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.reasons: dict[int, set[str]] = defaultdict(set)
        self.scores: dict[int, int] = defaultdict(int)

    def find(self, pk: int) -> int:
        self.parent.setdefault(pk, pk)
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def join(self, a: int, b: int, reason: str, score: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a
            self.reasons[root_a] |= self.reasons.pop(root_b, set())
            self.scores[root_a] = max(self.scores[root_a], self.scores.pop(root_b, 0))
        self.reasons[root_a].add(reason)
        self.scores[root_a] = max(self.scores[root_a], score)


def find_duplicates(*, owner: AbstractBaseUser) -> list[DuplicateGroup]:
    """Return groups of the owner's people who are likely the same person, surest first."""
    people = {
        pk: _Person(pk, name, fold(name), company, url, created)
        for pk, name, company, url, created in Person.objects.filter(owner=owner).values_list(
            "pk", "full_name", "company", "linkedin_url", "created_at"
        )
    }
    groups = _Groups()

    def join(a: _Person, b: _Person, reason: str, score: int) -> None:
        if a.linkedin_url and b.linkedin_url and a.linkedin_url != b.linkedin_url:
            return
        groups.join(a.pk, b.pk, reason, score)

    shared: dict[tuple[str, str], list[int]] = defaultdict(list)
    contacts = ContactPoint.objects.filter(owner=owner, kind__in=["email", "phone"])
    for person_id, kind, normalized in contacts.values_list("person_id", "kind", "normalized"):
        if kind == "email" or len(normalized.lstrip("+")) >= 7:
            shared[(kind, normalized)].append(person_id)
    for (kind, value), ids in shared.items():
        for a, b in combinations(sorted(set(ids)), 2):
            label = "same email" if kind == "email" else "same phone"
            join(people[a], people[b], f"{label} {value}", 100 if kind == "email" else 90)

    blocks: dict[str, list[_Person]] = defaultdict(list)
    for person in people.values():
        words = person.folded.split()
        if words:
            blocks[f"{words[-1]} {words[0][0]}"].append(person)
    for block in blocks.values():
        if len(block) > MAX_BLOCK:
            same: dict[str, list[_Person]] = defaultdict(list)
            for person in block:
                same[person.folded].append(person)
            pairs = [p for group in same.values() for p in combinations(group, 2)]
        else:
            pairs = list(combinations(block, 2))
        for first, second in pairs:
            _compare_names(first, second, join)

    found = []
    members: dict[int, list[int]] = defaultdict(list)
    for pk in list(groups.parent):
        members[groups.find(pk)].append(pk)
    for root, ids in members.items():
        ordered = sorted(
            (people[pk] for pk in ids), key=lambda p: (not p.linkedin_url, p.created_at, p.pk)
        )
        found.append(
            DuplicateGroup(
                person_ids=tuple(p.pk for p in ordered),
                names=tuple(p.name for p in ordered),
                reasons=tuple(sorted(groups.reasons[root])),
                score=groups.scores[root],
            )
        )
    return sorted(found, key=lambda g: (-g.score, g.names))


def _compare_names(a: _Person, b: _Person, join: Any) -> None:
    if not names_match(a.folded, b.folded):
        return
    company_a, company_b = fold_company(a.company), fold_company(b.company)
    if companies_match(company_a, company_b):
        join(a, b, "similar name, same company", 85)
    elif a.folded == b.folded:
        if not (company_a and company_b):
            join(a, b, "same name", 70)
        else:
            join(a, b, "same name, different companies", 50)
