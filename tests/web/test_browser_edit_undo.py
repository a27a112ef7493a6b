"""Drive Chromium at desktop and phone widths through edit, undo and the Account page.

Every page visited is checked for horizontal overflow: at 390 px nothing may make the
document wider than the window (a sideways scroll on a phone).
"""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]

WIDTHS = {"desktop": 1280, "phone": 390}


def assert_no_overflow(page) -> None:
    """Fail when the page scrolls sideways, naming the widest elements."""
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            // Inside a sideways-scrolling box an element may be wider: the box clips it.
            const clipped = e => {
                for (let p = e.parentElement; p; p = p.parentElement) {
                    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) {
                        return true;
                    }
                }
                return false;
            };
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e))
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + '.' + e.className);
            return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"], f"{page.url}: {overflow}"


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def page(request, monkeypatch):
    """Yield a Playwright page in headless Chromium at the parametrised width."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        width = WIDTHS[request.param]
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def ada(transactional_db):
    """Return ada, signed-in-able, with an overdue friend, a note and an interaction."""
    from django.contrib.auth import get_user_model

    from amity.people import timeline
    from tests.histories import with_history

    user = get_user_model().objects.create_user(username="ada", password="correct horse battery")
    grace = with_history(user, "Grace Hopper", days_ago=(400, 300, 200, 100), channel="call")
    timeline.add_note(person=grace, body="Loves **COBOL** stories")
    return user


def sign_in(page, live_server, password: str = "correct horse battery") -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_it_edits_an_interaction_and_undoes_a_deleted_note(live_server, ada, page) -> None:
    from playwright.sync_api import expect

    from amity.people.models import Interaction, Note, Person

    grace = Person.objects.get(full_name="Grace Hopper")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/people/{grace.pk}/")
    assert_no_overflow(page)
    newest = page.locator(".timeline .entry-card").filter(has_text="Call").first
    newest.get_by_role("link", name="Edit this call").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the call of")
    assert_no_overflow(page)
    page.get_by_label("Kind").select_option("help")
    page.get_by_label("Summary").fill("Reviewed her compiler talk")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_contain_text("Saved the call with Grace Hopper on ")
    expect(page.locator(".flash")).to_be_in_viewport()
    expect(page.locator(".timeline")).to_contain_text("Reviewed her compiler talk")
    assert Interaction.objects.filter(summary="Reviewed her compiler talk", subtype="help").exists()

    note = page.locator(".entry-note").first
    note.locator("summary").click()
    note.get_by_role("button", name="Delete").click()
    flash = page.locator(".flash").first
    expect(flash).to_contain_text("Deleted the note")
    expect(flash).to_be_in_viewport()
    assert_no_overflow(page)
    assert not Note.objects.exists()
    flash.get_by_role("button", name="Undo").click()
    expect(page.locator(".flash").first).to_contain_text("Undone: deleted the note")
    expect(page.locator(".entry-note").first).to_contain_text("Loves COBOL stories")
    assert Note.objects.count() == 1


def test_it_undoes_snooze_and_done_on_today(live_server, ada, page) -> None:
    from playwright.sync_api import expect

    from amity.relationships.models import DailyPick, Snooze

    sign_in(page, live_server)
    card = page.locator("main").get_by_text("Grace Hopper").first
    expect(card).to_be_visible()
    assert_no_overflow(page)
    page.get_by_role("button", name="Snooze").first.click()
    flash = page.locator(".flash").first
    expect(flash).to_contain_text("Snoozed Grace Hopper until")
    assert Snooze.objects.exists()
    assert_no_overflow(page)
    flash.get_by_role("button", name="Undo").click()
    expect(page.locator(".flash").first).to_contain_text("Undone: snoozed Grace Hopper")
    assert not Snooze.objects.exists()
    page.get_by_role("button", name="Done").first.click()
    flash = page.locator(".flash").first
    expect(flash).to_contain_text("Done: logged a")
    assert DailyPick.objects.get().done_at is not None
    flash.get_by_role("button", name="Undo").click()
    expect(page.locator(".flash").first).to_contain_text("Undone: done: logged")
    expect(page.get_by_role("button", name="Done").first).to_be_visible()
    assert DailyPick.objects.get().done_at is None
    assert_no_overflow(page)


def test_it_changes_the_password_and_manages_tokens(live_server, ada, page) -> None:
    from playwright.sync_api import expect

    from amity.accounts.models import ApiToken

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/account/")
    assert_no_overflow(page)
    page.get_by_label("Token name").fill("laptop script")
    page.get_by_role("button", name="Create token").click()
    shown = page.locator("#new-token")
    expect(shown).to_contain_text("amity_")
    assert_no_overflow(page)
    assert ApiToken.objects.get().name == "laptop script"
    page.get_by_role("button", name="Revoke laptop script").click()
    expect(page.locator(".flash").first).to_contain_text("Revoked the token")
    assert not ApiToken.objects.exists()

    page.get_by_label("Old password").fill("correct horse battery")
    page.locator("#id_new_password1").fill("a much longer secret")
    page.locator("#id_new_password2").fill("a much longer secret")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".flash").first).to_contain_text("Changed your password")
    assert_no_overflow(page)
    page.context.clear_cookies()
    sign_in(page, live_server, password="a much longer secret")
    expect(page.get_by_role("heading", level=1).first).to_be_visible()


def test_the_overflow_check_catches_a_sideways_scroll(live_server, ada, page) -> None:
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/account/")
    assert_no_overflow(page)
    page.evaluate(
        "() => { const d = document.createElement('div'); d.className = 'too-wide';"
        " d.style.width = '2000px'; d.style.height = '1px';"
        " document.querySelector('main').appendChild(d); }"
    )
    with pytest.raises(AssertionError, match="too-wide"):
        assert_no_overflow(page)
