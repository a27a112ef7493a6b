"""The web app manifest and its Web Share Target, in Chromium and over HTTP."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests import browser
from tests.browser import assert_fits, sign_in

SHARED = {
    "title": "Compilers for everyone",
    "text": "A long read on teaching compilers",
    "url": "https://example.org/compilers",
}


@pytest.mark.storage
def test_the_manifest_is_public_and_names_the_share_target(db: None) -> None:
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Amity" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    target = manifest["share_target"]
    # GET: the target only prefills a form, so no CSRF token is needed.
    assert target == {
        "action": "/share/",
        "method": "GET",
        "enctype": "application/x-www-form-urlencoded",
        "params": {"title": "title", "text": "text", "url": "url"},
    }
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200, icon


@pytest.mark.storage
def test_the_share_target_prefills_and_writes_nothing(web: Any, user: Any) -> None:
    from amity.network.models import ReadingItem

    response = web.get("/share/?" + urlencode(SHARED))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        ">Compilers for everyone\n\nA long read on teaching compilers\n\n"
        "https://example.org/compilers</textarea>" in html
    )
    assert not ReadingItem.objects.filter(owner=user).exists()
    # Apps that put the link in `text` too do not get it twice.
    doubled = web.get("/share/?" + urlencode({"text": SHARED["url"], "url": SHARED["url"]}))
    assert doubled.content.decode().count(SHARED["url"]) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.browser
@pytest.mark.skipif(not browser.CHROMIUM.exists(), reason="no Chromium")
def test_a_phone_shares_to_amity(live_server: Any, demo_user: Any, open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page("phone")
    # A share sheet opens the target signed out: the login keeps what was shared.
    page.goto(f"{live_server.url}/share/?{urlencode(SHARED)}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(browser.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="This made me think of you")).to_be_visible()
    box = page.get_by_label("Text or link")
    expect(box).to_have_value(
        "Compilers for everyone\n\nA long read on teaching compilers\n\n"
        "https://example.org/compilers"
    )
    assert_fits(page, "share target")
    # The page links the manifest, and Chromium reads it as an installable app's.
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.request.get(f"{live_server.url}{href}").json()
    assert manifest["share_target"]["action"] == "/share/"
    session = page.context.new_cdp_session(page)
    found = session.send("Page.getAppManifest")
    assert not found["errors"], found["errors"]
    assert json.loads(found["data"])["share_target"]["method"] == "GET"


@pytest.mark.django_db(transaction=True)
@pytest.mark.browser
@pytest.mark.skipif(not browser.CHROMIUM.exists(), reason="no Chromium")
def test_every_page_links_the_api_docs(live_server: Any, demo_user: Any, open_page: Any) -> None:
    page = open_page("desktop")
    sign_in(page, live_server.url)
    page.get_by_role("link", name="API docs").click()
    page.wait_for_url(re.compile(r"/api/v1/docs"))
