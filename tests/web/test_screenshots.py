"""Take the README's screenshots at 1280 px and 390 px (kept only with AMITY_SCREENSHOTS=1).

Each page is also checked for sideways overflow, so a screenshot never shows a cut page.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser
from tests.browser import assert_fits, sign_in
from tests.web.test_browser import SCREENSHOTS

pytestmark = browser.MARKS


def _shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, path


@pytest.mark.django_db(transaction=True)
def test_readme_screenshots_at_desktop_and_phone_width(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    from amity.people.models import Person

    star = Person.objects.filter(owner=demo_user).order_by("-interaction_count").first()
    for width, page in zip(browser.WIDTHS, open_page.at_every_width(), strict=True):
        sign_in(page, live_server.url)
        for name, path in (
            ("today", "/"),
            ("people", "/people/?sort=strength"),
            ("person", f"/people/{star.pk}/"),
        ):
            page.goto(f"{live_server.url}{path}")
            assert_fits(page, path)
            _shoot(page, f"{name}-{width}")
        if width == "phone":
            page.goto(f"{live_server.url}/")
            page.get_by_role("button", name="Menu").click()
            expect(page.get_by_role("navigation", name="Main")).to_be_visible()
            _shoot(page, "menu-phone")
