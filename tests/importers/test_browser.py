"""Drive Chromium through a web import at 1280 and 390 px: upload, progress bar, result.

The import runs on the real background worker: django-tasks-db's, in threads of this
process as `amity serve` runs it, and in a real `amity serve` (waitress, its own worker)
in the last test. Every page is checked for horizontal overflow.
"""

from __future__ import annotations

import contextlib
import csv
import re
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.importers.conftest import DATA
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
PASSWORD = "correct horse battery"
# Enough connections that the worker takes a moment, so the bar is seen moving.
GENERATED = 12000  # enough rows that the bar is seen between two polls (700 ms apart)


def _export(tmp_path: Path) -> Path:
    """Write a LinkedIn export ZIP: the fixture's connections and messages plus GENERATED more."""
    connections = tmp_path / "Connections.csv"
    with connections.open("w", newline="", encoding="utf-8") as out:
        out.write((DATA / "linkedin" / "Connections.csv").read_text(encoding="utf-8"))
        writer = csv.writer(out)
        for n in range(GENERATED):
            writer.writerow([f"Person{n}", "Example", f"https://www.linkedin.com/in/person-{n}",
                             "", f"Company {n % 97}", "Engineer", "01 Feb 2024"])  # fmt: skip
    path = tmp_path / "Basic_LinkedInDataExport_12-05-2026.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(connections, arcname="Connections.csv")
        archive.write(DATA / "linkedin" / "messages.csv", arcname="messages.csv")
    return path


def assert_no_horizontal_overflow(page: Any, where: str) -> None:
    """Fail when the page scrolls sideways: something is wider than the viewport."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        culprits = page.evaluate(
            """() => {
                const edge = document.documentElement.clientWidth + 1;
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > edge)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className);
            }"""
        )
        pytest.fail(f"{where}: {widths[0]} px wide in a {widths[1]} px viewport ({culprits})")


@pytest.fixture
def browser(monkeypatch) -> Iterator[Any]:
    """Yield a headless Chromium (Playwright)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The import queues Share's profile embedding too; with the text model the test's
    # worker would go on embedding thousands of profiles after the import, holding the
    # database while the test tears down. Share's preparation has tests of its own.
    monkeypatch.setenv("AMITY_TEXT_MODEL", "tfidf")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_it_uploads_an_export_follows_the_bar_and_lands_on_the_result(
    live_server, browser, width: int, tmp_path: Path
) -> None:
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from amity.core.schedule import BackgroundWorker
    from amity.importers.models import ImportChange, ImportJob

    get_user_model().objects.create_user(username="ada", password=PASSWORD)
    export = _export(tmp_path)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Import", level=1)).to_be_visible()
    assert_no_horizontal_overflow(page, f"import page at {width} px")

    # The help follows the format picked.
    linkedin_help, vcard_help = page.locator("#help-linkedin"), page.locator("#help-vcard")
    expect(linkedin_help).to_be_visible()
    expect(linkedin_help).to_contain_text("Get a copy of your data")
    expect(vcard_help).to_be_hidden()
    page.get_by_label("Format").select_option("vcard")
    expect(vcard_help).to_be_visible()
    expect(linkedin_help).to_be_hidden()
    expect(page.locator('[data-format-link="vcard"]')).to_have_attribute("aria-current", "true")
    page.get_by_label("Format").select_option("linkedin")
    expect(linkedin_help).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"import-{width}.png"))

    page.locator("input#id_file").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    # The upload is queued: the progress page shows its bar before the worker starts.
    expect(page).to_have_url(re.compile(r"/import/jobs/\d+/$"))
    bar = page.locator("progress#import-bar")
    expect(bar).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for the worker")).to_be_visible()
    assert_no_horizontal_overflow(page, f"progress page at {width} px")
    page.screenshot(path=str(SCREENSHOTS / f"import-progress-{width}.png"))

    worker = BackgroundWorker(tick=600).start()
    try:
        seen: set[int] = set()
        deadline = time.monotonic() + 120
        while "/import/runs/" not in page.url and time.monotonic() < deadline:
            # The page may move on to the result between two looks.
            with contextlib.suppress(Exception):
                seen.add(int(bar.get_attribute("value", timeout=500) or 0))
            time.sleep(0.1)
        expect(page).to_have_url(re.compile(r"/import/runs/\d+/$"))
    finally:
        worker.stop()
    job = ImportJob.objects.get()
    assert job.status == "done", job.error
    assert len(seen) >= 2, f"the bar never moved: {seen}"

    expect(
        page.get_by_role("heading", name=re.compile(r"^Imported Basic_LinkedIn"))
    ).to_be_visible()
    created = page.locator("#created")
    expect(created).to_contain_text(f"Created ({GENERATED + 5 + 1})")
    expect(created.get_by_role("link", name="Mirela Okonkwo-Hart")).to_be_visible()
    assert ImportChange.objects.filter(run_id=job.run_id, action="created").exists()
    assert_no_horizontal_overflow(page, f"result page at {width} px")
    page.screenshot(path=str(SCREENSHOTS / f"import-result-{width}.png"), full_page=False)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_help_shows_every_format_and_the_progress_page_refreshes(
    live_server, browser, tmp_path: Path
) -> None:
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from amity.core.schedule import BackgroundWorker

    get_user_model().objects.create_user(username="ada", password=PASSWORD)
    context = browser.new_context(viewport={"width": 390, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for name in ("linkedin", "google", "vcard", "mbox", "ics"):
        expect(page.locator(f"#help-{name}")).to_be_visible()
    # A format's own page shows its steps only.
    page.get_by_role("link", name="vCard (.vcf)").click()
    expect(page.locator("#help-vcard")).to_be_visible()
    expect(page.locator("#help-linkedin")).to_be_hidden()
    page.locator("select#id_format").select_option("linkedin")
    page.locator("input#id_file").set_input_files(str(_export(tmp_path)))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("progress#import-bar")).to_be_visible()
    worker = BackgroundWorker(tick=600).start()
    try:
        # Only the page's own refresh can bring the result: no script runs.
        expect(page).to_have_url(re.compile(r"/import/runs/\d+/$"), timeout=120_000)
    finally:
        worker.stop()
    expect(page.locator("#created")).to_contain_text("Mirela Okonkwo-Hart")
    assert_no_horizontal_overflow(page, "result page without script at 390 px")
    context.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """Run a real `amity serve` (waitress and its in-process worker) with user ada."""
    from tests.security.bombs import amity_env, create_user, python

    env = amity_env(tmp_path / "home", AMITY_ALLOWED_HOSTS="127.0.0.1,localhost")
    create_user(env)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(
        [python(), "-m", "amity", "serve", "--no-demo", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_amity_serve_imports_an_upload_on_its_own_worker(
    served: str, browser, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{served}/import/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input#id_file").set_input_files(str(_export(tmp_path)))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/import/(jobs|runs)/\d+/$"))
    # The worker inside `amity serve` picks the job up; the page follows it to the result.
    expect(page).to_have_url(re.compile(r"/import/runs/\d+/$"), timeout=120_000)
    expect(page.locator("#created")).to_contain_text(f"Created ({GENERATED + 5 + 1})")
    expect(page.locator("#created")).to_contain_text("Mirela Okonkwo-Hart")
    context.close()
