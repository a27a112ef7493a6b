"""Drive a real Chromium through the web UI: sign in, search, open, log, screenshot."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from amity import config
from tests.browser import CHROMIUM, CHROMIUM_ARGS

# The README's screenshots are refreshed only when asked (AMITY_SCREENSHOTS=1):
# otherwise every run would leave byte-level changes in the checkout.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("AMITY_SCREENSHOTS")
    else Path(tempfile.mkdtemp(prefix="amity-screenshots-"))
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture
def demo_user(transactional_db):
    """Return a user who owns the demo network."""
    from django.contrib.auth import get_user_model

    from amity.portability.demo import build_demo

    user = get_user_model().objects.create_user(username="ada", password="correct horse battery")
    build_demo(owner=user)
    return user


@pytest.fixture
def browser_page(monkeypatch):
    """Yield a Playwright page in headless Chromium at 1280x900."""
    # Playwright's sync API runs an event loop in this thread; Django would otherwise
    # refuse ORM calls made from the test body.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_it_signs_in_searches_opens_a_person_and_logs_an_interaction(
    live_server, demo_user, browser_page
) -> None:
    from playwright.sync_api import expect

    from amity.people.models import Interaction, Person

    page = browser_page
    star = (
        Person.objects.filter(owner=demo_user)
        .exclude(company="")
        .order_by("-interaction_count", "id")
        .first()
    )
    assert star is not None

    page.goto(f"{live_server.url}/people/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/people/"))
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    expect(page.locator(".people-table tbody tr")).to_have_count(config.PAGE_SIZE.value())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "people.png"))
    assert (SCREENSHOTS / "people.png").stat().st_size > 10_000

    # The list searches as one types (amity.js); Enter also applies it at once.
    page.get_by_label("Search").fill(star.full_name)
    page.get_by_label("Search").press("Enter")
    link = page.get_by_role("link", name=re.compile(re.escape(star.full_name)))
    expect(link.first).to_be_visible()
    link.first.click()
    expect(page.get_by_role("heading", name=star.full_name, level=1)).to_be_visible()

    form = page.locator("#log")
    form.get_by_label("Channel").select_option("call")
    form.get_by_label("Kind").select_option("help")
    form.get_by_label("Summary").fill("Walked through the grant application together")
    form.get_by_role("button", name="Log interaction").click()

    first_name = star.given_name or star.full_name
    expect(page.locator(".flash")).to_contain_text(f"Logged a call with {first_name}")
    newest = page.locator(".timeline .entry").first
    expect(newest).to_contain_text("Walked through the grant application together")
    expect(newest.locator(".badge")).to_have_text("Deposit · Help")
    assert Interaction.objects.filter(
        owner=demo_user, people=star, summary__startswith="Walked through"
    ).exists()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "person.png"))
    assert (SCREENSHOTS / "person.png").stat().st_size > 10_000
