"""Drive a real Chromium for the browser tests: fixtures, signing in, the overflow check.

Use it from any test directory (the fixtures are re-exported by tests/conftest.py):

    pytestmark = browser.MARKS

    @pytest.mark.django_db(transaction=True)
    def test_my_flow(live_server, demo_user, open_page):
        for page in open_page.at_every_width():   # 1280 px, then 390 px
            browser.sign_in(page, live_server.url)
            page.goto(f"{live_server.url}/inbox/")
            browser.assert_fits(page)              # no sideways scrolling, nothing cut

`assert_fits` fails when the document scrolls sideways (scrollWidth > innerWidth) or any
visible element is wider than the viewport or sticks out past its right edge, and names
the offending elements (tag#id.class, width, right edge).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The widths every page must hold at: a desktop window and a phone (iPhone 12-15).
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
PASSWORD = "correct horse battery"

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]

# Runs in the page. Elements inside a container that scrolls or clips sideways on
# purpose are judged by that container; visually hidden and invisible ones are skipped.
_OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const found = [];
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      name += "." + el.className.trim().split(/\\s+/).join(".");
    return name;
  };
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x !== "visible") return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    // checkVisibility also skips what a closed <details> or display:none ancestor hides.
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const style = getComputedStyle(el);
    if (style.position === "absolute" && style.clip !== "auto") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const tooWide = box.width > width + 1;
    const sticksOut = (box.right > width + 1 || box.left < -1) && !clipped(el);
    if (tooWide || sticksOut)
      found.push(`${describe(el)} (width ${Math.round(box.width)}, ` +
        `left ${Math.round(box.left)}, right ${Math.round(box.right)})`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > width)
    found.unshift(`document scrolls sideways: scrollWidth ${doc.scrollWidth} > ${width}`);
  return found;
}
"""


def overflow(page: Any) -> list[str]:
    """Return what on the page is wider than the viewport or sticks out past its edge."""
    found: list[str] = page.evaluate(_OVERFLOW_JS)
    return found


def assert_fits(page: Any, where: str = "") -> None:
    """Fail, naming the culprits, when the page overflows its viewport sideways."""
    found = overflow(page)
    width = page.viewport_size["width"]
    assert not found, f"{where or page.url} overflows at {width}px:\n  " + "\n  ".join(found[:15])


def sign_in(page: Any, base_url: str, username: str = "ada", password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for Today."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def in_viewport(page: Any, selector: str) -> bool:
    """Say whether the first element matching `selector` is on screen right now."""
    return bool(
        page.evaluate(
            """(selector) => {
              const el = document.querySelector(selector);
              if (!el) return false;
              const box = el.getBoundingClientRect();
              return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight
                && box.left >= 0 && box.right <= window.innerWidth;
            }""",
            selector,
        )
    )


class PageOpener:
    """Open Playwright pages at a chosen width in one shared headless Chromium."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self._contexts: list[Any] = []

    def __call__(self, width: str = "desktop", *, javascript: bool = True) -> Any:
        """Return a new page (its own cookies) at "desktop" or "phone" width."""
        context = self.browser.new_context(viewport=WIDTHS[width], java_script_enabled=javascript)
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Some pages compute on first open (introductions score every pair): on a
        # loaded machine that can take longer than a click should.
        page.set_default_navigation_timeout(90_000)
        return page

    def at_every_width(self) -> Iterator[Any]:
        """Yield a fresh page at 1280 px, then one at 390 px."""
        for width in WIDTHS:
            yield self(width)

    def close(self) -> None:
        """Close every context this opener made."""
        for context in self._contexts:
            context.close()


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Yield a headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""
    # Playwright's sync API runs an event loop in this thread; Django would otherwise
    # refuse ORM calls made from the test body.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(chromium: Any) -> Iterator[PageOpener]:
    """Yield a PageOpener: `open_page("phone")` is a fresh 390 px page."""
    opener = PageOpener(chromium)
    try:
        yield opener
    finally:
        opener.close()


@pytest.fixture
def demo_user(transactional_db: None) -> Any:
    """Return "ada" (password PASSWORD), who owns the demo network."""
    from django.contrib.auth import get_user_model

    from amity.portability.demo import build_demo

    user = get_user_model().objects.create_user(
        username="ada", password=PASSWORD, email="ada@example.org"
    )
    build_demo(owner=user)
    return user
