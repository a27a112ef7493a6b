"""Turn network results into the stable JSON shapes the CLI and the API answer with.

PersonRef: {"id", "name", "title", "company", "field"}
ShareJSON: {"text_model", "backend", "subject", "pending", "stands_out", "matches":
[{"person": PersonRef, "score", "confidence", "reasons": [{"kind", "quote", "score"}],
"draft"}], "logged": id|null, "saved": ReadingJSON|null}
SuggestionsJSON: {"text_model", "backend", "people", "pending", "suggestions": [{"a":
PersonRef, "b": PersonRef, "score", "reasons": [{"kind", "text"}]}]}
IntroductionJSON: {"id", "state", "state_label", "next_action", "a": PersonRef, "b":
PersonRef, "reason", "drafts": {"ask_a", "ask_b", "intro", "follow_up"}, "proposed_at",
"asked_a_at", "asked_b_at", "introduced_at", "followed_up_at", "declined_at"}
ReferralJSON: {"id", "referrer": PersonRef, "person": PersonRef, "note", "created_at",
"researched_at", "thanked_at"}
ReadingJSON: {"id", "title", "url", "created_at", "archived", "shared_with": [id]}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from amity.network.insights import Insights
from amity.network.introductions import Suggestions
from amity.network.models import Introduction, ReadingItem, Referral
from amity.network.optin import NEXT_ACTION, next_step
from amity.network.services import ShareResult
from amity.people.models import Person


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def person_ref(person: Person) -> dict[str, Any]:
    """Return the short form of a person that network answers embed."""
    return {
        "id": person.pk,
        "name": person.full_name,
        "title": person.title,
        "company": person.company,
        "field": person.field,
    }


def reading_json(item: ReadingItem) -> dict[str, Any]:
    """Return a reading-list item as JSON."""
    return {
        "id": item.pk,
        "title": item.title,
        "url": item.url,
        "created_at": _when(item.created_at),
        "archived": item.archived,
        "shared_with": sorted(p.pk for p in item.shared_with.all()),
    }


def share_json(result: ShareResult) -> dict[str, Any]:
    """Return the answer of `share` as JSON."""
    return {
        "text_model": result.text_model,
        "backend": result.kind,
        "subject": result.subject,
        "pending": result.pending,
        "stands_out": result.stands_out,
        "matches": [
            {
                "person": person_ref(m.person),
                "score": m.score,
                "confidence": m.confidence,
                "reasons": [dataclasses.asdict(r) for r in m.reasons],
                "draft": m.draft,
            }
            for m in result.matches
        ],
        "logged": result.logged.pk if result.logged else None,
        "saved": reading_json(result.reading_item) if result.reading_item else None,
    }


def suggestions_json(result: Suggestions) -> dict[str, Any]:
    """Return introduction suggestions as JSON."""
    return {
        "text_model": result.text_model,
        "backend": result.kind,
        "people": result.people,
        "pending": result.pending,
        "suggestions": [
            {
                "a": person_ref(s.a),
                "b": person_ref(s.b),
                "score": s.score,
                "reasons": [dataclasses.asdict(r) for r in s.reasons],
            }
            for s in result.items
        ],
    }


def introduction_json(intro: Introduction) -> dict[str, Any]:
    """Return an introduction and its drafts as JSON."""
    return {
        "id": intro.pk,
        "state": intro.state,
        "state_label": intro.get_state_display(),
        "next_action": NEXT_ACTION.get(Introduction.State(intro.state)),
        "next_step": next_step(intro),
        "a": person_ref(intro.person_a),
        "b": person_ref(intro.person_b),
        "reason": intro.reason,
        "drafts": {
            "ask_a": intro.ask_a_draft,
            "ask_b": intro.ask_b_draft,
            "intro": intro.intro_draft,
            "follow_up": intro.follow_up_draft,
        },
        "proposed_at": _when(intro.proposed_at),
        "asked_a_at": _when(intro.asked_a_at),
        "agreed_a_at": _when(intro.agreed_a_at),
        "asked_b_at": _when(intro.asked_b_at),
        "agreed_b_at": _when(intro.agreed_b_at),
        "introduced_at": _when(intro.introduced_at),
        "followed_up_at": _when(intro.followed_up_at),
        "declined_at": _when(intro.declined_at),
    }


def referral_json(referral: Referral) -> dict[str, Any]:
    """Return a referral as JSON."""
    return {
        "id": referral.pk,
        "referrer": person_ref(referral.referrer),
        "person": person_ref(referral.person),
        "note": referral.note,
        "created_at": _when(referral.created_at),
        "researched_at": _when(referral.researched_at),
        "thanked_at": _when(referral.thanked_at),
    }


def insights_json(found: Insights) -> dict[str, Any]:
    """Return the breadth measures as JSON (the `Breadth` dataclass, field for field)."""
    data = dataclasses.asdict(found.breadth)
    for group in (*data["by_field"], *data["by_circle"]):
        people = group["people"]
        group["mean_strength"] = round(group["strength"] / people, 3) if people else 0.0
    for item in data["warm_up"]:
        item["last_interaction"] = _when(item["last_interaction"])
    data["strength_source"] = found.strength_source
    return data
