"""Test the Account page: change the password, create and revoke API tokens."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from amity.accounts.models import ApiToken
from tests.web.conftest import FormClient


def test_it_changes_the_password_with_the_old_one(web, user) -> None:
    page = reverse("account")
    wrong = web.submit(
        page,
        reverse("account_password"),
        {
            "old_password": "not it",
            "new_password1": "a much longer secret",
            "new_password2": "a much longer secret",
        },
    )
    assert wrong.status_code == 400
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    changed = web.submit(
        page,
        reverse("account_password"),
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer secret",
            "new_password2": "a much longer secret",
        },
        follow=True,
    )
    assert "Changed your password" in changed.content.decode()
    # Still signed in here; the new password works, the old one no longer does.
    assert web.get(page).status_code == 200
    user.refresh_from_db()
    assert user.check_password("a much longer secret")
    assert not Client().login(username="ada", password="correct horse battery")


def test_it_shows_a_new_token_once_and_revokes_it(web, user) -> None:
    page = reverse("account")
    assert "/api/v1/docs" in web.get(page).content.decode()
    created = web.submit(page, reverse("account_token_create"), {"name": "laptop script"})
    html = created.content.decode()
    raw = re.search(r'id="new-token">(amity_[^<]+)<', html).group(1)
    assert "no-store" in created["Cache-Control"]
    token = ApiToken.objects.get(owner=user)
    assert token.name == "laptop script" and raw not in token.digest
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/me").status_code == 200
    listed = web.get(page).content.decode()
    assert "laptop script" in listed and raw not in listed
    revoked = web.submit(
        page, reverse("account_token_revoke", kwargs={"token_id": token.pk}), follow=True
    )
    assert "Revoked the token" in revoked.content.decode()
    assert api.get("/api/v1/me").status_code == 401


def test_it_refuses_a_token_without_a_name(web, user) -> None:
    response = web.submit(reverse("account"), reverse("account_token_create"), {"name": ""})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_another_user_cannot_revoke_the_token(user, other_user) -> None:
    from amity.accounts.services import create_token

    token, _ = create_token(owner=user, name="ada's")
    bob = FormClient()
    bob.force_login(other_user)
    csrf = bob.csrf_token(reverse("account"))
    response = bob.post(
        reverse("account_token_revoke", kwargs={"token_id": token.pk}),
        {"csrfmiddlewaretoken": csrf},
    )
    assert response.status_code == 404 and ApiToken.objects.filter(pk=token.pk).exists()
