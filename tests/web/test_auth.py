"""Test signing in and out, the login requirement and CSRF protection."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import FormClient

PAGES_WITHOUT_ARGUMENTS = ["home", "people", "person_new"]


def test_it_signs_in_through_the_form_and_lands_on_today(user) -> None:
    client = FormClient()
    response = client.submit(
        reverse("login"),
        reverse("login"),
        {"username": "ada", "password": "correct horse battery"},
        follow=True,
    )
    # Home is the Today page (issue 4).
    assert response.redirect_chain[-1][0] == reverse("home") == "/"
    assert response.wsgi_request.user.username == "ada"
    assert b"Sign out" in response.content


def test_it_refuses_a_wrong_password(user) -> None:
    client = FormClient()
    response = client.submit(
        reverse("login"), reverse("login"), {"username": "ada", "password": "nope"}
    )
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", PAGES_WITHOUT_ARGUMENTS)
def test_it_sends_anonymous_visitors_to_the_login_page(db, name: str) -> None:
    response = FormClient().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_it_asks_anonymous_visitors_to_sign_in_for_a_person(ada_network) -> None:
    url = reverse("person", kwargs={"person_id": ada_network["grace"].pk})
    response = FormClient().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_signs_out_with_a_post(web) -> None:
    response = web.submit(reverse("people"), reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert web.get(reverse("people")).status_code == 302


def test_it_rejects_a_post_without_a_csrf_token(web, ada_network) -> None:
    grace = ada_network["grace"]
    response = web.post(reverse("note_new", kwargs={"person_id": grace.pk}), {"body": "sneaky"})
    assert response.status_code == 403
    assert not grace.timeline_notes.filter(body="sneaky").exists()


def test_it_rejects_a_login_without_a_csrf_token(user) -> None:
    response = FormClient().post(
        reverse("login"), {"username": "ada", "password": "correct horse battery"}
    )
    assert response.status_code == 403
