"""Test that profiles are embedded by the background worker, and what Share shows meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amity.core.schedule import run_pending_tasks
from amity.domain import embeddings
from amity.network import services, tasks
from amity.network.models import ProfileEmbedding
from amity.network.profiles import stale_people


def _queued(owner: Any) -> list[str]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=tasks.prepare_share.module_path)
    return [r.status for r in rows if r.args_kwargs["args"] == [owner.pk]]


def _three(make_person: Any) -> None:
    # Each create commits and queues on commit (no test transaction: see below).
    make_person("Bea Lindqvist", title="Boat builder", interests=["wooden boats"])
    make_person("Cy Tanaka", title="Software engineer", interests=["compilers"])
    make_person("Ada Okafor", title="Physician", interests=["oncology"])


# The worker closes connections between tasks, as in production: no test transaction.
TRANSACTIONAL = pytest.mark.django_db(transaction=True)


@TRANSACTIONAL
def test_new_people_are_embedded_by_the_worker_not_inside_share(
    model: None, user: Any, make_person: Any
) -> None:
    _three(make_person)
    # One task waits for the three changes; none is embedded yet.
    assert _queued(user) == ["READY"]
    assert tasks.preparing(user)
    waiting = services.share(owner=user, text="Restoring wooden boats", inline_limit=0)
    assert waiting.pending == 3 and not ProfileEmbedding.objects.exists()

    run_pending_tasks()

    assert _queued(user) == ["SUCCESSFUL"] and not tasks.preparing(user)
    assert stale_people(owner=user, model_name=embeddings.memo_model().name) == []
    assert ProfileEmbedding.objects.filter(owner=user).values("person").distinct().count() == 3
    ready = services.share(owner=user, text="Restoring wooden boats", inline_limit=0)
    assert ready.pending == 0 and ready.matches[0].person.full_name == "Bea Lindqvist"


@TRANSACTIONAL
def test_the_lexical_fallback_queues_nothing(tfidf: None, user: Any, make_person: Any) -> None:
    _three(make_person)
    assert _queued(user) == [] and not tasks.preparing(user)


@TRANSACTIONAL
def test_the_share_page_says_what_is_still_being_prepared_instead_of_waiting(
    model: None, user: Any, make_person: Any
) -> None:
    web = Client()
    web.force_login(user)
    _three(make_person)
    assert "preparing your people" in web.get("/share/").content.decode()
    html = web.post("/share/", {"text": "Restoring wooden boats"}).content.decode()
    assert "Still preparing 3 profiles in the background" in html
    assert "No profile is ready yet" in html and "Nothing in your people" not in html
    assert not ProfileEmbedding.objects.exists()
    run_pending_tasks()
    html = web.post("/share/", {"text": "Restoring wooden boats"}).content.decode()
    assert "Still preparing" not in html and "Bea Lindqvist" in html


def test_i_sent_it_keeps_the_text_and_the_other_suggestions(
    tfidf: None, user: Any, network: dict, make_person: Any
) -> None:
    make_person("Gus Harbour", title="Shipwright", interests=["wooden boats", "sailing"])
    make_person("Hal Keel", title="Boat restorer", interests=["wooden boats", "boat restoration"])
    web = Client()
    web.force_login(user)
    text = "Restoring wooden boats: sailing, boat restoration and boat builders"
    first = web.post("/share/", {"text": text, "limit": "3"})
    shown = [m["person"] for m in first.context["result"]["matches"]]
    assert len(shown) == 3 and network["sailor"] in shown
    sent = shown.index(network["sailor"])
    response = web.post(
        "/share/log/",
        {"person_id": shown[sent].pk, "subject": "wooden boats", "draft": "Hi Bea, this one!"},
    )
    assert response["Location"] == "/share/?last=1"
    page = web.get(response["Location"])
    html = page.content.decode()
    assert f">{text}</textarea>" in html
    assert "Logged that you shared it with Bea Lindqvist" in html
    matches = page.context["result"]["matches"]
    assert [m["person"] for m in matches] == shown
    assert [m["sent"] for m in matches] == [i == sent for i in range(3)]
    assert "Hi Bea, this one!" in html and html.count("I sent it: log a deposit") == 2
