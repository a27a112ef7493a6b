"""Walk every page of the web app at 1280 px and 390 px in Chromium: nothing may overflow.

Also: the menu button below 700 px, the layout without JavaScript, and success messages
that stay on screen when a redirect jumps to an anchor further down the page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from amity import config
from tests import browser
from tests.browser import assert_fits, in_viewport, sign_in

pytestmark = browser.MARKS

_VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Margaret Hamilton\r\nORG:MIT Instrumentation Lab\r\n"
    "TITLE:Director of Software Engineering\r\nEMAIL:margaret@mit.example\r\nEND:VCARD\r\n"
)


def _every_page(user: Any) -> list[str]:
    """Return the path of every page a signed-in user can open, with real ids in them."""
    from amity.importers.services import run_import
    from amity.importers.source_files import SourceFile
    from amity.network.optin import propose_introduction
    from amity.people.models import Interaction, Note, Person

    star = (
        Person.objects.filter(owner=user).exclude(company="").order_by("-interaction_count").first()
    )
    other = Person.objects.filter(owner=user).exclude(pk=star.pk).order_by("id").first()
    interaction = Interaction.objects.filter(owner=user, people=star).first()
    note = Note.objects.filter(owner=user).first()
    intro = propose_introduction(owner=user, a=star, b=other, reason="both build compilers")
    run = run_import(
        owner=user, format="vcard", source=SourceFile.from_bytes("c.vcf", _VCARD.encode())
    )
    tag = star.tags.first()
    return [
        "/",
        "/people/",
        "/people/?q=a&sort=recent",
        f"/people/?tag={tag.name}" if tag else "/people/?sort=-name",
        "/people/new/",
        f"/people/{star.pk}/",
        f"/people/{star.pk}/edit/",
        f"/people/{star.pk}/delete/",
        f"/people/{star.pk}/interactions/{interaction.pk}/delete/",
        f"/people/{note.person_id}/notes/{note.pk}/delete/",
        f"/people/{star.pk}/interactions/{interaction.pk}/edit/",
        f"/people/{note.person_id}/notes/{note.pk}/edit/",
        "/account/",
        "/share/",
        "/share/?title=Compilers&text=A+long+read&url=https%3A%2F%2Fexample.org%2Fa",
        "/intros/",
        f"/intros/{intro.pk}/",
        "/insights/",
        "/inbox/",
        "/coach/",
        f"/coach/?to=%23{star.pk}",
        "/import/",
        f"/import/?run={run.run_id}",
        f"/import/runs/{run.run_id}/",
        "/inbox/?tab=cold_pitch&page=2",
        "/sync/",
        "/reminders/",
        "/review/",
    ]


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_at_desktop_and_phone_width(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    paths = _every_page(demo_user)
    failures: list[str] = []
    for page in open_page.at_every_width():
        sign_in(page, live_server.url)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (path, response)
            try:
                assert_fits(page, path)
            except AssertionError as exc:
                failures.append(str(exc))
    assert not failures, "\n".join(failures)


@pytest.mark.django_db(transaction=True)
def test_the_login_page_and_api_docs_fit_on_a_phone(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    page = open_page("phone")
    page.goto(f"{live_server.url}/login/")
    assert_fits(page)
    sign_in(page, live_server.url)
    link = page.get_by_role("link", name="API docs")
    link.click()
    page.wait_for_url(re.compile(r"/api/v1/docs"))
    assert page.title()  # the Swagger page rendered


@pytest.mark.django_db(transaction=True)
def test_below_700px_a_menu_button_shows_every_nav_item(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page("phone")
    sign_in(page, live_server.url)
    nav = page.get_by_role("navigation", name="Main")
    items = nav.get_by_role("link")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    names = items.all_inner_texts()
    assert {"Today", "People", "Share", "Intros", "Insights", "Inbox", "Coach", "Import"} <= set(
        names
    ), names
    for index in range(items.count()):
        expect(items.nth(index)).to_be_in_viewport()
    assert_fits(page, "open menu")
    items.filter(has_text="Insights").click()
    expect(page).to_have_url(re.compile(r"/insights/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()

    # At desktop width the menu button is gone and the nav is one visible row.
    wide = open_page("desktop")
    sign_in(wide, live_server.url)
    expect(wide.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        wide.get_by_role("navigation", name="Main").get_by_role("link", name="Reminders")
    ).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_phone_nav_wraps_instead_of_scrolling(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page("phone", javascript=False)
    sign_in(page, live_server.url)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    for index in range(links.count()):
        expect(links.nth(index)).to_be_in_viewport()
    assert_fits(page, "no-JS nav")
    # The people filters still work: the Search button submits them.
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Sort by").select_option("strength")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"sort=strength"))
    expect(page.locator("th[aria-sort]")).to_contain_text("Strength")


@pytest.mark.django_db(transaction=True)
def test_a_success_message_is_on_screen_after_logging(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    from amity.people.models import Person

    star = Person.objects.filter(owner=demo_user).order_by("-interaction_count").first()
    for page in open_page.at_every_width():
        sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/people/{star.pk}/")
        form = page.locator("#log")
        form.get_by_label("Summary").fill("Coffee on the harbour")
        form.get_by_role("button", name="Log interaction").click()
        # The confirmation used to land on #timeline, far down on a phone, out of sight.
        flash = page.locator(".flash-success")
        expect(flash).to_contain_text("Logged")
        assert in_viewport(page, ".flash-success"), "the success message is off-screen"
        assert_fits(page, "after logging")
        page.get_by_role("button", name="Dismiss").click()
        expect(flash).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_people_filters_apply_without_a_click_and_columns_sort(
    live_server: Any, demo_user: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    from amity.people.models import Person

    company = (
        Person.objects.filter(owner=demo_user).exclude(company="").order_by("company").first()
    ).company
    for page in open_page.at_every_width():
        sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/people/")
        # "Any company" fits its select: nothing cut to "Any compan".
        select = page.get_by_label("Company")
        assert select.evaluate("el => el.scrollWidth <= el.clientWidth"), "company select is cut"
        expect(page.get_by_role("button", name="Search")).to_be_hidden()
        select.select_option(company)
        expect(page).to_have_url(re.compile(r"company="))
        rows = page.locator(".people-table tbody tr")
        expect(rows.first).to_contain_text(company)
        count = Person.objects.filter(owner=demo_user, company=company).count()
        expect(rows).to_have_count(min(count, config.PAGE_SIZE.value()))
        # Typing searches after a pause, with no button; a typo still finds the name.
        page.get_by_role("link", name="Clear").click()
        star = Person.objects.filter(owner=demo_user).order_by("-interaction_count").first()
        surname = star.family_name or star.full_name.split()[-1]
        typo = surname[0] + surname[2] + surname[1] + surname[3:]  # two letters swapped
        page.get_by_label("Search").fill(typo)
        expect(page).to_have_url(re.compile(r"q="))
        expect(page.locator("#people-results")).to_contain_text(star.full_name)
        expect(page.get_by_label("Search")).to_be_focused()
        assert_fits(page, "people search")
        # Column headers sort (at desktop width; on a phone the table is a stack of cards).
        if page.viewport_size["width"] > 700:
            page.get_by_role("link", name="Clear").click()
            page.locator("th").get_by_role("link", name="Strength").click()
            expect(page).to_have_url(re.compile(r"sort=strength"))
            cells = page.locator('.people-table td[data-label="Strength"]')
            expect(cells).to_have_count(config.PAGE_SIZE.value())
            shown = [int(text) for text in cells.all_inner_texts() if text.strip().isdigit()]
            assert shown and shown == sorted(shown, reverse=True), shown
