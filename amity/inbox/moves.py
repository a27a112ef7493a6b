"""Move inbound messages between triage groups: preview, apply, undo.

A move is a label (amity.inbox.models.TriageLabel). The preview triages the same
messages with and without the new label and lists what would change, so a user sees
"1 message moves; Asks 664 → 663" before anything is written. The state a move
replaced is returned, so the last move can be undone exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from amity.domain import triage as triage_domain
from amity.inbox.models import TriageLabel
from amity.inbox.services import (
    TRIAGE_CHARS,
    InboundRow,
    inbound_messages,
    label_list,
    pick_sender,
    sender_contexts,
    triage_messages,
)
from amity.people.models import Interaction, Person
from amity.people.services import ValidationError

# The preview lists this many of the messages a move would change.
PREVIEW_LIST = 20


@dataclass(frozen=True)
class LabelState:
    """A message's label as it was, so a move can be undone exactly (None: no label)."""

    interaction_id: int
    group: str | None
    sender_id: int | None = None
    shingles: tuple[int, ...] = ()
    created_at: str = ""
    updated_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the state as JSON-ready data (for a session or an API answer)."""
        return {
            "interaction_id": self.interaction_id,
            "group": self.group,
            "sender_id": self.sender_id,
            "shingles": list(self.shingles),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabelState:
        """Read a state written by as_dict."""
        return cls(
            interaction_id=int(data["interaction_id"]),
            group=data.get("group"),
            sender_id=data.get("sender_id"),
            shingles=tuple(int(s) for s in data.get("shingles") or ()),
            created_at=str(data.get("created_at") or ""),
            updated_at=str(data.get("updated_at") or ""),
        )


def label_state(*, owner: AbstractBaseUser, interaction_id: int) -> LabelState:
    """Return the owner's label on one message as it is now."""
    row = TriageLabel.objects.filter(owner=owner, interaction_id=interaction_id).first()
    if row is None:
        return LabelState(interaction_id=interaction_id, group=None)
    return LabelState(
        interaction_id=interaction_id,
        group=row.group,
        sender_id=row.sender_id,
        shingles=tuple(int(s) for s in row.shingles or ()),
        created_at=row.created_at.isoformat(),
        updated_at=row.updated_at.isoformat(),
    )


def _inbound(owner: AbstractBaseUser, interaction_id: int) -> Interaction:
    interaction = Interaction.objects.filter(
        owner=owner, pk=interaction_id, direction=Interaction.Direction.INBOUND
    ).first()
    if interaction is None:
        raise LookupError(f"no inbound message #{interaction_id}")
    return interaction


def _check_group(group: str) -> None:
    if group not in triage_domain.GROUPS:
        raise ValidationError(
            "group", f"unknown group {group!r}; one of {', '.join(triage_domain.GROUPS)}"
        )


def _new_label(interaction: Interaction, group: str, follow: bool) -> triage_domain.Label:
    """Return the label a move would store."""
    counts = dict(interaction.people.values_list("pk", "interaction_count"))
    sender_id = pick_sender(sorted(counts), counts)
    text = (interaction.content or interaction.summary)[:TRIAGE_CHARS]
    # A move of "just this message" is stored without sender and wording, so the
    # domain has nothing to follow it by: only this message changes.
    return triage_domain.Label(
        message_id=interaction.pk,
        group=group,
        sender_id=sender_id if follow else None,
        shingles=triage_domain.shingles(text) if follow else frozenset(),
    )


def _refuse_stranger_group(group: str, sender: triage_domain.Sender | None) -> None:
    """Raise ValidationError for "Genuine new" on a known contact's message."""
    if group == "genuine_new" and sender is not None and sender.real_history:
        raise ValidationError(
            "group",
            f"{sender.name or 'the sender'} has real history with you "
            f"({sender.interactions} interactions): Genuine new is for strangers",
        )


def sender_contexts_for(
    *, owner: AbstractBaseUser, person_ids: Sequence[int]
) -> dict[int, triage_domain.Sender]:
    """Return triage's view of a few senders (the whole network is scored to rank them)."""
    everyone = sender_contexts(owner=owner)
    return {pk: everyone[pk] for pk in person_ids if pk in everyone}


@transaction.atomic
def relabel(
    *, owner: AbstractBaseUser, interaction_id: int, group: str, follow: bool = True
) -> TriageLabel:
    """Put one of the owner's inbound messages in `group`, and remember it.

    With `follow`, the sender's other messages and messages worded like it (from the
    same kind of sender) follow the label; without, only this message moves. Raises
    LookupError for a message that is not the owner's (or not inbound) and
    ValidationError for an unknown group, or "Genuine new" for a known contact.
    """
    _check_group(group)
    interaction = _inbound(owner, interaction_id)
    new = _new_label(interaction, group, follow)
    if group == "genuine_new" and new.sender_id is not None:
        senders = sender_contexts_for(owner=owner, person_ids=[new.sender_id])
        _refuse_stranger_group(group, senders.get(new.sender_id))
    label, _ = TriageLabel.objects.update_or_create(
        owner=owner,
        interaction=interaction,
        defaults={
            "group": group,
            "sender_id": new.sender_id,
            "shingles": sorted(new.shingles),
            "updated_at": timezone.now(),
        },
    )
    return label


