"""Feed the coach and triage from the store, and keep the user's triage labels.

The domain (amity.domain.coach, amity.domain.triage) reads plain data; this module
loads it with owner-filtered queries: inbound interactions with their text, who
sent them, and what the relationship engine (amity.relationships.scoring) knows
about each sender. `sender_contexts` is the one place that asks the engine, so a
change there does not ripple.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from amity import config
from amity.domain import coach, embeddings, ledger
from amity.domain import triage as triage_domain
from amity.inbox.models import TriageLabel
from amity.people.models import ContactPoint, Interaction, Person
from amity.people.services import ValidationError, find_person
from amity.relationships import scoring as relationships
from amity.relationships import ties

SOURCES = ("all", "linkedin", "mbox")
# Triage reads the opening of a message: it says what the message is, and a long
# email with quoted history would otherwise cost more than it tells.
TRIAGE_CHARS = 2000
PREVIEW_CHARS = 240
CHUNK = 500


# --- the coach ----------------------------------------------------------------------


def use_text_model() -> bool:
    """Return whether the coach should use the text model (AMITY_TEXT_MODEL)."""
    try:
        return embeddings.resolve_choice(config.TEXT_MODEL.value()) == "model"
    except ValueError:
        return False


def recipient_for(*, person: Person, as_of: dt.datetime | None = None) -> coach.Recipient:
    """Return what the coach should know about a recipient, from the relationship engine."""
    as_of = as_of or timezone.now()
    name = person.given_name or person.full_name
    if not person.interaction_count:
        return coach.Recipient(tie="none", name=name)
    balance = relationships.balance_for(person=person, as_of=as_of)
    row = ties.person_strength(person=person, as_of=as_of)
    circle = int(row.get("circle") or triage_domain.NO_CIRCLE)
    days = row.get("days_since")
    if row.get("dormant"):
        tie: coach.Tie = "dormant"
    elif circle <= triage_domain.CLOSE_CIRCLE:
        tie = "close"
    else:
        tie = "known"
    suggestions = balance.get("suggestions") or []
    return coach.Recipient(
        tie=tie,
        balance=round(float(balance["gave"]) - float(balance["asked"]), 1),
        days_since=None if days is None else int(days),
        name=name,
        interactions=person.interaction_count,
        suggested_deposit=str(suggestions[0]["text"]) if suggestions else "",
    )


def coach_message(
    *, owner: AbstractBaseUser, text: str, to: str | Person | None = None
) -> coach.Review:
    """Review a draft, using the relationship with `to` (a #id, email or name) if given.

    Raises ValidationError for an empty text and LookupError for an unknown person.
    """
    if not text.strip():
        raise ValidationError("text", "there is no message to read")
    recipient = None
    if to is not None and to != "":
        person = to if isinstance(to, Person) else find_person(owner=owner, ref=str(to))
        if person.owner_id != owner.pk:
            raise LookupError("no such person")
        recipient = recipient_for(person=person)
    return coach.review(text, recipient, use_embeddings=use_text_model())


# --- triage --------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundRow:
    """One inbound message as triage needs it, with what the surfaces show."""

    id: int
    occurred_at: dt.datetime
    source: str
    channel: str
    summary: str
    text: str
    intent: str
    subtype: str
    person_ids: tuple[int, ...]


def _aged(value: float, days: float) -> float:
    if math.isnan(days):
        return value
    return value * 0.5 ** (days / ledger.LEDGER_HALF_LIFE_DAYS)


def sender_contexts(
    *, owner: AbstractBaseUser, as_of: dt.datetime | None = None
) -> dict[int, triage_domain.Sender]:
    """Return triage's view of everyone the owner has a history with, by person id."""
    as_of = as_of or timezone.now()
    network = relationships.load_network(owner=owner, as_of=as_of)
    names = dict(Person.objects.filter(owner=owner).values_list("pk", "full_name"))
    columns, scores = network.columns, network.scores
    out: dict[int, triage_domain.Sender] = {}
    for i, pk in enumerate(network.ids.tolist()):
        days = float(scores.days_since[i])
        out[pk] = triage_domain.Sender(
            person_id=pk,
            name=names.get(pk, ""),
            interactions=int(columns.count[i]),
            engaged=int(columns.outbound[i] + columns.mutual[i]),
            circle=int(network.circles[i]),
            dormant=bool(scores.dormant[i]),
            days_since=None if math.isnan(days) else days,
            gave=_aged(float(columns.gave[i]), days),
            asked=_aged(float(columns.asked[i]), days),
            received=_aged(float(network.received[i]), days),
            were_asked=_aged(float(network.were_asked[i]), days),
        )
    return out


def _check_source(source: str) -> str:
    if source not in SOURCES:
        raise ValidationError("source", f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    return source


def inbound_messages(
    *, owner: AbstractBaseUser, source: str = "all", recent: int | None = None
) -> list[InboundRow]:
    """Return the owner's inbound messages with text, newest first (`recent`: how many)."""
    rows = Interaction.objects.filter(owner=owner, direction=Interaction.Direction.INBOUND)
    if _check_source(source) != "all":
        rows = rows.filter(source=source)
    # Imported messages keep their text in `content`; an import without it (a demo, a
    # calendar) still has a summary. What the user logged by hand is a note, not mail.
    rows = rows.filter(~Q(content="") | (~Q(summary="") & ~Q(source="manual"))).order_by(
        "-occurred_at", "-id"
    )
    if recent is not None:
        rows = rows[:recent]
    found = list(
        rows.values_list(
            "id", "occurred_at", "source", "channel", "summary", "content", "intent", "subtype"
        )
    )
    people: dict[int, list[int]] = defaultdict(list)
    through = Interaction.people.through.objects
    if recent is None:
        links = through.filter(
            interaction__owner=owner, interaction__direction=Interaction.Direction.INBOUND
        )
        if source != "all":
            links = links.filter(interaction__source=source)
        for interaction_id, person_id in links.values_list("interaction_id", "person_id"):
            people[interaction_id].append(person_id)
    else:
        ids = [row[0] for row in found]
        for start in range(0, len(ids), CHUNK):
            chunk = through.filter(interaction_id__in=ids[start : start + CHUNK])
            for interaction_id, person_id in chunk.values_list("interaction_id", "person_id"):
                people[interaction_id].append(person_id)
    return [
        InboundRow(
            id=pk,
            occurred_at=when,
            source=src,
            channel=channel,
            summary=summary,
            text=(content or summary)[:TRIAGE_CHARS],
            intent=intent,
            subtype=subtype,
            person_ids=tuple(sorted(people.get(pk, ()))),
        )
        for pk, when, src, channel, summary, content, intent, subtype in found
    ]


def pick_sender(person_ids: Sequence[int], counts: dict[int, int]) -> int | None:
    """Return who a message is from: of its people, the one with the most history.

    Importers attach the sender and any other recipients to an inbound message; the
    one the user knows best decides the relationship (ties broken by lowest id).
    """
    if not person_ids:
        return None
    return min(person_ids, key=lambda pk: (-counts.get(pk, 0), pk))


def label_list(*, owner: AbstractBaseUser) -> list[triage_domain.Label]:
    """Return the owner's triage labels as the domain's labels, oldest first."""
    rows = TriageLabel.objects.filter(owner=owner).order_by("updated_at", "id")
    return [
        triage_domain.Label(
            message_id=interaction_id,
            group=group,
            sender_id=sender_id,
            shingles=frozenset(int(s) for s in shingles or ()),
        )
        for interaction_id, group, sender_id, shingles in rows.values_list(
            "interaction_id", "group", "sender_id", "shingles"
        )
    ]


def labels_for(*, owner: AbstractBaseUser) -> triage_domain.Corrections:
    """Return the owner's triage labels as the domain's corrections."""
    return triage_domain.Corrections(label_list(owner=owner))


def triage_inbox(
    *,
    owner: AbstractBaseUser,
    source: str = "all",
    recent: int | None = None,
    limit: int | None = 20,
    as_of: dt.datetime | None = None,
    offsets: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Triage the owner's inbound messages; return the stable report shape.

    Shape: {"source", "total", "counts": {group: n}, "groups": [{"group", "label",
    "help", "count", "messages": [message...]}]} with groups in the order trusted,
    genuine_new, asks, cold_pitch and each group's newest `limit` messages (all with
    limit None), skipping `offsets[group]` first (a page). A message: {"id",
    "occurred_at", "source", "channel", "sender": {"id", "name"} | null, "subject",
    "preview", "group", "text_class", "scores" {"personal", "ask", "pitch"}, "reasons"
    [str], "balance" {...} | null, "corrected", "reply": {"kind" (decline | redirect
    | invite), "label", "text", "to" (the sender's email or "")} | null}. Amity never
    sends a reply draft.
    """
    rows = inbound_messages(owner=owner, source=source, recent=recent)
    messages = triage_messages(owner, rows, as_of)
    results = triage_domain.triage(messages, labels_for(owner=owner))
    by_group: dict[str, list[dict[str, Any]]] = {g: [] for g in triage_domain.GROUPS}
    totals = dict.fromkeys(triage_domain.GROUPS, 0)
    skip = offsets or {}
    for row, message, result in zip(rows, messages, results, strict=True):
        seen = totals[result.group]
        totals[result.group] += 1
        if seen < skip.get(result.group, 0):
            continue
        shown = by_group[result.group]
        if limit is None or len(shown) < limit:
            shown.append(_item(row, message, result))
    _address_replies(owner, by_group)
    return {
        "source": source,
        "total": len(rows),
        "counts": totals,
        "groups": [
            {
                "group": group,
                "label": triage_domain.GROUP_LABELS[group],
                "help": triage_domain.GROUP_HELP[group],
                "count": totals[group],
                "messages": by_group[group],
            }
            for group in triage_domain.GROUPS
        ],
    }


def triage_messages(
    owner: AbstractBaseUser, rows: Sequence[InboundRow], as_of: dt.datetime | None
) -> list[triage_domain.Message]:
    """Return the rows as triage's messages, each with what the engine knows of its sender."""
    senders = sender_contexts(owner=owner, as_of=as_of) if rows else {}
    counts = {pk: s.interactions for pk, s in senders.items()}
    names = _names(owner, rows, senders)
    messages = []
    for row in rows:
        picked = pick_sender(row.person_ids, counts)
        sender = senders.get(picked) if picked is not None else None
        if sender is None and picked is not None:
            sender = triage_domain.Sender(person_id=picked, name=names.get(picked, ""))
        messages.append(
            triage_domain.Message(
                id=row.id,
                text=row.text,
                sender=sender,
                source=row.source,
                intent=row.intent,
                subtype=row.subtype,
            )
        )
    return messages


def _address_replies(owner: AbstractBaseUser, by_group: dict[str, list[dict[str, Any]]]) -> None:
    """Address each shown reply draft to its sender's email (primary first), if known."""
    drafts = [m for shown in by_group.values() for m in shown if m["reply"] and m["sender"]]
    ids = sorted({m["sender"]["id"] for m in drafts})
    emails: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = ContactPoint.objects.filter(
            owner=owner, kind=ContactPoint.Kind.EMAIL, person_id__in=ids[start : start + CHUNK]
        ).order_by("person_id", "-is_primary", "id")
        for person_id, value in rows.values_list("person_id", "value"):
            emails.setdefault(person_id, value)
    for shown in by_group.values():
        for item in shown:
            if item["reply"]:
                sender = item["sender"]
                item["reply"]["to"] = emails.get(sender["id"], "") if sender else ""


def _names(
    owner: AbstractBaseUser, rows: Sequence[InboundRow], senders: dict[int, Any]
) -> dict[int, str]:
    """Return names of people on the messages the engine has no row for."""
    missing = {pk for row in rows for pk in row.person_ids if pk not in senders}
    names: dict[int, str] = {}
    ids = sorted(missing)
    for start in range(0, len(ids), CHUNK):
        names.update(
            Person.objects.filter(owner=owner, pk__in=ids[start : start + CHUNK]).values_list(
                "pk", "full_name"
            )
        )
    return names


def _item(
    row: InboundRow, message: triage_domain.Message, result: triage_domain.Triaged
) -> dict[str, Any]:
    sender = message.sender
    preview = " ".join(row.text.split())
    return {
        "id": row.id,
        "occurred_at": row.occurred_at.isoformat(),
        "source": row.source,
        "channel": row.channel,
        "sender": None if sender is None else {"id": sender.person_id, "name": sender.name},
        "subject": row.summary[:200],
        "preview": preview[:PREVIEW_CHARS] + ("…" if len(preview) > PREVIEW_CHARS else ""),
        **result.as_dict(),
    }
