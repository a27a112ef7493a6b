"""Test `amity people list|show|add|edit|delete|merge`."""

import datetime as dt
import io
import sys

import pytest

from amity.cli.base import CliError
from amity.people import services, timeline
from amity.people.models import Interaction, Person


class _Terminal(io.StringIO):
    """A stdin that claims to be a terminal and holds the user's answer."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def ada(user) -> Person:
    return services.create_person(
        owner=user,
        full_name="Ada Lovelace",
        emails=["ada@example.org"],
        company="Analytical Engines",
        field="maths",
        tags=["mentors"],
    )


@pytest.fixture
def charles(user) -> Person:
    return services.create_person(
        owner=user, full_name="Charles Babbage", company="Difference Engines", tags=["maths"]
    )


def test_it_lists_people_as_json_with_the_total_count(run_json, ada, charles) -> None:
    data = run_json("people", "list", "--limit", "1")
    assert data["count"] == 2
    assert [p["full_name"] for p in data["people"]] == ["Charles Babbage"]
    person = data["people"][0]
    assert person["id"] == charles.pk and person["uid"] == str(charles.uid)
    assert person["tags"] == ["maths"] and person["contact_points"] == []
    assert {"created_at", "provenance", "interaction_count", "birthday"} <= person.keys()


def test_it_pages_sorts_and_filters_the_list(run_json, ada, charles) -> None:
    assert [p["full_name"] for p in run_json("people", "list", "--offset", "1")["people"]] == [
        "Ada Lovelace"
    ]
    by_name_desc = run_json("people", "list", "--sort=-name")["people"]
    assert [p["full_name"] for p in by_name_desc] == ["Ada Lovelace", "Charles Babbage"]
    assert run_json("people", "list", "--tag", "mentors")["count"] == 1
    assert run_json("people", "list", "--field", "maths")["people"][0]["id"] == ada.pk
    assert run_json("people", "list", "--company", "Difference Engines")["count"] == 1


def test_it_accepts_json_before_the_action(run, ada) -> None:
    out = run("people", "--json", "list")
    assert '"count": 1' in out


def test_it_prints_a_table_of_people(run, ada) -> None:
    out = run("people", "list")
    assert "Lovelace" in out and "mentors" in out and "1–1 of 1" in out


def test_it_rejects_an_unknown_sort(run, ada) -> None:
    with pytest.raises(CliError, match="--sort"):
        run("people", "list", "--sort", "age")


def test_it_shows_a_person_with_their_last_ten_interactions(run, run_json, user, ada) -> None:
    start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    for day in range(12):
        timeline.log_interaction(
            owner=user, people=[ada], occurred_at=start + dt.timedelta(days=day), summary=f"#{day}"
        )
    data = run_json("people", "show", "ada@example.org")
    assert data["person"]["full_name"] == "Ada Lovelace"
    assert data["person"]["interaction_count"] == 12
    assert [i["summary"] for i in data["interactions"]] == [f"#{d}" for d in range(11, 1, -1)]
    assert data["interactions"][0]["people"] == [ada.pk]
    out = run("people", "show", f"#{ada.pk}")
    assert "Analytical Engines" in out and "ada@example.org" in out and "#11" in out


def test_it_names_an_unknown_person(run, ada) -> None:
    with pytest.raises(CliError, match="no person matches 'Grace'"):
        run("people", "show", "Grace")


def test_it_lists_the_candidates_for_an_ambiguous_name(run, user, ada) -> None:
    services.create_person(owner=user, full_name="Ada Byron")
    with pytest.raises(CliError, match="ambiguous.*Ada Byron.*Ada Lovelace"):
        run("people", "show", "Ada")


def test_it_never_shows_another_users_person(run, other_user) -> None:
    bob_friend = services.create_person(owner=other_user, full_name="Grace Hopper")
    with pytest.raises(CliError, match="no person matches"):
        run("people", "show", f"#{bob_friend.pk}")


def test_it_acts_as_the_user_named_by_user(run_json, ada, other_user) -> None:
    services.create_person(owner=other_user, full_name="Grace Hopper")
    data = run_json("people", "list", "--user", "bob")
    assert [p["full_name"] for p in data["people"]] == ["Grace Hopper"]


def test_it_adds_a_person_with_every_option(run_json, user) -> None:
    data = run_json(
        *("people", "add", "Grace", "Brewster", "Hopper"),
        *("--email", "grace@navy.example", "--email", "grace@home.example"),
        *("--phone", "+1 555 0100", "--url", "grace.example"),
        *("--linkedin", "https://linkedin.com/in/Grace-Hopper/"),
        *("--company", "US Navy", "--title", "Rear Admiral", "--field", "computing"),
        *("--location", "Arlington", "--interest", "compilers", "--interest", "COBOL"),
        *("--tag", "mentors", "--tag", "pioneers", "--how-we-met", "A conference"),
        *("--notes", "Carries a nanosecond", "--birthday", "1906-12-09"),
        *("--connected-on", "2024-05-01", "--looking-for", "Young engineers"),
        *("--can-offer", "Debugging advice"),
    )
    assert data["full_name"] == "Grace Brewster Hopper"
    assert (data["given_name"], data["middle_name"], data["family_name"]) == (
        "Grace",
        "Brewster",
        "Hopper",
    )
    assert [(c["kind"], c["value"], c["is_primary"]) for c in data["contact_points"]] == [
        ("email", "grace@navy.example", True),
        ("email", "grace@home.example", False),
        ("phone", "+1 555 0100", True),
        ("url", "grace.example", True),
    ]
    assert data["linkedin_url"] == "https://www.linkedin.com/in/grace-hopper"
    assert data["interests"] == ["compilers", "COBOL"]
    assert data["tags"] == ["mentors", "pioneers"]
    assert (data["birthday"], data["connected_on"]) == ("1906-12-09", "2024-05-01")
    assert data["looking_for"] == "Young engineers" and data["can_offer"] == "Debugging advice"
    assert data["provenance"]["company"] == "manual"
    assert Person.objects.get(pk=data["id"]).owner == user


def test_it_says_which_person_it_added(run) -> None:
    assert run("people", "add", "Grace Hopper").startswith("Added Grace Hopper (#")


def test_it_names_the_field_of_a_bad_date(run) -> None:
    with pytest.raises(CliError, match="birthday: '1906-13-09' is not a date"):
        run("people", "add", "Grace Hopper", "--birthday", "1906-13-09")
    assert not Person.objects.exists()


def test_it_names_the_field_of_a_bad_linkedin_url(run) -> None:
    with pytest.raises(CliError, match="linkedin_url: .* is not a LinkedIn profile URL"):
        run("people", "add", "Grace Hopper", "--linkedin", "https://example.org/grace")


def test_it_edits_fields_tags_emails_and_the_name(run_json, ada) -> None:
    data = run_json(
        *("people", "edit", "Ada Lovelace", "--name", "Augusta Ada King"),
        *("--add-tag", "pioneers", "--remove-tag", "mentors"),
        *("--add-email", "countess@example.org", "--remove-email", "ADA@example.org"),
        *("--title", "Countess", "--company", ""),
        *("--add-interest", "poetry"),
    )
    assert data["id"] == ada.pk
    assert data["full_name"] == "Augusta Ada King"
    assert data["tags"] == ["pioneers"]
    assert [c["value"] for c in data["contact_points"]] == ["countess@example.org"]
    assert data["title"] == "Countess" and data["company"] == ""
    assert data["interests"] == ["poetry"]


def test_it_replaces_all_emails_with_email(run_json, ada) -> None:
    data = run_json("people", "edit", "ada", "--email", "a@x.org", "--email", "b@x.org")
    assert [c["value"] for c in data["contact_points"]] == ["a@x.org", "b@x.org"]


def test_it_refuses_to_remove_a_tag_the_person_lacks(run, ada) -> None:
    with pytest.raises(CliError, match="--remove-tag: 'climate' is not among"):
        run("people", "edit", "ada", "--remove-tag", "climate")


def test_it_refuses_an_edit_without_changes(run, ada) -> None:
    with pytest.raises(CliError, match="nothing to change"):
        run("people", "edit", "ada")


def test_it_deletes_with_yes(run_json, ada) -> None:
    pk, uid = ada.pk, ada.uid
    data = run_json("people", "delete", "ada", "--yes")
    assert data["deleted"] == {"id": pk, "uid": str(uid), "full_name": "Ada Lovelace"}
    assert not Person.objects.filter(pk=pk).exists()
    # The printed undo id brings them back, uid and all.
    run_json("undo", str(data["undo_id"]))
    assert Person.objects.get(pk=pk).uid == uid


def test_it_refuses_to_delete_without_yes_when_stdin_is_not_a_terminal(
    run, ada, monkeypatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    with pytest.raises(CliError, match="add --yes"):
        run("people", "delete", "ada")
    assert Person.objects.filter(pk=ada.pk).exists()


def test_it_asks_before_deleting_at_a_terminal(run, ada, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    with pytest.raises(CliError, match="cancelled"):
        run("people", "delete", "ada")
    assert Person.objects.filter(pk=ada.pk).exists()
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    out = run("people", "delete", "ada")
    assert "Delete Ada Lovelace" in out and f"Deleted Ada Lovelace (#{ada.pk})" in out
    assert not Person.objects.filter(pk=ada.pk).exists()


def test_it_merges_duplicates_into_the_kept_person(run_json, user, ada) -> None:
    twin = services.create_person(
        owner=user, full_name="A. Lovelace", emails=["countess@example.org"], title="Countess"
    )
    timeline.log_interaction(owner=user, people=[twin], channel="call")
    data = run_json("people", "merge", f"#{ada.pk}", f"#{twin.pk}", "--yes")
    assert data["id"] == ada.pk and data["title"] == "Countess"
    emails = [c["value"] for c in data["contact_points"] if c["kind"] == "email"]
    assert emails == ["ada@example.org", "countess@example.org"]
    assert data["interaction_count"] == 1
    assert not Person.objects.filter(pk=twin.pk).exists()
    assert Interaction.objects.get().people.get() == ada


def test_it_refuses_to_merge_a_person_into_themselves(run, ada) -> None:
    with pytest.raises(CliError, match="named twice"):
        run("people", "merge", "ada", "ada@example.org", "--yes")


def test_it_lists_likely_duplicates_and_the_merge_command(run, run_json, user, ada) -> None:
    twin = services.create_person(owner=user, full_name="Ada L.", emails=["ADA@example.org"])
    services.create_person(owner=user, full_name="Grace Hopper", emails=["grace@navy.example"])
    groups = run_json("people", "duplicates")["groups"]
    assert len(groups) == 1
    assert sorted(groups[0]["person_ids"]) == sorted([ada.pk, twin.pk])
    assert groups[0]["score"] == 100 and "same email ada@example.org" in groups[0]["reasons"]
    text = run("people", "duplicates")
    assert "Merge a group with: amity people merge" in text


def test_it_reports_no_duplicates_when_there_are_none(run, ada, charles) -> None:
    assert "No likely duplicates." in run("people", "duplicates")
