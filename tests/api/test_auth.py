"""Test API authentication: personal tokens, sessions with CSRF, and the 401s."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from amity.accounts.models import ApiToken
from amity.accounts.services import create_token, revoke_token
from amity.people.models import Person

ME = "/api/v1/me"
PEOPLE = "/api/v1/people"


def test_it_authenticates_a_personal_token(user: User) -> None:
    token, raw = create_token(owner=user, name="script")
    response = Client().get(ME, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "ada" and response.json()["id"] == user.pk
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer amity_not-a-real-token",
        "Bearer not-even-the-prefix",
        "Bearer ",
        "Basic YWRhOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_401_json_without_valid_credentials(
    user: User, header: str | None, method: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = getattr(Client(), method)(PEOPLE, headers=headers)
    # A script with a wrong token hears 401, not a CSRF 403.
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Unauthorized"}


def test_it_refuses_a_revoked_token(user: User) -> None:
    token, raw = create_token(owner=user)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(ME).status_code == 200
    assert revoke_token(owner=user, prefix=token.prefix) == 1
    assert client.get(ME).status_code == 401


def test_it_refuses_the_token_of_an_inactive_user(user: User) -> None:
    _, raw = create_token(owner=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert Client().get(ME, headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_it_stores_only_a_digest_of_the_token(user: User) -> None:
    _, raw = create_token(owner=user)
    stored = ApiToken.objects.get(owner=user)
    assert raw not in (stored.digest, stored.prefix) and raw.startswith(stored.prefix)


def test_it_accepts_a_session_for_reading(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="ada", password="correct horse battery")
    assert client.get(ME).json()["username"] == "ada"


def test_it_refuses_a_session_post_without_the_csrf_token(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(PEOPLE, {"full_name": "Ada"}, content_type="application/json")
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_it_accepts_a_session_post_with_the_csrf_token(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    # The docs page sends the CSRF cookie, as any page of the web app does.
    assert client.get("/api/v1/docs").status_code == 200
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        PEOPLE,
        {"full_name": "Ada Lovelace"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get().owner == user
    person_url = f"{PEOPLE}/{response.json()['id']}"
    assert client.delete(person_url).status_code == 403
    assert client.delete(person_url, headers={"X-CSRFToken": csrf}).status_code == 204


def test_it_needs_no_csrf_token_with_a_personal_token(user: User) -> None:
    _, raw = create_token(owner=user)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post(PEOPLE, {"full_name": "Ada"}, content_type="application/json")
    assert response.status_code == 201
