"""Test `amity log`."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from amity.cli.base import CliError
from amity.people import services
from amity.people.models import Interaction, Person


@pytest.fixture
def ada(user) -> Person:
    return services.create_person(owner=user, full_name="Ada Lovelace", emails=["ada@example.org"])


@pytest.fixture
def charles(user) -> Person:
    return services.create_person(owner=user, full_name="Charles Babbage")


def test_it_logs_the_example_from_the_issue(run, ada) -> None:
    out = run(
        *("log", "Ada Lovelace", "--channel", "call", "--deposit", "help"),
        *("--note", "Reviewed her notes on the engine", "--at", "2026-11-02"),
    )
    assert out.strip() == "Logged a call with Ada Lovelace (deposit: help) on 2026-11-02"
    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.intent, interaction.subtype) == (
        "call",
        "deposit",
        "help",
    )
    assert interaction.summary == "Reviewed her notes on the engine"
    assert interaction.source == "manual"
    ada.refresh_from_db()
    assert ada.interaction_count == 1 and ada.last_interaction_at == interaction.occurred_at


def test_it_reads_a_bare_date_as_noon_in_the_configured_time_zone(run, ada, settings) -> None:
    settings.TIME_ZONE = "America/New_York"
    run("log", "ada", "--at", "2026-11-02")
    expected = dt.datetime(2026, 11, 2, 12, tzinfo=ZoneInfo("America/New_York"))
    assert Interaction.objects.get().occurred_at == expected


def test_it_reads_an_iso_datetime(run, ada) -> None:
    run("log", "ada", "--at", "2026-11-02T09:30:00+01:00")
    assert Interaction.objects.get().occurred_at == dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)


def test_it_answers_with_the_interaction_as_json(run_json, ada, charles) -> None:
    data = run_json(
        *("log", "ada", "Charles", "--channel", "in-person", "--direction", "in"),
        *("--withdrawal", "advice", "--content", "Full text", "--at", "2026-03-01"),
    )
    assert data["id"] == Interaction.objects.get().pk
    assert data["channel"] == "in_person" and data["direction"] == "inbound"
    assert (data["intent"], data["subtype"]) == ("withdrawal", "advice_request")
    assert data["content"] == "Full text" and data["occurred_at"].startswith("2026-03-01T12:00")
    assert sorted(data["people"]) == sorted([charles.pk, ada.pk])
    assert {"uid", "summary", "source", "external_id", "created_at"} <= data.keys()


def test_it_names_everyone_in_a_group_interaction(run, ada, charles) -> None:
    out = run("log", "ada", "charles", "--channel", "meeting", "--neutral", "--at", "2026-01-05")
    assert out.strip() == (
        "Logged a meeting with Ada Lovelace and Charles Babbage (neutral) on 2026-01-05"
    )


def test_it_logs_a_deposit_without_a_subtype(run_json, ada) -> None:
    data = run_json("log", "ada", "--deposit")
    assert (data["intent"], data["subtype"]) == ("deposit", "")


def test_it_explains_a_subtype_of_the_other_intent(run, ada) -> None:
    with pytest.raises(CliError, match="--deposit: 'pitch' is a withdrawal subtype"):
        run("log", "ada", "--deposit", "pitch")
    assert not Interaction.objects.exists()


def test_it_lists_the_subtypes_for_an_unknown_one(run, ada) -> None:
    with pytest.raises(CliError, match="--withdrawal: unknown withdrawal subtype 'loan'"):
        run("log", "ada", "--withdrawal", "loan")


def test_it_refuses_two_intents(run, ada) -> None:
    with pytest.raises(CliError, match="not allowed with argument"):
        run("log", "ada", "--deposit", "help", "--neutral")


def test_it_names_a_bad_date(run, ada) -> None:
    with pytest.raises(CliError, match="--at: '2026-13-02' is not a date"):
        run("log", "ada", "--at", "2026-13-02")


def test_it_names_a_bad_channel_and_direction(run, ada) -> None:
    with pytest.raises(CliError, match="--channel: unknown channel 'fax'"):
        run("log", "ada", "--channel", "fax")
    with pytest.raises(CliError, match="--direction: unknown direction 'up'"):
        run("log", "ada", "--direction", "up")


def test_it_names_an_unknown_person_and_logs_nothing(run, ada) -> None:
    with pytest.raises(CliError, match="no person matches 'Grace Hopper'"):
        run("log", "ada", "Grace Hopper")
    assert not Interaction.objects.exists()


def test_it_refuses_an_ambiguous_name(run, user, ada) -> None:
    services.create_person(owner=user, full_name="Ada Byron")
    with pytest.raises(CliError, match="'Ada' is ambiguous"):
        run("log", "Ada")


def test_it_logs_the_same_person_once(run_json, ada) -> None:
    data = run_json("log", "ada", "ada@example.org")
    assert len(data["people"]) == 1
