"""Check the suite-wide owner-filter check (tests/owner_scope.py) and OwnedManager.

The check must fail a test whose Amity code queries an owned table without an owner
filter: proven here by running a small test file through pytest in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import owner_scope

REPO = Path(__file__).resolve().parents[1]

INNER_TESTS = '''
import pytest

from amity.api.pagination import AmityPagination
from amity.people.models import Person


def page(queryset):
    """Count and slice through Amity's API paginator, as a list endpoint would."""
    pagination = AmityPagination.Input(limit=10, offset=0)
    return AmityPagination().paginate_queryset(queryset, pagination, request=None)


@pytest.mark.django_db
def test_unfiltered():
    page(Person.objects.all())


@pytest.mark.django_db
def test_filtered(user):
    page(Person.objects.filter(owner=user))


@pytest.mark.django_db
def test_by_the_test_itself():
    assert Person.objects.count() == 0
'''

INNER_CONFTEST = """
from tests.conftest import (  # noqa: F401
    _owner_scope_installed,
    _owner_scoped_queries,
    pytest_collection_modifyitems,
    user,
)
"""


def test_it_fails_a_test_whose_amity_code_queries_without_an_owner(tmp_path: Path) -> None:
    """Run a deliberately unfiltered query through Amity's paginator: that test fails."""
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    (tmp_path / "conftest.py").write_text(textwrap.dedent(INNER_CONFTEST))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ds=tests.settings",
         "-o", "pythonpath=", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    # Each test body passes; the check fails the unfiltered one at teardown, alone.
    assert "3 passed" in out and " 1 error" in out, out
    assert "ERROR at teardown of test_unfiltered" in out, out
    assert "amity/api/pagination.py:paginate_queryset on people_person" in out, out


@pytest.mark.parametrize(
    ("sql", "flagged"),
    [
        ('SELECT * FROM "people_person" WHERE "people_person"."id" = %s', ("people_person",)),
        ('SELECT * FROM "people_person" WHERE "people_person"."owner_id" = %s', ()),
        ("SELECT * FROM people_person p WHERE p.owner_id IN (1, 2)", ()),
        ("UPDATE people_note SET body = ? WHERE id = ?", ("people_note",)),
        ("DELETE FROM people_note WHERE owner_id = ? AND id = ?", ()),
        # A join on the owner column scopes nothing.
        (
            'SELECT * FROM "accounts_apitoken" INNER JOIN "auth_user" ON '
            '("accounts_apitoken"."owner_id" = "auth_user"."id") WHERE digest = %s',
            ("accounts_apitoken",),
        ),
        # Inserts carry their owner; the through table and users are not owned.
        ("INSERT INTO people_person (owner_id, full_name) VALUES (%s, %s)", ()),
        ('SELECT * FROM "people_interaction_people" WHERE person_id = %s', ()),
        ('SELECT * FROM "auth_user" WHERE id = %s', ()),
    ],
)
def test_it_flags_statements_on_owned_tables_without_an_owner(
    sql: str, flagged: tuple[str, ...]
) -> None:
    """Name the owned tables a statement reads or changes without an owner filter."""
    assert owner_scope.unscoped_tables(sql) == flagged


def test_every_owned_model_uses_the_owned_manager() -> None:
    """Give every model with an owner the manager that scopes its related managers."""
    from django.apps import apps

    from amity.core.owned_rows import OwnedManager

    owned = [
        model for model in apps.get_models() if model._meta.db_table in owner_scope.owned_tables()
    ]
    assert len(owned) > 10
    for model in owned:
        assert isinstance(model._default_manager, OwnedManager), model.__name__


@pytest.mark.django_db
def test_related_managers_filter_by_the_rows_owner(user: object) -> None:
    """Read a person's contact points and interactions with the owner in the query."""
    from amity.people import services, timeline

    person = services.create_person(owner=user, full_name="Ada Lovelace", emails=["a@x.org"])
    logged = timeline.log_interaction(owner=user, people=[person], summary="tea")
    for related in (person.contact_points.all(), person.interactions.all(), logged.people.all()):
        assert '"owner_id" = ' in str(related.query), related.query
    assert [c.value for c in person.contact_points.all()] == ["a@x.org"]
    assert list(person.interactions.all()) == [logged]
    assert list(logged.people.all()) == [person]
