"""Test that one user never reaches another's people, interactions or notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, reverse

from amity.accounts.models import ApiToken
from amity.accounts.services import create_token
from amity.core.models import UndoRecord
from amity.importers.models import ImportJob, ImportRun
from amity.people import services, timeline
from amity.people.models import Interaction, Note, Person, Tag
from amity.relationships.models import CadenceOverride
from amity.sync.models import MailAccount
from amity.web import urls as web_urls
from tests.web.conftest import FormClient

# Every web route that takes an id, and how to fill it with ada's objects. A route
# added without a line here fails test_it_checks_every_route_that_takes_an_id.
ROUTES: dict[str, list[dict[str, str]]] = {
    "person": [{"person_id": "ada"}],
    "person_edit": [{"person_id": "ada"}],
    "person_delete": [{"person_id": "ada"}],
    "interaction_new": [{"person_id": "ada"}],
    "note_new": [{"person_id": "ada"}],
    "interaction_delete": [
        {"person_id": "ada", "interaction_id": "ada"},
        {"person_id": "bob", "interaction_id": "ada"},
    ],
    "note_delete": [
        {"person_id": "ada", "note_id": "ada"},
        {"person_id": "bob", "note_id": "ada"},
    ],
    "interaction_edit": [
        {"person_id": "ada", "interaction_id": "ada"},
        {"person_id": "bob", "interaction_id": "ada"},
    ],
    "note_edit": [
        {"person_id": "ada", "note_id": "ada"},
        {"person_id": "bob", "note_id": "ada"},
    ],
    "undo": [{"record_id": "ada"}],
    "account_token_revoke": [{"token_id": "ada"}],
    "today_done": [{"person_id": "ada"}],
    "today_snooze": [{"person_id": "ada"}],
    "person_cadence": [{"person_id": "ada"}],
    "tag_cadence": [{"tag_id": "ada"}],
    "inbox_label": [{"interaction_id": "ada"}],
    "inbox_unlabel": [{"interaction_id": "ada"}],
    "inbox_move": [{"interaction_id": "ada"}],
    "reading_archive": [{"item_id": "ada"}],
    "intro_detail": [{"intro_id": "ada"}],
    "intro_advance": [{"intro_id": "ada"}],
    "intro_decline": [{"intro_id": "ada"}],
    "intro_answer": [{"intro_id": "ada"}],
    "referral_step": [{"referral_id": "ada"}],
    "sync_now": [{"kind": "ada", "pk": "ada"}],
    "sync_remove": [{"kind": "ada", "pk": "ada"}],
    "import_job": [{"job_id": "ada"}],
    "import_job_progress": [{"job_id": "ada"}],
    "import_run": [{"run_id": "ada"}],
}
CASES = [(name, spec) for name, specs in ROUTES.items() for spec in specs]
IDS = [f"{name}-{'-'.join(spec.values())}" for name, spec in CASES]
# A plausible body for every form, so a 404 cannot be a validation error in disguise.
POST_DATA = {
    "full_name": "Hijacked",
    "body": "Hijacked",
    "occurred_on": "2024-01-01",
    "channel": "call",
    "direction": "outbound",
    "intent": "neutral",
    "summary": "Hijacked",
    "cadence": "weekly",
}


@pytest.fixture
def two_networks(user, other_user) -> dict[str, dict[str, Any]]:
    """Give ada a person with an interaction and a note, and bob a person of his own."""
    from amity.network import optin
    from amity.network import services as network

    ada_person = services.create_person(owner=user, full_name="Ada's Friend", tags=["secret"])
    ada_other = services.create_person(owner=user, full_name="Ada's Colleague")
    bob_person = services.create_person(owner=other_user, full_name="Bob's Friend")
    networks = {
        "ada": {
            "person_id": ada_person.pk,
            "tag_id": Tag.objects.get(owner=user, name="secret").pk,
            "interaction_id": timeline.log_interaction(owner=user, people=[ada_person]).pk,
            "note_id": timeline.add_note(person=ada_person, body="private").pk,
            "record_id": timeline.delete_note(
                note=timeline.add_note(person=ada_person, body="deleted")
            ).pk,
            "token_id": create_token(owner=user, name="ada's script")[0].pk,
            "item_id": network.save_reading(owner=user, text="Heat pumps in old houses").pk,
            "intro_id": optin.propose_introduction(owner=user, a=ada_person, b=ada_other).pk,
            "referral_id": network.add_referrals(
                owner=user, referrer=ada_person, people=[ada_other]
            )[0].pk,
            # A mail account (sync): kind and pk name it in the sync routes.
            "kind": "mail",
            "pk": MailAccount.objects.create(
                owner=user,
                name="home",
                host="imap.example.org",
                username="ada",
                sealed_password="x",
            ).pk,
        },
        "bob": {"person_id": bob_person.pk},
    }
    ada = networks["ada"]
    ada["job_id"] = ImportJob.objects.create(owner=user, format="google", file_name="a.csv").pk
    ada["run_id"] = ImportRun.objects.create(owner=user, format="google", file_name="a.csv").pk
    return networks


@pytest.fixture
def bob(other_user) -> FormClient:
    """Return a CSRF-enforcing client signed in as bob."""
    client = FormClient()
    client.force_login(other_user)
    return client


def fill(spec: dict[str, str], networks: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Turn {"person_id": "ada"} into {"person_id": <ada's person id>}."""
    return {arg: networks[whose][arg] for arg, whose in spec.items()}


