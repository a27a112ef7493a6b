"""Test the share, reading, embed, intros, intro, referral and insights verbs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from amity.cli import call
from amity.cli.base import CliError
from amity.network.models import Introduction, ProfileEmbedding, ReadingItem, Referral
from amity.people.models import Interaction


def run(*args: str, **kwargs: Any) -> Any:
    out = io.StringIO()
    call(*args, "--json", stdout=out, **kwargs)
    return json.loads(out.getvalue())


def text(*args: str, **kwargs: Any) -> str:
    out = io.StringIO()
    call(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_share_answers_json_and_says_which_matching(tfidf: None, user: Any, network: dict) -> None:
    data = run("share", "A guide to restoring wooden boats", "--limit", "2")
    assert data["backend"] == "tfidf"
    assert "lexical fallback" in data["text_model"]
    assert [m["person"]["name"] for m in data["matches"]] == ["Bea Lindqvist"]
    match = data["matches"][0]
    assert match["reasons"][0] == {
        "kind": "interest",
        "quote": "wooden boats",
        "score": pytest.approx(match["reasons"][0]["score"]),
    }
    assert match["draft"].endswith("No need to reply.")
    assert match["confidence"] in {"strong match", "maybe"} and data["stands_out"] is True
    assert data["logged"] is None and data["saved"] is None


def test_share_reads_a_file_and_stdin(
    tfidf: None, user: Any, network: dict, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Compilers and programming languages, a history\n\nLong body.")
    data = run("share", str(article))
    assert data["matches"][0]["person"]["name"] == "Cy Tanaka"
    data = run("share", "-", stdin=io.StringIO("wooden boats for sailing"))
    assert data["matches"][0]["person"]["name"] == "Bea Lindqvist"


def test_share_logs_and_saves(tfidf: None, user: Any, network: dict) -> None:
    data = run("share", "restoring wooden boats", "--log", "Bea", "--save")
    interaction = Interaction.objects.get(pk=data["logged"])
    assert interaction.subtype == "shared_content"
    assert data["saved"]["shared_with"] == [network["sailor"].pk]
    listing = run("reading")
    assert [i["id"] for i in listing] == [data["saved"]["id"]]


def test_share_prints_people_reasons_and_drafts(tfidf: None, user: Any, network: dict) -> None:
    out = text("share", "restoring wooden boats")
    assert "Text matching: lexical fallback" in out
    assert "Bea Lindqvist" in out and "wooden boats" in out and "No need to reply." in out
    assert "Nobody stands out" not in out


def test_share_says_when_nothing_connects(tfidf: None, user: Any, network: dict) -> None:
    out = text("share", "Immunotherapy shrinks tumours")
    assert "Nothing in your people's profiles connects to this." in out


def test_share_rejects_bad_input(tfidf: None, user: Any, network: dict) -> None:
    with pytest.raises(CliError):
        call("share", "   ", stdout=io.StringIO())
    with pytest.raises(CliError, match="no person matches"):
        call("share", "boats", "--log", "Nobody Here", stdout=io.StringIO())


def test_reading_adds_suggests_and_archives(tfidf: None, user: Any, network: dict) -> None:
    added = run("reading", "add", "https://ex.org/b Restoring wooden boats")
    assert added[0]["url"] == "https://ex.org/b"
    suggested = run("reading", "suggest", "Bea", "Cy")
    assert [(s["person"]["name"], s["item"]["id"]) for s in suggested] == [
        ("Bea Lindqvist", added[0]["id"])
    ]
    run("reading", "archive", str(added[0]["id"]))
    assert run("reading") == []
    assert ReadingItem.objects.get().archived


def test_embed_says_the_fallback_needs_nothing(tfidf: None, user: Any, network: dict) -> None:
    data = run("embed")
    assert data["backend"] == "tfidf" and data["embedded"] == 0
    assert ProfileEmbedding.objects.count() == 0


def test_embed_embeds_once_with_the_model(model: None, user: Any, network: dict) -> None:
    first = run("embed")
    assert first["backend"] == "model" and first["model_name"] == "all-MiniLM-L6-v2-onnx-int8"
    rows = ProfileEmbedding.objects.filter(owner=user).count()
    assert rows > 5
    assert (first["people"], first["embedded"]) == (5, rows)
    second = run("embed")
    assert (second["embedded"], second["unchanged"]) == (0, rows)
    assert "Checked 5 people" in text("embed")


def test_intros_and_the_intro_workflow(tfidf: None, user: Any, make_person: Any) -> None:
    make_person("Ann Law", field="Law", interests=["beekeeping"])
    make_person("Ben Med", field="Medicine", interests=["beekeeping"])
    data = run("intros")
    assert data["backend"] == "tfidf"
    pair = data["suggestions"][0]
    assert {pair["a"]["name"], pair["b"]["name"]} == {"Ann Law", "Ben Med"}
    assert pair["reasons"][0]["kind"] == "interests"
    intro = run("intro", "propose", "Ann", "Ben")
    assert intro["state"] == "proposed" and intro["next_action"] == "ask A"
    assert intro["reason"].startswith("both care about “beekeeping”")
    edited = run("intro", "draft", str(intro["id"]), "--ask-a", "Ann, meet Ben?")
    assert edited["drafts"]["ask_a"] == "Ann, meet Ben?"
    advanced = run("intro", "advance", str(intro["id"]))
    assert advanced["state"] == "asked_a"
    assert Interaction.objects.get().content == "Ann, meet Ben?"
    declined = run("intro", "decline", str(intro["id"]), "--by", "b")
    assert declined["state"] == "declined_b"
    assert run("intro", "list") == []
    assert [i["id"] for i in run("intro", "list", "--all")] == [intro["id"]]
    assert run("intros")["suggestions"] == []
    with pytest.raises(CliError, match="declined"):
        call("intro", "propose", "Ben", "Ann", stdout=io.StringIO())


def test_intro_dismiss_and_show(tfidf: None, user: Any, make_person: Any) -> None:
    make_person("Ann Law", field="Law", interests=["beekeeping"])
    make_person("Ben Med", field="Medicine", interests=["beekeeping"])
    dismissed = run("intro", "dismiss", "Ann", "Ben")
    assert dismissed["state"] == "dismissed"
    assert run("intro", "show", str(dismissed["id"]))["id"] == dismissed["id"]
    with pytest.raises(CliError, match="no introduction"):
        call("intro", "show", "999", stdout=io.StringIO())


def test_intro_never_shows_another_users_introduction(
    tfidf: None, user: Any, other_user: Any, make_person: Any
) -> None:
    make_person("Ann Law", owner=other_user)
    make_person("Ben Med", owner=other_user)
    theirs = run("intro", "propose", "Ann", "Ben", "--user", "bob")
    with pytest.raises(CliError, match="no introduction"):
        call("intro", "advance", str(theirs["id"]), "--user", "ada", stdout=io.StringIO())
    assert Introduction.objects.get().state == "proposed"


def test_referral_records_lists_and_thanks(tfidf: None, user: Any, network: dict) -> None:
    made = run("referral", "Ada", "Bea", "Cy", "--note", "at the gala")
    assert [(r["referrer"]["name"], r["person"]["name"]) for r in made] == [
        ("Ada Okafor", "Bea Lindqvist"),
        ("Ada Okafor", "Cy Tanaka"),
    ]
    out = text("referral", "list")
    assert "recommended by Ada Okafor" in out
    researched = run("referral", "researched", str(made[0]["id"]))
    assert researched[0]["researched_at"]
    thanked = run("referral", "thank", str(made[0]["id"]))
    assert Interaction.objects.get(pk=thanked["interaction"]).subtype == "thanks"
    assert Referral.objects.get(pk=made[0]["id"]).thanked_at is not None


def test_insights_answers_json_and_text(tfidf: None, user: Any, network: dict) -> None:
    data = run("insights")
    assert data["people"] == 5
    assert {g["name"] for g in data["by_field"]} >= {"Healthcare", "Software"}
    assert len(data["months"]) == 12
    assert data["strength_source"]
    out = text("insights")
    assert "5 people" in out and "By field" in out


def test_the_cli_records_each_answer_before_the_introduction(
    tfidf: None, user: Any, make_person: Any
) -> None:
    make_person("Ann Law")
    make_person("Ben Med")
    intro = run("intro", "propose", "Ann", "Ben")
    ref = str(intro["id"])
    assert run("intro", "advance", ref)["next_action"] == "answer A"
    with pytest.raises(CliError, match="waiting for Ann Law's answer"):
        run("intro", "advance", ref)
    with pytest.raises(CliError, match="--by a"):
        run("intro", "yes", ref)
    agreed = run("intro", "yes", ref, "--by", "a", "--note", "Gladly")
    assert (agreed["state"], agreed["next_step"]) == ("agreed_a", "Ann said yes: ask Ben")
    run("intro", "advance", ref)
    declined = run("intro", "no", ref, "--by", "b")
    assert declined["state"] == "declined_b" and declined["agreed_b_at"] is None
