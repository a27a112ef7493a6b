"""Test the Share, Introductions and Insights pages: flows, charts and isolation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from amity.network import optin, services
from amity.network.models import Introduction, ReadingItem, Referral
from amity.people.models import Interaction


@pytest.fixture
def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_a_login(client: Client) -> None:
    for page in ("/share/", "/intros/", "/insights/"):
        response = client.get(page)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_share_shows_people_reasons_and_drafts(tfidf: None, web: Client, network: dict) -> None:
    page = web.get("/share/")
    assert page.status_code == 200 and b"lexical fallback" in page.content
    response = web.post("/share/", {"text": "Restoring wooden boats", "limit": "3", "save": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bea Lindqvist" in html and "<q>wooden boats</q>" in html
    assert "Hi Bea, saw this and thought of your work on wooden boats" in html
    assert re.search(r'<span class="badge">(strong match|maybe)</span>', html)
    assert "Nobody stands out" not in html
    assert ReadingItem.objects.filter(title="Restoring wooden boats").exists()


def test_share_says_when_nobody_stands_out(
    model: None, web: Client, user: Any, make_person: Any
) -> None:
    for i, title in enumerate(("Accountant", "Auditor", "Bookkeeper", "Tax adviser", "Actuary")):
        make_person(f"Person {i}", title=title, field="Finance")
    response = web.post("/share/", {"text": "Tonight: a quick weeknight lasagne", "limit": "5"})
    html = response.content.decode()
    assert "Nobody stands out. The closest few, as long shots:" in html
    assert html.count('<span class="badge">long shot</span>') == 3


def test_share_rejects_empty_text(tfidf: None, web: Client, network: dict) -> None:
    response = web.post("/share/", {"text": " "})
    assert response.status_code == 200
    assert b"paste some text" in response.content


def test_share_log_records_a_deposit(tfidf: None, web: Client, network: dict) -> None:
    item = services.save_reading(owner=network["sailor"].owner, text="Wooden boats")
    response = web.post(
        "/share/log/",
        {
            "person_id": network["sailor"].pk,
            "subject": "Wooden boats",
            "draft": "Hi Bea",
            "reading_item_id": item.pk,
        },
    )
    assert response.status_code == 302
    logged = Interaction.objects.get()
    assert (logged.subtype, logged.content) == ("shared_content", "Hi Bea")
    assert list(item.shared_with.all()) == [network["sailor"]]


def test_share_log_and_archive_refuse_others_data(
    tfidf: None, web: Client, other_user: Any, make_person: Any, network: dict
) -> None:
    theirs = make_person("Zed", owner=other_user)
    item = services.save_reading(owner=other_user, text="Their article")
    assert web.post("/share/log/", {"person_id": theirs.pk}).status_code == 404
    assert web.post(f"/reading/{item.pk}/archive/").status_code == 404
    assert Interaction.objects.count() == 0 and not ReadingItem.objects.get().archived


def test_intros_page_proposes_advances_and_declines(
    tfidf: None, web: Client, make_person: Any
) -> None:
    ann = make_person("Ann Law", field="Law", interests=["beekeeping"])
    ben = make_person("Ben Med", field="Medicine", interests=["beekeeping"])
    page = web.get("/intros/").content.decode()
    assert "Ann Law" in page and "both care about “beekeeping”" in page
    response = web.post("/intros/propose/", {"a": ann.pk, "b": ben.pk, "reason": "bees"})
    intro = Introduction.objects.get()
    assert response["Location"] == f"/intros/{intro.pk}/"
    detail = web.get(f"/intros/{intro.pk}/").content.decode()
    assert "Next: Ask Ann whether they&#x27;d like to meet Ben" in detail
    assert ">Ask Ann</button>" in detail and "Hi Ann, would you like me to introduce you" in detail
    web.post(f"/intros/{intro.pk}/", {"ask_b_draft": "Ben, meet Ann?"})
    web.post(f"/intros/{intro.pk}/advance/", {"draft": "Ann, meet Ben?"})
    waiting = web.get(f"/intros/{intro.pk}/").content.decode()
    assert "Waiting for Ann&#x27;s answer" in waiting and ">Ann said yes</button>" in waiting
    assert "intro_advance" not in waiting and "/advance/" not in waiting
    web.post(f"/intros/{intro.pk}/answer/", {"by": "a", "answer": "yes"})
    assert ">Ask Ben</button>" in web.get(f"/intros/{intro.pk}/").content.decode()
    web.post(f"/intros/{intro.pk}/advance/")
    intro.refresh_from_db()
    assert intro.state == "asked_b" and intro.agreed_a_at
    assert [i.content for i in Interaction.objects.filter(direction="outbound").order_by("id")] == [
        "Ann, meet Ben?",
        "Ben, meet Ann?",
    ]
    web.post(f"/intros/{intro.pk}/decline/", {"by": "b"})
    intro.refresh_from_db()
    assert intro.state == "declined_b"
    page = web.get("/intros/").content.decode()
    suggested = page.split("Who should meet")[1].split("Referrals")[0]
    assert "Ann Law" not in suggested
    assert "Ann Law + Ben Med</a>: Ben said no" in page


def test_intros_dismiss_and_referrals(tfidf: None, web: Client, network: dict) -> None:
    web.post("/intros/dismiss/", {"a": network["doctor"].pk, "b": network["sailor"].pk})
    assert Introduction.objects.get().state == "dismissed"
    web.post("/referrals/", {"referrer": "Ada", "people": "Bea, Cy", "note": "gala"})
    assert Referral.objects.count() == 2
    page = web.get("/intros/").content.decode()
    assert "Before asking Bea Lindqvist anything" in page
    referral = Referral.objects.get(person=network["sailor"])
    web.post(f"/referrals/{referral.pk}/", {"action": "thank"})
    referral.refresh_from_db()
    assert referral.thanked_at is not None
    assert Interaction.objects.filter(subtype="thanks").count() == 1


def test_referral_form_reports_unknown_names(tfidf: None, web: Client, network: dict) -> None:
    response = web.post("/referrals/", {"referrer": "Ada", "people": "Nobody Known"}, follow=True)
    assert b"no person matches" in response.content
    assert Referral.objects.count() == 0


def test_intro_pages_refuse_others_introductions(
    tfidf: None, web: Client, other_user: Any, make_person: Any
) -> None:
    a = make_person("Zed A", owner=other_user)
    b = make_person("Zed B", owner=other_user)
    theirs = optin.propose_introduction(owner=other_user, a=a, b=b)
    assert web.get(f"/intros/{theirs.pk}/").status_code == 404
    assert web.post(f"/intros/{theirs.pk}/advance/").status_code == 404
    assert web.post(f"/intros/{theirs.pk}/decline/", {"by": "a"}).status_code == 404
    assert web.post("/intros/propose/", {"a": a.pk, "b": b.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "proposed"


def test_insights_draws_charts_without_javascript(
    tfidf: None, web: Client, user: Any, network: dict
) -> None:
    from amity.people.timeline import log_interaction

    log_interaction(owner=user, people=[network["doctor"]], intent="deposit", subtype="help")
    html = web.get("/insights/").content.decode()
    # Drawn by the server: no inline script (amity.js, the site's one external script,
    # only enhances the menu and forms).
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert html.count("<svg") >= 6
    # The chart counts every tie gone quiet and says how that differs from "dormant".
    assert "Healthcare" in html and "Silent ties over time" in html
    assert "only ties that were once real" in html
    assert "1 deposits" in html


def test_any_two_people_can_be_introduced_from_the_pickers_and_a_person_page(
    tfidf: None, web: Client, make_person: Any
) -> None:
    cam = make_person("Cam Diaz", field="Law")
    dana = make_person("Dana Scully", field="Medicine")
    person_page = web.get(f"/people/{cam.pk}/").content.decode()
    assert f'href="/intros/?a={cam.pk}#introduce"' in person_page
    page = web.get(f"/intros/?a={cam.pk}").content.decode()
    assert f'value="Cam Diaz #{cam.pk}"' in page
    assert f'<option value="Dana Scully #{dana.pk}">' in page
    # A hint picked from the list, and a name typed by hand.
    response = web.post("/intros/propose/", {"a": f"Cam Diaz #{cam.pk}", "b": "scully"})
    intro = Introduction.objects.get()
    assert response["Location"] == f"/intros/{intro.pk}/"
    assert (intro.person_a, intro.person_b) == (cam, dana)
    refused = web.post("/intros/propose/", {"a": "Nobody Known", "b": "Dana"}, follow=True)
    assert "no person matches" in refused.content.decode()
    assert Introduction.objects.count() == 1


def test_the_intro_page_records_each_answer_and_offers_the_introduction_only_after_both(
    tfidf: None, web: Client, make_person: Any
) -> None:
    cam = make_person("Cam Diaz")
    dana = make_person("Dana Scully")
    intro = optin.propose_introduction(owner=cam.owner, a=cam, b=dana)
    url = f"/intros/{intro.pk}/"
    seen = []
    for action, data in (
        ("advance/", {}),
        ("answer/", {"by": "a", "answer": "yes"}),
        ("advance/", {}),
        ("answer/", {"by": "b", "answer": "yes", "note": "Sounds great"}),
    ):
        html = web.get(url).content.decode()
        seen.append("Introduce Cam and Dana</button>" in html)
        web.post(url + action, data)
    html = web.get(url).content.decode()
    assert seen == [False, False, False, False]
    assert "Both said yes: introduce Cam and Dana" in html
    assert "Introduce Cam and Dana</button>" in html
    intro.refresh_from_db()
    assert intro.state == "agreed" and intro.agreed_a_at and intro.agreed_b_at
    assert Interaction.objects.filter(direction="inbound", summary="Sounds great").exists()
    web.post(url + "advance/")
    intro.refresh_from_db()
    assert intro.state == "introduced"
    assert "Follow up with Cam and Dana" in web.get(url).content.decode()