def snapshot() -> tuple[list[Any], ...]:
    """Return everything ada's objects could lose or gain from bob's requests."""
    from django_tasks_db.models import DBTaskResult

    from amity.network.models import Introduction, ReadingItem, Referral

    return (
        list(Introduction.objects.order_by("pk").values_list("pk", "state")),
        list(ReadingItem.objects.order_by("pk").values_list("pk", "archived")),
        list(Referral.objects.order_by("pk").values_list("pk", "researched_at", "thanked_at")),
        list(Person.objects.order_by("pk").values_list("pk", "full_name", "interaction_count")),
        list(Interaction.objects.order_by("pk").values_list("pk", "summary")),
        list(Note.objects.order_by("pk").values_list("pk", "body")),
        list(CadenceOverride.objects.order_by("pk").values_list("pk", "person", "tag", "days")),
        list(MailAccount.objects.order_by("pk").values_list("pk", "name")),
        list(DBTaskResult.objects.order_by("pk").values_list("pk", "args_kwargs")),
        list(UndoRecord.objects.order_by("pk").values_list("pk", "undone_at")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "name")),
    )


def test_it_checks_every_route_that_takes_an_id() -> None:
    with_ids = {
        p.name for p in web_urls.urlpatterns if isinstance(p, URLPattern) and p.pattern.converters
    }
    # The calendar feed and the digest's one-click links take a secret or signed token,
    # not an id: tests/reminders/test_calendar.py and tests/reminders/test_links.py.
    assert with_ids - {"calendar_feed", "reminder_link"} == set(ROUTES)


@pytest.mark.parametrize(("name", "spec"), CASES, ids=IDS)
def test_it_answers_404_to_get_for_another_users_objects(bob, two_networks, name, spec) -> None:
    response = bob.get(reverse(name, kwargs=fill(spec, two_networks)))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "spec"), CASES, ids=IDS)
def test_it_answers_404_to_post_for_another_users_objects(bob, two_networks, name, spec) -> None:
    before = snapshot()
    # A valid CSRF token from bob's own page, so only ownership can refuse the POST.
    token = bob.csrf_token(reverse("people"))
    response = bob.post(
        reverse(name, kwargs=fill(spec, two_networks)),
        {**POST_DATA, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_it_lets_the_owner_reach_the_same_routes(user, two_networks) -> None:
    client = FormClient()
    client.force_login(user)
    ada_only = [(n, s) for n, s in CASES if "bob" not in s.values()]
    for name, spec in ada_only:
        response = client.get(reverse(name, kwargs=fill(spec, two_networks)))
        assert response.status_code in (200, 302), name


def test_it_lists_only_the_users_own_people(bob, two_networks) -> None:
    html = bob.get(reverse("people"), {"q": "friend"}).content.decode()
    assert "Bob&#x27;s Friend" in html and "Ada&#x27;s Friend" not in html
    # "#<id>" opens a person directly, but never someone else's.
    ada_ref = f"#{two_networks['ada']['person_id']}"
    assert bob.get(reverse("people"), {"q": ada_ref}).status_code == 200
