"""Suggest introductions, walk them through double opt-in, and follow referrals."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from amity.network import introductions as intros
from amity.network import optin, services, tasks
from amity.network.models import Introduction, Referral
from amity.network.profiles import text_backend
from amity.people.models import Person
from amity.people.services import ValidationError, find_person

# The person pickers offer this many people (most in touch first) as typing hints;
# anyone else is found by name, email or #id as they are typed.
PICKER_HINTS = 300
_PICKED = re.compile(r"#(\d+)\s*$")


def _person(request: HttpRequest, key: str) -> Person:
    """Return the person a picker names: an id, "Name #id" from the hints, or any ref."""
    ref = request.POST.get(key, "").strip()
    picked = _PICKED.search(ref)
    if ref.isdigit() or picked:
        pk = int(ref) if ref.isdigit() else int(picked.group(1)) if picked else 0
        return get_object_or_404(Person, owner=request.user, pk=pk)
    if not ref:
        raise LookupError("choose two people")
    return find_person(owner=request.user, ref=ref)


def _intro(request: HttpRequest, intro_id: int) -> Introduction:
    return get_object_or_404(
        Introduction.objects.select_related("person_a", "person_b"),
        owner=request.user,
        pk=intro_id,
    )


@login_required
def intros_page(request: HttpRequest) -> HttpResponse:
    """Show introductions under way, suggestions, and referrals with what to do next."""
    # While the worker embeds the profiles, suggest from those ready: never a long wait.
    preparing = text_backend() == "model" and tasks.preparing(request.user)
    suggestions = intros.suggest_introductions(
        owner=request.user, limit=10, inline_limit=0 if preparing else None
    )
    first = request.GET.get("a", "")
    chosen = (
        Person.objects.filter(owner=request.user, pk=int(first)).first()
        if first.isdigit()
        else None
    )
    hints = Person.objects.filter(owner=request.user).order_by("-interaction_count", "sort_name")
    return render(
        request,
        "amity/intros.html",
        {
            "chosen": chosen,
            "preparing": preparing,
            "hints": hints.values("pk", "full_name")[:PICKER_HINTS],
            "active": [
                (i, optin.next_step(i))
                for i in optin.introductions_for(owner=request.user, active=True)
            ],
            "finished": [
                (i, optin.state_text(i))
                for i in optin.introductions_for(owner=request.user, active=False)[:20]
            ],
            "suggestions": suggestions,
            "steps": optin.pending_intro_steps(owner=request.user),
            "referrals": services.referrals_for(owner=request.user)[:50],
            "referral_steps": services.referral_steps(owner=request.user),
        },
    )


@login_required
@require_POST
def intro_propose(request: HttpRequest) -> HttpResponse:
    """Start an introduction between any two people; open it to edit the drafts."""
    try:
        a, b = _person(request, "a"), _person(request, "b")
        intro = optin.propose_introduction(
            owner=request.user, a=a, b=b, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.message)
        return redirect("intros")
    except LookupError as exc:
        messages.error(request, str(exc).strip("'\""))
        return redirect("intros")
    messages.success(request, f"Proposed introducing {a.full_name} and {b.full_name}")
    return redirect("intro_detail", intro_id=intro.pk)


@login_required
@require_POST
def intro_dismiss(request: HttpRequest) -> HttpResponse:
    """Never suggest this pair again."""
    a, b = _person(request, "a"), _person(request, "b")
    try:
        optin.dismiss_pair(owner=request.user, a=a, b=b)
    except ValidationError as exc:
        messages.error(request, exc.message)
    except LookupError as exc:
        messages.error(request, str(exc).strip("'\""))
    else:
        messages.success(request, f"Won't suggest {a.full_name} and {b.full_name} again")
    return redirect("intros")


@login_required
@require_http_methods(["GET", "POST"])
def intro_detail(request: HttpRequest, intro_id: int) -> HttpResponse:
    """Show an introduction and its drafts; on POST, save the edited drafts."""
    intro = _intro(request, intro_id)
    if request.method == "POST":
        drafts = {
            name: request.POST[name]
            for name in ("ask_a_draft", "ask_b_draft", "intro_draft", "follow_up_draft")
            if name in request.POST
        }
        optin.update_drafts(introduction=intro, **drafts)
        messages.success(request, "Saved the drafts")
        return redirect("intro_detail", intro_id=intro.pk)
    next_action = optin.NEXT_ACTION.get(Introduction.State(intro.state))
    draft_field = optin.DRAFT_OF_ACTION.get(next_action or "")
    waiting_for = {"answer A": intro.person_a, "answer B": intro.person_b}.get(next_action or "")
    return render(
        request,
        "amity/intro_detail.html",
        {
            "intro": intro,
            "state": optin.state_text(intro),
            "next_step": optin.next_step(intro),
            "button": optin.step_button(intro),
            "next_draft": getattr(intro, draft_field) if draft_field else "",
            "waiting_for": waiting_for,
            "waiting_side": (next_action or "")[-1:].lower(),
            "drafts": [
                ("ask_a_draft", f"Ask {intro.person_a.full_name}", intro.ask_a_draft),
                ("ask_b_draft", f"Ask {intro.person_b.full_name}", intro.ask_b_draft),
                ("intro_draft", "The introduction", intro.intro_draft),
                ("follow_up_draft", "Follow-up", intro.follow_up_draft),
            ],
            "active": intro.state in optin.ACTIVE_STATES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def intro_advance(request: HttpRequest, intro_id: int) -> HttpResponse:
    """Take the next step (with the text actually sent) and log it (POST)."""
    intro = _intro(request, intro_id)
    if request.method == "GET":
        return redirect("intro_detail", intro_id=intro.pk)
    draft = request.POST.get("draft")
    try:
        intro = optin.advance_introduction(introduction=intro, draft=draft)
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        then = optin.next_step(intro)
        done = optin.state_text(intro)
        messages.success(request, f"Done: {done}." + (f" Next: {then}." if then else ""))
    return redirect("intro_detail", intro_id=intro.pk)


@login_required
@require_http_methods(["GET", "POST"])
def intro_answer(request: HttpRequest, intro_id: int) -> HttpResponse:
    """Record what A or B said when asked: yes opens the next step, no declines it (POST)."""
    intro = _intro(request, intro_id)
    if request.method == "GET":
        return redirect("intro_detail", intro_id=intro.pk)
    by, agreed = request.POST.get("by", ""), request.POST.get("answer") == "yes"
    try:
        intro = optin.answer_introduction(
            introduction=intro, by=by, agreed=agreed, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        who = intro.person_a if by == "a" else intro.person_b
        said = "said yes" if agreed else "said no; Amity will not suggest them again"
        messages.success(request, f"Recorded: {who.full_name} {said}.")
    return redirect("intro_detail", intro_id=intro.pk)


@login_required
@require_http_methods(["GET", "POST"])
def intro_decline(request: HttpRequest, intro_id: int) -> HttpResponse:
    """Record who said no; the pair is never suggested again (POST)."""
    intro = _intro(request, intro_id)
    if request.method == "GET":
        return redirect("intro_detail", intro_id=intro.pk)
    try:
        intro = optin.decline_introduction(
            introduction=intro, by=request.POST.get("by", ""), note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, optin.state_text(intro))
    return redirect("intro_detail", intro_id=intro.pk)


@login_required
@require_POST
def referral_add(request: HttpRequest) -> HttpResponse:
    """Record "A recommended I talk to B, C, D" from names, emails or #ids."""
    refs = [r.strip() for r in request.POST.get("people", "").split(",") if r.strip()]
    try:
        referrer = find_person(owner=request.user, ref=request.POST.get("referrer", ""))
        people = [find_person(owner=request.user, ref=ref) for ref in refs]
        made = services.add_referrals(
            owner=request.user, referrer=referrer, people=people, note=request.POST.get("note", "")
        )
    except (LookupError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        names = ", ".join(r.person.full_name for r in made)
        messages.success(request, f"Recorded: {referrer.full_name} recommended {names}")
    return redirect("intros")


@login_required
@require_http_methods(["GET", "POST"])
def referral_step(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Mark a referral researched, or thank the referrer (a thanks deposit) (POST)."""
    referral = get_object_or_404(
        Referral.objects.select_related("referrer", "person"), owner=request.user, pk=referral_id
    )
    if request.method == "GET":
        return redirect("intros")
    if request.POST.get("action") == "thank":
        services.thank_referrer(referral=referral)
        messages.success(request, f"Logged your thanks to {referral.referrer.full_name}")
    else:
        services.mark_researched(referral=referral)
        messages.success(request, f"Marked {referral.person.full_name} as researched")
    return redirect("intros")
