"""Share a text with the people who would care, and keep the reading list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from amity.domain.embeddings import describe
from amity.network import services, tasks
from amity.network.models import ReadingItem
from amity.network.profiles import text_backend
from amity.people.models import Person
from amity.people.services import ValidationError

MAX_LIMIT = 20


def _limit(raw: str | None) -> int:
    try:
        return max(1, min(MAX_LIMIT, int(raw or 5)))
    except ValueError:
        return 5


# The session key of the last answer, so "I sent it" comes back to the same page.
LAST_KEY = "share_last"


def _kept(result: services.ShareResult, text: str, limit: int) -> dict[str, Any]:
    """Return what the page shows of an answer, as JSON the session can keep."""
    return {
        "text": text,
        "limit": limit,
        "subject": result.subject,
        "stands_out": result.stands_out,
        "pending": result.pending,
        "reading_item": result.reading_item.pk if result.reading_item else None,
        "matches": [
            {
                "person": m.person.pk,
                "confidence": m.confidence,
                "reasons": [{"kind": r.kind, "quote": r.quote} for r in m.reasons],
                "draft": m.draft,
            }
            for m in result.matches
        ],
        "sent": {},
    }


def _shown(request: HttpRequest, kept: dict[str, Any]) -> dict[str, Any]:
    """Return a kept answer with its people (still the user's) and what was sent."""
    people = Person.objects.filter(owner=request.user).in_bulk(
        [m["person"] for m in kept["matches"]]
    )
    item = ReadingItem.objects.filter(owner=request.user, pk=kept["reading_item"] or 0).first()
    matches = []
    for m in kept["matches"]:
        if m["person"] in people:
            sent = kept["sent"].get(str(m["person"]))
            matches.append({**m, "person": people[m["person"]], "sent": sent is not None})
            if sent is not None:
                matches[-1]["draft"] = sent
    return {**kept, "matches": matches, "reading_item": item}


def shared_text(params: QueryDict) -> str:
    """Join what a phone's share sheet sent (title, text, url) into the share box's text.

    Apps fill these differently (some put the link in text, some in url), so each part
    is kept once, in the order a reader would want it.
    """
    parts: list[str] = []
    for key in ("title", "text", "url"):
        value = params.get(key, "").strip()
        if value and not any(value in part for part in parts):
            parts.append(value)
    return "\n\n".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def share_page(request: HttpRequest) -> HttpResponse:
    """Show the share box; on POST, the people who would care, why, and drafts.

    The answer is kept in the session, so after "I sent it" for one person the page
    comes back with the same text and the other suggestions.
    """
    preparing = text_backend() == "model" and tasks.preparing(request.user)
    context: dict[str, object] = {
        # A GET with title/text/url comes from the share sheet (the manifest's share_target).
        "text": shared_text(request.GET),
        "limit": 5,
        "text_model": describe(text_backend()),
        "reading": services.reading_list(owner=request.user).prefetch_related("shared_with")[:20],
        "preparing": preparing,
    }
    kept = request.session.get(LAST_KEY)
    if request.method == "GET" and request.GET.get("last") and kept:
        context.update(text=kept["text"], limit=kept["limit"], result=_shown(request, kept))
    if request.method == "POST":
        text = request.POST.get("text", "")
        limit = _limit(request.POST.get("limit"))
        context.update(text=text, limit=limit)
        try:
            result = services.share(
                owner=request.user,
                text=text,
                limit=limit,
                save=request.POST.get("save") == "on",
                # While the worker embeds, answer from what is ready: never a long wait.
                inline_limit=0 if preparing else None,
            )
        except ValidationError as exc:
            context["error"] = exc.message
        else:
            request.session[LAST_KEY] = kept = _kept(result, text, limit)
            context["result"] = _shown(request, kept)
            if result.reading_item is not None:
                messages.success(
                    request, f"Saved “{result.reading_item.title}” to the reading list"
                )
    return render(request, "amity/share.html", context)


@login_required
@require_POST
def share_log(request: HttpRequest) -> HttpResponse:
    """Record that the user sent the text to one person (a shared_content deposit)."""
    person = get_object_or_404(Person, owner=request.user, pk=request.POST.get("person_id") or 0)
    item = None
    if request.POST.get("reading_item_id"):
        item = get_object_or_404(
            ReadingItem, owner=request.user, pk=request.POST.get("reading_item_id")
        )
    draft = request.POST.get("draft", "")
    try:
        services.log_share(
            owner=request.user,
            person=person,
            subject=request.POST.get("subject", "")[:300] or "an article",
            draft=draft,
            reading_item=item,
        )
    except ValidationError as exc:
        messages.error(request, exc.message)
        return redirect("share")
    messages.success(request, f"Logged that you shared it with {person.full_name}")
    kept = request.session.get(LAST_KEY)
    if kept and any(m["person"] == person.pk for m in kept["matches"]):
        kept["sent"][str(person.pk)] = draft
        request.session[LAST_KEY] = kept
        return redirect(reverse("share") + "?last=1")
    return redirect("share")


@login_required
@require_http_methods(["GET", "POST"])
def reading_archive(request: HttpRequest, item_id: int) -> HttpResponse:
    """Take an item off the reading list (POST; GET only checks ownership and goes back)."""
    item = get_object_or_404(ReadingItem, owner=request.user, pk=item_id)
    if request.method == "GET":
        return redirect("share")
    services.archive_reading(item=item)
    messages.success(request, f"Archived “{item.title}”")
    return redirect("share")
