"""Share text with the people who would care, keep a reading list, follow referrals.

Services take keyword-only arguments, filter everything by owner and own their
transactions. Introductions live in `amity.network.introductions` and breadth in
`amity.network.insights`; the functions Today needs are re-exported here:
`reading_suggestions`, `pending_intro_steps` and `referral_steps`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from amity.domain import embeddings
from amity.domain.embeddings import LexicalEncoder, TextEncoder
from amity.domain.matching import Reason, content_subject, explain_matches, floors_for, plain
from amity.domain.relevance import SHARE_FACETS, Standing, rank_for_share, tuning_for
from amity.network.models import ReadingItem, Referral
from amity.network.optin import IntroStep, pending_intro_steps
from amity.network.profiles import (
    facet_texts,
    facts_for,
    share_index,
    text_backend,
    vector_space,
)
from amity.people.models import Interaction, Person
from amity.people.services import ValidationError
from amity.people.timeline import log_interaction

__all__ = [
    "IntroStep",
    "ReferralStep",
    "ShareResult",
    "SharedWith",
    "add_referrals",
    "log_share",
    "mark_researched",
    "add_network_actions",
    "network_actions",
    "pending_intro_steps",
    "reading_suggestions",
    "referral_context",
    "referral_steps",
    "save_reading",
    "share",
    "thank_referrer",
]

MAX_SHARE_TEXT = 20_000
_URL = re.compile(r"https?://\S+")


@dataclass
class SharedWith:
    """One person who would care about the text, why, how sure, and a note to send them."""

    person: Person
    score: float
    """How far they stand above the network (the best facet's z-score)."""
    confidence: str
    """"strong match", "maybe" or "long shot" (`amity.domain.relevance`)."""
    reasons: list[Reason]
    draft: str


@dataclass
class ShareResult:
    """The answer to "who would care about this?"."""

    text_model: str
    kind: str
    subject: str
    matches: list[SharedWith] = field(default_factory=list)
    stands_out: bool = False
    """False when nobody stands out: the matches are then only the closest long shots."""
    pending: int = 0
    logged: Interaction | None = None
    reading_item: ReadingItem | None = None


def _shared_with(
    owner: AbstractBaseUser,
    standings: Sequence[Standing],
    explained: dict[int, tuple[list[Reason], str]],
) -> list[SharedWith]:
    """Return the people to show, in order, with their reasons and drafts."""
    people = Person.objects.filter(owner=owner).in_bulk([s.person_id for s in standings])
    return [
        SharedWith(people[s.person_id], s.score, s.confidence, *explained[s.person_id])
        for s in standings
        if s.person_id in people and s.person_id in explained
    ]


def share(
    *,
    owner: AbstractBaseUser,
    text: str,
    limit: int = 5,
    log_person: Person | None = None,
    save: bool = False,
    title: str = "",
    inline_limit: int | None = None,
) -> ShareResult:
    """Find the people who would care most about `text`; optionally log and save it.

    Everyone who stands out is shown with a confidence label; when nobody does, the
    closest few are long shots (`stands_out` False). `inline_limit`: see vector_space.
    """
    text = text.strip()[:MAX_SHARE_TEXT]
    if not text:
        raise ValidationError("text", "paste some text, a link or a file to share")
    if log_person is not None and log_person.owner_id != owner.pk:
        raise ValidationError("person", "unknown person")
    space_options: dict[str, Any] = {"extra_corpus": [text], "inline_limit": inline_limit}
    space = vector_space(owner=owner, facets=SHARE_FACETS, **space_options)
    tuning = tuning_for(space.encoder.name)
    if not any(space.facets[f].ids.size for f in ("title", "interests", "notes", "recent")):
        # Vectors from before these facets existed (until `amity embed` has run): rank
        # by the whole profile too rather than by needs and offers alone.
        older = ("profile", "seeks", "offers")
        space = vector_space(owner=owner, facets=older, **space_options)
        tuning = dataclasses.replace(tuning, facets=older)
    query = space.encoder.encode([text])[0]
    ranking = rank_for_share(query, share_index(owner, space), tuning, limit=limit)
    subject = content_subject(text)
    result = ShareResult(
        space.description, space.kind, subject, stands_out=ranking.stands_out, pending=space.pending
    )
    wanted = [s.person_id for s in ranking.people]
    if log_person is not None and log_person.pk not in wanted:
        wanted.append(log_person.pk)
    facts = {f.person_id: f for f in facts_for(owner=owner, person_ids=wanted)}
    explained = explain_matches(
        space.encoder,
        query,
        [facts[i] for i in wanted if i in facts],
        subject,
        {s.person_id: s.facet for s in ranking.people},
    )
    result.matches = _shared_with(owner, ranking.people, explained)
    if save:
        result.reading_item = save_reading(owner=owner, text=text, title=title)
    if log_person is not None:
        draft = explained.get(log_person.pk, ([], ""))[1]
        result.logged = log_share(
            owner=owner,
            person=log_person,
            subject=subject,
            draft=draft,
            reading_item=result.reading_item,
        )
    return result


@transaction.atomic
def log_share(
    *,
    owner: AbstractBaseUser,
    person: Person,
    subject: str,
    draft: str = "",
    reading_item: ReadingItem | None = None,
) -> Interaction:
    """Record that the user sent something to `person`: a shared_content deposit."""
    interaction = log_interaction(
        owner=owner,
        people=[person],
        channel="message",
        direction="outbound",
        intent="deposit",
        subtype="shared_content",
        summary=f"Shared {subject}"[:500],
        content=draft,
    )
    if reading_item is not None:
        if reading_item.owner_id != owner.pk:
            raise ValidationError("reading_item", "unknown reading item")
        reading_item.shared_with.add(person)
    return interaction


# -- the reading list -------------------------------------------------------------------


def _title_of(text: str) -> str:
    """Return the first line without its URLs, else the first URL, else "Untitled"."""
    for line in text.splitlines():
        words = plain(_URL.sub(" ", line))
        if words:
            return words[:300]
    found = _URL.search(text)
    return found.group(0)[:300] if found else "Untitled"


@transaction.atomic
def save_reading(*, owner: AbstractBaseUser, text: str, title: str = "") -> ReadingItem:
    """Keep `text` (an article, a link, a note) in the reading list; return the item."""
    text = text.strip()[:MAX_SHARE_TEXT]
    if not text:
        raise ValidationError("text", "nothing to save")
    subject = content_subject(text)
    url = subject if subject.startswith("http") else ""
    if url:
        existing = ReadingItem.objects.filter(owner=owner, url=url).first()
        if existing is not None:
            return existing
    item = ReadingItem(owner=owner, title=(title.strip() or _title_of(text))[:300], url=url)
    item.text = text
    if text_backend() == "model":
        encoder = embeddings.memo_model()
        item.model_name = encoder.name
        item.vector = embeddings.to_bytes(encoder.encode([f"{item.title}. {text}"])[0])
    item.save()
    return item


def reading_list(*, owner: AbstractBaseUser, archived: bool = False) -> QuerySet[ReadingItem]:
    """Return the owner's saved items, newest first."""
    return ReadingItem.objects.filter(owner=owner, archived=archived)


@transaction.atomic
def archive_reading(*, item: ReadingItem) -> None:
    """Take an item off the reading list (it stops resurfacing)."""
    item.archived = True
    item.save(update_fields=["archived"])


def reading_suggestions(
    *, owner: AbstractBaseUser, person_ids: Sequence[int], limit_items: int = 200
) -> dict[int, ReadingItem]:
    """Return, for each of these people, the saved item they would care most about.

    Items already shared with a person never come back for them. Today calls this
    with its short list of people so a saved article resurfaces at the right moment.
    """
    items = list(reading_list(owner=owner).prefetch_related("shared_with")[:limit_items])
    ids = [int(i) for i in person_ids]
    if not items or not ids:
        return {}
    kind = text_backend()
    item_texts = [f"{i.title}. {i.text}" for i in items]
    if kind == "model":
        encoder: TextEncoder = embeddings.memo_model()
        for item, item_text in zip(items, item_texts, strict=True):
            if item.model_name != encoder.name or not item.vector:
                item.model_name = encoder.name
                item.vector = embeddings.to_bytes(encoder.encode([item_text])[0])
                item.save(update_fields=["model_name", "vector"])
        item_matrix = np.stack([embeddings.from_bytes(i.vector) for i in items])
        profile = vector_space(owner=owner).facets["profile"]
        rows = profile.row_of()
        present = [pk for pk in ids if pk in rows]
        people_matrix = profile.matrix[[rows[pk] for pk in present]] if present else None
    else:
        facts = list(facts_for(owner=owner, person_ids=ids))
        texts = [facet_texts(f)["profile"] for f in facts]
        encoder = LexicalEncoder.fit([*texts, *item_texts])
        item_matrix = encoder.encode(item_texts)
        present = [f.person_id for f, t in zip(facts, texts, strict=True) if t]
        people_matrix = encoder.encode([t for t in texts if t]) if present else None
    if people_matrix is None:
        return {}
    sims = people_matrix @ item_matrix.T
    # Resurfacing interrupts the user's day: only a close match earns it.
    floor = floors_for(encoder.name).resurface
    shared = {(p.pk, item.pk) for item in items for p in item.shared_with.all()}
    found: dict[int, ReadingItem] = {}
    for row, person_id in enumerate(present):
        for col in np.argsort(-sims[row], kind="stable"):
            if sims[row, col] < floor:
                break
            if (person_id, items[col].pk) not in shared:
                found[person_id] = items[col]
                break
    return found


# -- referrals --------------------------------------------------------------------------


@transaction.atomic
def add_referrals(
    *, owner: AbstractBaseUser, referrer: Person, people: Sequence[Person], note: str = ""
) -> list[Referral]:
    """Record that `referrer` recommended the user talk to each of `people`.

    A recommendation is help received: the first time someone is referred, an inbound
    "recommendation" deposit is logged with the referrer, so their ledger shows it and
    Today asks for a thank-you until one is logged. Recording the same referral again
    logs nothing.
    """
    if referrer.owner_id != owner.pk or any(p.owner_id != owner.pk for p in people):
        raise ValidationError("people", "unknown person")
    referred = [p for p in people if p.pk != referrer.pk]
    if not referred:
        raise ValidationError("people", "name at least one person other than the referrer")
    found = []
    new: list[Person] = []
    for person in referred:
        referral, created = Referral.objects.get_or_create(
            owner=owner, referrer=referrer, person=person, defaults={"note": note.strip()}
        )
        if created:
            new.append(person)
        elif note.strip() and not referral.note:
            referral.note = note.strip()
            referral.save(update_fields=["note"])
        found.append(referral)
    if new:
        log_interaction(
            owner=owner,
            people=[referrer],
            direction="inbound",
            intent="deposit",
            subtype="recommendation",
            summary="Recommended I talk to " + ", ".join(p.full_name for p in new),
            content=note.strip(),
        )
    return found


def referrals_for(*, owner: AbstractBaseUser) -> QuerySet[Referral]:
    """Return the owner's referrals with both people loaded, newest first."""
    return Referral.objects.filter(owner=owner).select_related("referrer", "person")


def referral_context(*, owner: AbstractBaseUser, person: Person) -> list[Referral]:
    """Return who recommended the user talk to `person` ("recommended by A")."""
    return list(referrals_for(owner=owner).filter(person=person))


@transaction.atomic
def mark_researched(*, referral: Referral) -> Referral:
    """Note that the user looked into how to help the referred person."""
    if referral.researched_at is None:
        referral.researched_at = timezone.now()
        referral.save(update_fields=["researched_at"])
    return referral


@transaction.atomic
def thank_referrer(*, referral: Referral, note: str = "") -> Interaction:
    """Log a thanks deposit to whoever made the referral, and mark it thanked."""
    owner = referral.owner
    interaction = log_interaction(
        owner=owner,
        people=[referral.referrer],
        channel="message",
        direction="outbound",
        intent="deposit",
        subtype="thanks",
        summary=note.strip() or f"Thanked them for recommending {referral.person.full_name}",
    )
    referral.thanked_at = timezone.now()
    referral.save(update_fields=["thanked_at"])
    return interaction


@dataclass(frozen=True)
class ReferralStep:
    """Something Today should suggest about a referral."""

    referral_id: int
    person_id: int
    action: str
    """"research" (before asking anything) or "thank" (the referrer, afterwards)."""
    text: str


def referral_steps(*, owner: AbstractBaseUser) -> list[ReferralStep]:
    """Return what to do about open referrals: research first, then thank the referrer."""
    steps: list[ReferralStep] = []
    for referral in referrals_for(owner=owner).filter(thanked_at__isnull=True):
        person, referrer = referral.person, referral.referrer
        spoke = Interaction.objects.filter(
            owner=owner, people=person, occurred_at__gte=referral.created_at
        ).exists()
        if spoke:
            steps.append(
                ReferralStep(
                    referral.pk,
                    referrer.pk,
                    "thank",
                    f"Thank {referrer.full_name} for recommending {person.full_name}.",
                )
            )
        elif referral.researched_at is None:
            steps.append(
                ReferralStep(
                    referral.pk,
                    person.pk,
                    "research",
                    f"Before asking {person.full_name} anything, look into how you could help "
                    f"them (recommended by {referrer.full_name}).",
                )
            )
    return steps


def network_actions(*, owner: AbstractBaseUser, person_ids: Sequence[int]) -> dict[str, Any]:
    """Return what Today should add from the network, as JSON-ready data.

    Shape: {"reading": [{"person_id", "item_id", "title", "url", "text"}],
    "introductions": [{"introduction_id", "person_ids", "action", "text"}],
    "referrals": [{"referral_id", "person_id", "action", "text"}]}. Reading
    suggestions are for `person_ids` (Today's short list); the other two cover
    everything pending.
    """
    reading = reading_suggestions(owner=owner, person_ids=person_ids)
    return {
        "reading": [
            {
                "person_id": person_id,
                "item_id": item.pk,
                "title": item.title,
                "url": item.url,
                "text": f"Share “{item.title}” from your reading list",
            }
            for person_id, item in reading.items()
        ],
        "introductions": [
            {
                "introduction_id": s.introduction_id,
                "person_ids": list(s.person_ids),
                "action": s.action,
                "text": s.text,
            }
            for s in pending_intro_steps(owner=owner)
        ],
        "referrals": [
            {
                "referral_id": s.referral_id,
                "person_id": s.person_id,
                "action": s.action,
                "text": s.text,
            }
            for s in referral_steps(owner=owner)
        ],
    }


def add_network_actions(owner: AbstractBaseUser, data: dict[str, Any]) -> None:
    """Add the network's pending steps to Today's answer (registered in core.hooks).

    Adds `network` ({"reading", "introductions", "referrals"}, the shape of
    `network_actions`) and, on each item with a saved article that fits them,
    `reading` ({"item_id", "title", "url", "text"}). Kept in the stored answer:
    today's fingerprint covers reading items, introductions and referrals, so taking
    a step recomputes it.
    """
    actions = network_actions(owner=owner, person_ids=[item["id"] for item in data["items"]])
    by_person = {row["person_id"]: row for row in actions["reading"]}
    for item in data["items"]:
        if item["id"] in by_person:
            item["reading"] = {k: v for k, v in by_person[item["id"]].items() if k != "person_id"}
    data["network"] = actions
