"""Let a user change their password and manage their API tokens (the Account page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from amity.accounts import services
from amity.accounts.models import ApiToken
from amity.web.forms import TokenForm


def _render(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    """Render the Account page with the given forms (fresh ones otherwise)."""
    tokens = ApiToken.objects.filter(owner=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "amity/account.html",
        {
            "password_form": context.pop("password_form", None) or PasswordChangeForm(request.user),
            "token_form": context.pop("token_form", None) or TokenForm(),
            "tokens": tokens,
            **context,
        },
        status=status,
    )


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    """Show the password form, the API tokens and where the API is documented."""
    return _render(request)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password (old one first); stay signed in here, out everywhere else."""
    if request.method == "GET":
        return redirect("account")
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _render(request, status=400, password_form=form)
    user = form.save()
    # The new hash would sign this browser out too; keep it in.
    update_session_auth_hash(request, user)
    messages.success(request, "Changed your password. Other browsers were signed out.")
    return redirect("account")


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    """Create an API token and show it once (it is never stored, only its digest)."""
    if request.method == "GET":
        return redirect("account")
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, status=400, token_form=form)
    token, raw = services.create_token(owner=request.user, name=form.cleaned_data["name"])
    # Rendered, not redirected: the raw token must not sit in a session or a message.
    response = _render(request, new_token=raw, new_token_row=token)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens (POST): scripts using it get 401 from now on."""
    get_object_or_404(ApiToken, pk=token_id, owner=request.user)
    if request.method == "GET":
        return redirect("account")
    token = services.revoke_token_id(owner=request.user, token_id=token_id)
    if token is not None:
        messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…).")
    return redirect("account")
