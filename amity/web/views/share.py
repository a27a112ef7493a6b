"""Share a text with the people who would care, and keep the reading list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from amity.domain.embeddings import describe
from amity.network import services
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
    """Show the share box; on POST, the people who would care, why, and drafts."""
    context: dict[str, object] = {
        # A GET with title/text/url comes from the share sheet (the manifest's share_target).
        "text": shared_text(request.GET),
        "limit": 5,
        "text_model": describe(text_backend()),
        "reading": services.reading_list(owner=request.user).prefetch_related("shared_with")[:20],
    }
    if request.method == "POST":
        text = request.POST.get("text", "")
        context.update(text=text, limit=_limit(request.POST.get("limit")))
        try:
            result = services.share(
                owner=request.user,
                text=text,
                limit=_limit(request.POST.get("limit")),
                save=request.POST.get("save") == "on",
            )
        except ValidationError as exc:
            context["error"] = exc.message
        else:
            context["result"] = result
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
    try:
        services.log_share(
            owner=request.user,
            person=person,
            subject=request.POST.get("subject", "")[:300] or "an article",
            draft=request.POST.get("draft", ""),
            reading_item=item,
        )
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Logged that you shared it with {person.full_name}")
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
