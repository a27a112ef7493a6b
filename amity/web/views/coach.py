"""Read a draft message on the Coach page: verdict, traits, flagged spans, fixes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from amity.inbox import services
from amity.people.models import Person
from amity.people.services import ValidationError


class CoachForm(forms.Form):
    """A draft and, optionally, who it is for."""

    text = forms.CharField(
        label="Your message",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 9, "placeholder": "Paste or write a draft…"}),
    )
    to = forms.CharField(
        label="To (optional)",
        required=False,
        max_length=200,
        help_text="A name, #id or email from your people: the relationship counts too.",
    )


# Flags on whole sentences are listed, not marked: a mark that long would hide the
# phrases flagged inside it.
SENTENCE_FLAGS = frozenset({"no_question", "too_long", "all_about_me"})


def highlight(text: str, flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut the text into plain and flagged segments (overlapping flags are merged)."""
    marks: list[tuple[int, int, list[str]]] = []
    for flag in sorted(flags, key=lambda f: (f["start"], f["end"])):
        if flag["end"] <= flag["start"] or flag.get("code") in SENTENCE_FLAGS:
            continue
        if marks and flag["start"] < marks[-1][1]:
            start, end, labels = marks[-1]
            marks[-1] = (start, max(end, flag["end"]), [*labels, flag["label"]])
        else:
            marks.append((flag["start"], flag["end"], [flag["label"]]))
    segments: list[dict[str, Any]] = []
    at = 0
    for start, end, labels in marks:
        if start > at:
            segments.append({"text": text[at:start], "flags": ""})
        segments.append({"text": text[start:end], "flags": "; ".join(dict.fromkeys(labels))})
        at = end
    if at < len(text):
        segments.append({"text": text[at:], "flags": ""})
    return segments


@login_required
@require_http_methods(["GET", "POST"])
def coach_page(request: HttpRequest) -> HttpResponse:
    """Show the coach form; on POST, review the draft."""
    review = None
    segments: list[dict[str, Any]] = []
    if request.method == "POST":
        form = CoachForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                result = services.coach_message(
                    owner=request.user, text=text, to=form.cleaned_data["to"] or None
                )
            except LookupError as exc:
                form.add_error("to", str(exc))
            except ValidationError as exc:
                form.add_error("text", exc.message)
            else:
                review = result.as_dict()
                segments = highlight(text, review["flags"])
    else:
        initial = {}
        person_id = request.GET.get("to", "")
        if person_id.isdigit():
            person = Person.objects.filter(owner=request.user, pk=int(person_id)).first()
            if person is not None:
                initial["to"] = f"#{person.pk}"
        form = CoachForm(initial=initial)
    return render(
        request, "amity/coach.html", {"form": form, "review": review, "segments": segments}
    )