@transaction.atomic
def restore_label(*, owner: AbstractBaseUser, state: LabelState) -> None:
    """Put a message's label back as it was (undo a move or a cleared label)."""
    _inbound(owner, state.interaction_id)
    rows = TriageLabel.objects.filter(owner=owner, interaction_id=state.interaction_id)
    if state.group is None:
        rows.delete()
        return
    _check_group(state.group)
    now = timezone.now()
    # The sender may have been deleted or merged since: the label then stays on the
    # message alone, as the foreign key would have left it.
    sender_id = state.sender_id
    if sender_id is not None and not Person.objects.filter(owner=owner, pk=sender_id).exists():
        sender_id = None
    TriageLabel.objects.update_or_create(
        owner=owner,
        interaction_id=state.interaction_id,
        defaults={
            "group": state.group,
            "sender_id": sender_id,
            "shingles": list(state.shingles),
            "created_at": dt.datetime.fromisoformat(state.created_at) if state.created_at else now,
            "updated_at": dt.datetime.fromisoformat(state.updated_at) if state.updated_at else now,
        },
    )


@transaction.atomic
def clear_label(*, owner: AbstractBaseUser, interaction_id: int) -> bool:
    """Forget the owner's label on one message; return whether there was one."""
    deleted, _ = TriageLabel.objects.filter(owner=owner, interaction_id=interaction_id).delete()
    return deleted > 0


def preview_move(
    *,
    owner: AbstractBaseUser,
    interaction_id: int,
    group: str,
    source: str = "all",
    recent: int | None = None,
) -> dict[str, Any]:
    """Return what moving one message to `group` would change, writing nothing.

    Shape: {"id", "group", "label", "from_group", "options": [{"follow": bool,
    "moves": n, "counts": {group: {"before", "after"}}, "changed": [{"id", "sender",
    "subject", "from_group", "to_group"}] (the first PREVIEW_LIST)}]}: one option
    moving only this message, one where the sender's messages and look-alikes follow.
    Raises as relabel.
    """
    _check_group(group)
    interaction = _inbound(owner, interaction_id)
    rows = inbound_messages(owner=owner, source=source, recent=recent)
    if all(row.id != interaction_id for row in rows):
        # An old message outside the page's window: judge it among the newest.
        rows = [*rows, _row(interaction)]
    messages = triage_messages(owner, rows, None)
    existing = label_list(owner=owner)
    labels = [lab for lab in existing if lab.message_id != interaction_id]
    current = triage_domain.Corrections(existing)
    index = next(i for i, row in enumerate(rows) if row.id == interaction_id)
    _refuse_stranger_group(group, messages[index].sender)
    alone = _new_label(interaction, group, follow=False)
    follow = _new_label(interaction, group, follow=True)
    before, *afters = triage_domain.compare_groups(
        messages,
        [current, *(triage_domain.Corrections([*labels, new]) for new in (alone, follow))],
    )
    options = [
        _option(rows, messages, before, after, follow=followed)
        for followed, after in zip((False, True), afters, strict=True)
    ]
    return {
        "id": interaction_id,
        "group": group,
        "label": triage_domain.GROUP_LABELS[group],
        "from_group": before[index],
        "options": options,
    }


def _option(
    rows: Sequence[InboundRow],
    messages: Sequence[triage_domain.Message],
    before: Sequence[str],
    after: Sequence[str],
    *,
    follow: bool,
) -> dict[str, Any]:
    """Return what one way of moving would change: how many, which counts, which messages."""
    changed = [
        {
            "id": row.id,
            "sender": message.sender.name if message.sender else "",
            "subject": row.summary[:120],
            "from_group": b,
            "to_group": a,
        }
        for row, message, b, a in zip(rows, messages, before, after, strict=True)
        if a != b
    ]
    return {
        "follow": follow,
        "moves": len(changed),
        "counts": _count_changes(before, after),
        "changed": changed[:PREVIEW_LIST],
    }


def _row(interaction: Interaction) -> InboundRow:
    """Return one message as triage reads it (for a message outside the page's window)."""
    return InboundRow(
        id=interaction.pk,
        occurred_at=interaction.occurred_at,
        source=interaction.source,
        channel=interaction.channel,
        summary=interaction.summary,
        text=(interaction.content or interaction.summary)[:TRIAGE_CHARS],
        intent=interaction.intent,
        subtype=interaction.subtype,
        person_ids=tuple(sorted(interaction.people.values_list("pk", flat=True))),
    )


def _count_changes(before: Sequence[str], after: Sequence[str]) -> dict[str, dict[str, int]]:
    """Return each group's count before and after, for the groups that change."""
    out = {}
    for group in triage_domain.GROUPS:
        b, a = before.count(group), after.count(group)
        if a != b:
            out[group] = {"before": b, "after": a}
    return out
