"""Render the HTML digest and the weekly review page in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture
def demo_user(db: None) -> Any:
    """Return a user who owns the demo network, with an address for the digest."""
    from django.contrib.auth import get_user_model

    from amity.portability.demo import build_demo

    user = get_user_model().objects.create_user(
        username="ada", password="correct horse battery", email="ada@example.org"
    )
    build_demo(owner=user)
    return user


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Yield a Playwright page in headless Chromium, phone-mail-client wide."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 720, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


# Playwright's loop gives the test body its own database connection: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_html_digest_renders_readably(demo_user: Any, page: Any) -> None:
    from django.utils import timezone

    from amity.reminders import digest

    content = digest.compose(owner=demo_user, with_review=True)
    _, html = digest.render(content)
    page.set_content(html)
    names = [item["name"] for item in content["items"] if not item["done"]]
    assert names
    for name in names:
        assert page.get_by_role("link", name=name).first.is_visible()
    assert page.get_by_role("link", name="Log it done").count() == len(names)
    assert page.locator("svg rect").count() == 14  # a bar pair for each of seven days
    # Nothing is wider than the message: readable without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 720
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "digest.png"), full_page=True)
    assert (SCREENSHOTS / "digest.png").stat().st_size > 10_000
    assert content["day"] == timezone.localdate().isoformat()


def test_the_review_page_shows_its_chart(live_server: Any, demo_user: Any, page: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(demo_user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/review/")
    assert page.get_by_role("heading", name="Weekly review").is_visible()
    chart = page.locator(".review-chart svg")
    assert chart.is_visible() and chart.bounding_box()["height"] > 40
    assert errors == []


def test_a_digest_link_works_in_a_browser_without_signing_in(
    live_server: Any, demo_user: Any, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from amity.people.models import Interaction
    from amity.reminders import digest

    monkeypatch.setenv("AMITY_BASE_URL", live_server.url)
    content = digest.compose(owner=demo_user)
    _, html = digest.render(content)
    item = next(item for item in content["items"] if not item["done"])
    [done] = re.findall(r'href="([^"]+/r/done/[^"]+)"', html)[:1]
    assert done == item["links"]["done"]
    before = Interaction.objects.filter(owner=demo_user).count()
    # The mail as a page, its button clicked, in a browser with no session.
    page.set_content(html)
    page.get_by_role("link", name="Log it done").first.click()
    page.wait_for_url(re.compile(r".*/r/done/.*"))
    assert page.get_by_role("heading", name="Done").is_visible()
    assert Interaction.objects.filter(owner=demo_user).count() == before + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "digest-link.png"), full_page=True)
    page.get_by_role("button", name="Undo").click()
    assert page.get_by_role("heading", name="Undone").is_visible()
    assert Interaction.objects.filter(owner=demo_user).count() == before


def test_the_reminders_page_saves_the_settings_in_a_browser(
    live_server: Any, demo_user: Any, page: Any
) -> None:
    from django.test import Client

    from amity.reminders import preferences

    client = Client()
    client.force_login(demo_user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}/reminders/")
    assert page.get_by_text("/calendar/").first.is_visible()
    page.get_by_label("Hour").select_option("8")
    page.get_by_label("Sat").uncheck()
    page.get_by_label("Sun").uncheck()
    page.get_by_label("Overdue thank-yous").uncheck()
    page.get_by_role("button", name="Save reminder settings").click()
    assert page.get_by_text("Reminder settings saved.").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reminders.png"), full_page=True)
    saved = preferences.describe(preferences.profile_or_default(owner=demo_user))
    assert saved["digest_hour"] == 8
    assert saved["digest_days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert "thanks" not in saved["calendar_kinds"] and "birthdays" in saved["calendar_kinds"]
