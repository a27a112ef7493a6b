"""Test `amity search`."""

import pytest

from amity.cli.base import CliError
from amity.people import services


@pytest.fixture
def people(user, other_user) -> None:
    services.create_person(
        owner=user, full_name="Ada Lovelace", company="Analytical Engines", interests=["poetry"]
    )
    services.create_person(owner=user, full_name="Charles Babbage", title="Engine designer")
    services.create_person(owner=user, full_name="Mary Somerville", emails=["mary@science.org"])
    services.create_person(owner=other_user, full_name="Engine Person")


def test_it_finds_people_and_says_why_they_matched(run_json, people) -> None:
    data = run_json("search", "engine")
    assert data["query"] == "engine" and data["count"] == 2
    found = {p["full_name"]: p["matched"] for p in data["people"]}
    assert found == {"Ada Lovelace": ["company"], "Charles Babbage": ["title"]}
    assert all("uid" in p and "contact_points" in p for p in data["people"])


def test_it_needs_every_word_to_match(run_json, people) -> None:
    data = run_json("search", "ada", "poetry")
    assert [p["full_name"] for p in data["people"]] == ["Ada Lovelace"]
    assert data["people"][0]["matched"] == ["name", "interests"]


def test_it_searches_email_addresses(run_json, people) -> None:
    data = run_json("search", "science.org")
    assert [(p["full_name"], p["matched"]) for p in data["people"]] == [
        ("Mary Somerville", ["email"])
    ]


def test_it_limits_the_results_but_counts_them_all(run, run_json, people) -> None:
    data = run_json("search", "e", "--limit", "1")
    assert data["count"] == 3 and len(data["people"]) == 1
    assert "1 of 3 shown" in run("search", "e", "--limit", "1")


def test_it_says_when_nobody_matches(run, people) -> None:
    assert "Nobody matches 'zebra'" in run("search", "zebra")


def test_it_rejects_a_limit_below_one(run, people) -> None:
    with pytest.raises(CliError, match="--limit"):
        run("search", "ada", "--limit", "0")
