"""Test `amity coach` and `amity triage` on the command line."""

from __future__ import annotations

import pytest

from amity.cli.base import CliError
from amity.people import services as people
from tests.inbox.conftest import history, inbound

DRAFT = "Hi Daniel, I'd like to add you to my professional network. Could you refer me ASAP?"


def test_coach_prints_the_verdict_flags_and_suggestions(run, tmp_path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT)
    out = run("coach", str(draft))
    assert "transactional" in out
    assert "Generic template phrase" in out and "“ASAP”" in out
    assert "when you have a moment" in out


def test_coach_answers_json_with_the_recipients_balance(run_json, user, tmp_path) -> None:
    ana = people.create_person(owner=user, full_name="Ana Lima")
    history(user, ana, asked=3, met=1)
    draft = tmp_path / "draft.txt"
    draft.write_text("Could you introduce me to your manager? I'm applying there.")
    data = run_json("coach", str(draft), "--to", "Ana")
    assert data["verdict"] == "transactional"
    assert data["recipient"]["name"] == "Ana" and data["recipient"]["balance"] < 0
    flag = next(f for f in data["flags"] if f["code"] == "ask_negative_balance")
    assert draft.read_text()[flag["start"] : flag["end"]] == flag["text"]


def test_coach_refuses_an_unknown_recipient_and_a_missing_file(run, tmp_path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT)
    with pytest.raises(CliError, match="no person matches"):
        run("coach", str(draft), "--to", "Nobody Here")
    with pytest.raises(CliError, match="cannot read"):
        run("coach", str(tmp_path / "missing.txt"))


def test_triage_groups_messages_and_a_relabel_sticks(run, run_json, user) -> None:
    seller = people.create_person(owner=user, full_name="Sal Esperson")
    message = inbound(
        user,
        seller,
        "Hi there, we help companies like yours cut costs by 40% with our platform. "
        "Can I book 15 minutes on your calendar?",
    )
    data = run_json("triage")
    assert data["counts"]["cold_pitch"] == 1
    listed = data["groups"][3]["messages"][0]
    assert (listed["id"], listed["group"]) == (message.pk, "cold_pitch")
    assert listed["reply"]["kind"] == "decline" and listed["reply"]["text"].startswith("Hi Sal,")
    printed = run("triage")
    assert "Cold pitches (1)" in printed
    assert "reply draft (a kind decline; Amity never sends it): Hi Sal," in printed

    moved = run_json("triage", "--relabel", str(message.pk), "genuine_new")
    assert moved == {"id": message.pk, "group": "genuine_new", "labelled": True}
    again = run_json("triage", "--source", "mbox")
    assert again["counts"]["genuine_new"] == 1
    assert again["groups"][1]["messages"][0]["corrected"] is True
    assert run_json("triage", "--unlabel", str(message.pk))["labelled"] is False
    assert run_json("triage")["counts"]["cold_pitch"] == 1


def test_triage_refuses_bad_labels(run, user, other_user) -> None:
    theirs = people.create_person(owner=other_user, full_name="Theirs")
    message = inbound(other_user, theirs, "Hello there, buy our stuff today")
    with pytest.raises(CliError, match="no inbound message"):
        run("triage", "--relabel", str(message.pk), "trusted")
    with pytest.raises(CliError, match="unknown group"):
        run("triage", "--relabel", str(message.pk), "junk")
    with pytest.raises(CliError, match="not a message id"):
        run("triage", "--relabel", "abc", "trusted")


def test_triage_previews_a_move_and_moves_only_one_message(run, run_json, user) -> None:
    from amity.inbox.models import TriageLabel

    seller = people.create_person(owner=user, full_name="Sal Esperson")
    pitch = (
        "Hi there, we help companies like yours cut costs by 40% with our platform. "
        "Can I book 15 minutes on your calendar?"
    )
    first = inbound(user, seller, pitch, days_ago=2)
    inbound(user, seller, pitch + " Thanks!", days_ago=1)
    preview = run_json("triage", "--preview", str(first.pk), "trusted")
    assert [o["moves"] for o in preview["options"]] == [1, 2]
    printed = run("triage", "--preview", str(first.pk), "trusted")
    assert "alone: 1 message(s) change group (Trusted 0 → 1, Cold pitches 2 → 1)" in printed
    assert not TriageLabel.objects.exists()
    run("triage", "--relabel", str(first.pk), "trusted", "--only")
    assert run_json("triage")["counts"] == {
        "trusted": 1,
        "genuine_new": 0,
        "asks": 0,
        "cold_pitch": 1,
    }
