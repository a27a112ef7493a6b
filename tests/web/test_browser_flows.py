"""Drive Chromium at 1280 px and 390 px through the Inbox and a full double opt-in.

Every page on the way is checked for horizontal overflow: nothing may be wider than
the viewport, except inside a container that scrolls sideways on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
WIDTHS = [1280, 390]
PASSWORD = "correct horse battery"

# Elements sticking out of the viewport, ignoring those inside a sideways scroller
# (overflow-x auto/scroll/hidden clips them) and those not rendered at all.
OVERFLOW_JS = r"""() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px`);
  }
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.bottom < 0) continue;
    if ((box.right > width + 1 || box.left < -1) && !clipped(el)) {
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (classes ? '.' + classes.split(/\s+/).join('.') : '');
      found.push(`${name}: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
  }
  return found.slice(0, 10);
}"""


def assert_fits(page: Any) -> None:
    """Fail if anything on the page is wider than the viewport."""
    assert page.evaluate(OVERFLOW_JS) == [], page.url


@pytest.fixture
def demo_user(transactional_db: None) -> Any:
    """Return a user who owns the demo network."""
    from django.contrib.auth import get_user_model

    from amity.portability.demo import build_demo

    user = get_user_model().objects.create_user(username="ada", password=PASSWORD)
    build_demo(owner=user)
    return user


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Yield a Playwright page in headless Chromium at the width given (900 px high)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": request.param, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def sign_in(page: Any, url: str) -> None:
    """Sign in as ada on the way to `url`."""
    page.goto(url)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_inbox_tab_page_preview_move_and_undo(live_server, demo_user, page) -> None:
    from playwright.sync_api import expect

    from amity.inbox.models import TriageLabel

    sign_in(page, f"{live_server.url}/inbox/")
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    tabs = page.get_by_role("navigation", name="Groups")
    assert tabs.locator("a").count() == 4
    assert_fits(page)
    tabs.get_by_role("link", name=re.compile(r"^Asks")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Asks"), level=2)).to_be_visible()
    expect(page.get_by_text(re.compile(r"page 1 of \d+"))).to_be_visible()
    page.get_by_role("link", name="Older").click()
    expect(page.get_by_text(re.compile(r"26–50 of [\d,]+ · page 2 of"))).to_be_visible()
    assert "`" not in page.content()
    assert_fits(page)

    message = page.locator(".inbox-message").first
    message_id = int((message.get_attribute("id") or "").removeprefix("message-"))
    message.get_by_label("Belongs in").select_option("trusted")
    message.get_by_role("button", name="Move…").click()
    expect(page.get_by_role("heading", name="Move to Trusted?", level=1)).to_be_visible()
    alone = page.locator(".inbox-option").first
    expect(alone).to_contain_text("1 message changes group.")
    expect(alone).to_contain_text(re.compile(r"Asks: [\d,]+ → [\d,]+"))
    assert not TriageLabel.objects.exists()
    assert_fits(page)

    alone.get_by_role("button", name="Move only this one").click()
    expect(page.locator(".flash")).to_contain_text(f"Moved message #{message_id} to Trusted")
    expect(page.get_by_text(re.compile(r"page 2 of"))).to_be_visible()
    label = TriageLabel.objects.get()
    assert (label.interaction_id, label.group, label.sender_id) == (message_id, "trusted", None)
    assert page.locator(f"#message-{message_id}").count() == 0
    assert_fits(page)

    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".flash")).to_contain_text(f"Undone: message #{message_id} is back.")
    assert not TriageLabel.objects.exists()
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)
    assert_fits(page)


def test_a_full_double_opt_in_between_any_two_people(live_server, demo_user, page) -> None:
    from playwright.sync_api import expect

    from amity.network.models import Introduction
    from amity.people.models import Person

    people = Person.objects.filter(owner=demo_user).exclude(given_name="").order_by("id")
    first, second = people[3], people[200]
    a, b = first.given_name, second.given_name

    sign_in(page, f"{live_server.url}/people/{first.pk}/")
    page.get_by_role("link", name="Introduce to…").click()
    expect(page.get_by_label("Ask first")).to_have_value(f"{first.full_name} #{first.pk}")
    assert_fits(page)
    page.get_by_label("and introduce them to").fill(f"{second.full_name} #{second.pk}")
    page.get_by_label("Why they should meet").fill("both restore old boats")
    page.get_by_role("button", name="Propose introduction").click()
    expect(page.locator(".flash")).to_contain_text(
        f"Proposed introducing {first.full_name} and {second.full_name}"
    )
    assert_fits(page)

    steps = [
        (f"Ask {a}", "asked_a"),
        (f"{a} said yes", "agreed_a"),
        (f"Ask {b}", "asked_b"),
        (f"{b} said yes", "agreed"),
        (f"Introduce {a} and {b}", "introduced"),
        ("Followed up", "followed_up"),
    ]
    for button, state in steps:
        # The introduction is never offered before both said yes.
        offered = page.get_by_role("button", name=f"Introduce {a} and {b}").count()
        assert offered == (1 if state == "introduced" else 0), (button, offered)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".flash")).to_be_visible()
        assert Introduction.objects.get().state == state
        assert_fits(page)
    intro = Introduction.objects.get()
    assert intro.asked_a_at <= intro.agreed_a_at <= intro.asked_b_at <= intro.agreed_b_at
    assert intro.introduced_at and intro.followed_up_at
    expect(page.get_by_text(f"{second.full_name} said yes:")).to_be_visible()


def test_the_overflow_check_catches_a_wide_element_but_not_a_sideways_scroller(page) -> None:
    page.set_content(
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<nav style="overflow-x:auto"><div style="width:3000px">strip</div></nav>'
    )
    assert page.evaluate(OVERFLOW_JS) == []
    page.set_content(
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<div id="wide" style="width:3000px">table</div>'
    )
    found = page.evaluate(OVERFLOW_JS)
    assert found[0].startswith("the page scrolls sideways") and "div#wide" in found[1]
    with pytest.raises(AssertionError):
        assert_fits(page)


def test_share_keeps_the_text_and_the_others_after_i_sent_it(
    live_server, demo_user, page, monkeypatch
) -> None:
    from playwright.sync_api import expect

    # The lexical fallback: this flow is about the page, not the text model.
    monkeypatch.setenv("AMITY_TEXT_MODEL", "tfidf")
    text = "Heat pumps in old houses: what installers learned this winter"
    sign_in(page, f"{live_server.url}/share/")
    page.get_by_label("Text or link").fill(text)
    page.get_by_role("button", name="Who would care?").click()
    results = page.locator(".share-results > li")
    expect(results.first).to_be_visible()
    shown = results.count()
    assert shown >= 2
    first_name = results.first.locator("h3 a").inner_text()
    assert_fits(page)
    results.first.get_by_role("button", name="I sent it: log a deposit").click()
    expect(page.locator(".flash")).to_contain_text(f"Logged that you shared it with {first_name}")
    expect(page.get_by_label("Text or link")).to_have_value(text)
    expect(results).to_have_count(shown)
    expect(results.first).to_contain_text("Sent ✓")
    expect(page.get_by_role("button", name="I sent it: log a deposit")).to_have_count(shown - 1)
    assert_fits(page)
