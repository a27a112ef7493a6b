"""Mark storage tests and report the backend (settings live in tests/settings.py).

Storage tests (anything using the database) run on SQLite by default. When
AMITY_TEST_DATABASE_URL is set, `tests/run.py` runs them a second time with
AMITY_TEST_BACKEND=postgresql.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings as hypothesis_settings

from tests import owner_scope

# CI must be repeatable: the same examples every run (a failing example found locally
# becomes a regular test). Locally hypothesis keeps exploring new inputs.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "client",
    "admin_client",
    "live_server",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the database as a storage test."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & _DB_FIXTURES:
            item.add_marker(pytest.mark.storage)


def pytest_report_header() -> str:
    """Say which database backend this run uses."""
    from django.conf import settings

    return f"amity database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _fresh_matrices() -> Iterator[None]:
    """Forget what Share holds in memory per owner from earlier tests.

    Owner ids repeat from one test's database to the next: a Today after `amity demo`
    in another test found that owner "checked for stale profiles" and read its matrices.
    """
    from amity.network import introductions, profiles

    profiles.forget_cached_matrices()
    introductions.forget_suggestions()
    yield
    profiles.forget_cached_matrices()
    introductions.forget_suggestions()


@pytest.fixture(scope="session", autouse=True)
def _owner_scope_installed() -> None:
    """Wrap every database connection with the owner-filter check (tests/owner_scope.py)."""
    owner_scope.install()


@pytest.fixture(autouse=True)
def _owner_scoped_queries(
    request: pytest.FixtureRequest, _owner_scope_installed: None
) -> Iterator[None]:
    """Fail the test if Amity's code queried an owned table without an owner filter."""
    owner_scope.start(request.node.nodeid)
    yield
    found = owner_scope.collected()
    if found:
        sites = sorted({v.describe() for v in found})
        pytest.fail(
            f"{len(found)} statement(s) on owned tables without an owner filter "
            "(add `owner=...` to the query; see tests/owner_scope.py):\n  "
            + "\n  ".join(sites[:20]),
            pytrace=False,
        )


@pytest.fixture
def user(db: None) -> object:
    """Return a local user, "ada", with password "correct horse battery"."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="ada", password="correct horse battery")


@pytest.fixture
def other_user(db: None) -> object:
    """Return a second user, "bob", whose data "ada" must never see."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="bob", password="another horse battery")


# The browser tests' shared fixtures (tests/browser.py): a Chromium, pages at 1280 and
# 390 px, and ada with the demo network. Imported here so every directory can use them.
from tests.browser import chromium, demo_user, open_page  # noqa: E402, F401
