"""Test the message coach: verdicts, traits, flags with exact spans, suggestions, context."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from amity.domain import coach
from amity.domain.coach import Recipient, review
from amity.domain.text_features import analyse

ROOT = Path(__file__).resolve().parents[2]
# The project's own labelled messages ("own voice"): training data for the coach.
DATA = ROOT / "training" / "own_voice"


def plain(text: str, recipient: Recipient | None = None) -> coach.Review:
    """Review with the phrase features only (fast; no text model)."""
    return review(text, recipient, use_embeddings=False)


def codes(result: coach.Review) -> set[str]:
    return {flag.code for flag in result.flags}


def flag(result: coach.Review, code: str) -> coach.Flag:
    return next(f for f in result.flags if f.code == code)


def load(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]


def test_it_calls_a_stock_connection_request_transactional_and_points_at_the_phrase() -> None:
    text = "Hi Daniel, I'd like to add you to my professional network on LinkedIn."
    result = plain(text)
    assert result.verdict == "transactional"
    found = flag(result, "template")
    assert found.text == "add you to my professional network"
    assert text[found.start : found.end] == found.text


def test_it_calls_a_specific_thank_you_relational() -> None:
    result = plain(
        "Thank you so much for the reference, Maria. I got the offer this morning, and the "
        "interview tip about the failed project was exactly right. Dinner's on me next time "
        "you're in Porto. How did the marathon go?"
    )
    assert result.verdict == "relational"
    assert result.score >= 70
    assert "template" not in codes(result)


def test_it_flags_pick_your_brain_as_a_vague_ask_and_offers_a_rewrite() -> None:
    text = "Hey! Would love to pick your brain over coffee sometime. When are you free?"
    result = plain(text)
    assert result.verdict == "transactional"
    vague = flag(result, "vague_ask")
    assert vague.text.lower() == "pick your brain"
    assert text[vague.start : vague.end] == vague.text
    rewrite = next(s for s in result.suggestions if s.code == "vague_ask")
    assert rewrite.span is not None and rewrite.span.text == vague.text
    assert rewrite.rewrite and "specific question" in rewrite.rewrite


def test_it_flags_pressure_with_a_calmer_rewrite() -> None:
    text = "I need you to introduce me to your VP of Sales ASAP. It's urgent."
    result = plain(text)
    pressure = [f.text for f in result.flags if f.code == "pressure"]
    assert "ASAP" in pressure and "urgent" in pressure
    rewrites = {s.span.text: s.rewrite for s in result.suggestions if s.span and s.rewrite}
    assert rewrites["ASAP"] == "when you have a moment"


def test_it_flags_a_single_opt_in_introduction_but_not_a_double_opt_in() -> None:
    single = plain(
        "Hi Rachel, meet Victor! Victor is raising money and I told him you'd help. "
        "You two should definitely talk, I'll let you take it from here."
    )
    double = plain(
        "Hi Nadia, would you be open to an intro to my friend Kofi? He has questions about "
        "permits you know well. Totally fine to say no; I haven't mentioned you to him yet."
    )
    assert "single_opt_in_intro" in codes(single)
    assert single.verdict == "transactional"
    assert "single_opt_in_intro" not in codes(double)
    assert double.verdict == "relational"


def test_it_flags_an_ask_after_a_long_silence() -> None:
    text = "Hey Ben! Long time no talk. I'm applying to Stripe, could you refer me? CV attached."
    result = plain(text)
    assert result.verdict == "transactional"
    silence = flag(result, "ask_after_silence")
    assert text[silence.start : silence.end] == silence.text
    assert "could you refer" in silence.text.lower()


def test_it_flags_a_sales_pitch_and_all_about_me() -> None:
    text = (
        "Hi Jordan, at GrowthLeap we help B2B SaaS companies increase qualified leads by 300%. "
        "Our platform is used by 500 teams and we are growing fast. We would like to book a "
        "15-minute demo with you this week."
    )
    result = plain(text)
    assert result.verdict == "transactional"
    assert {"sales_pitch", "all_about_me", "no_question"} <= codes(result)


def test_it_flags_a_first_message_that_runs_too_long() -> None:
    sentence = "I have worked in logistics for many years and I have a lot of ideas to share. "
    text = "Hi, you don't know me. " + sentence * 12
    result = plain(text)
    too_long = flag(result, "too_long")
    assert too_long.end == len(text)
    assert too_long.start > 0 and text[too_long.start :] == too_long.text


def test_it_finds_the_nuance_of_an_honest_specific_ask_with_an_out() -> None:
    kind = plain(
        "Hi Lucía, you helped me so much with the visa paperwork last year, thank you again. "
        "I'm stuck on one question about box 14 of the residency form. Would you have 10 "
        "minutes next week? Totally fine if you're swamped."
    )
    pushy = plain("Hi Lucía, I need you to look at my residency form today. Call me ASAP.")
    assert kind.verdict == "relational"
    assert pushy.verdict == "transactional"
    assert kind.score - pushy.score >= 40


def test_it_flags_an_ask_to_someone_with_a_negative_balance_with_a_deposit_first() -> None:
    text = "Could you introduce me to your manager at Figma? I'm applying for the design role."
    owed = Recipient(
        tie="known",
        balance=-2.5,
        days_since=40,
        name="Ana",
        suggested_deposit="send Ana the article on design systems",
    )
    result = plain(text, owed)
    assert result.verdict == "transactional"
    negative = flag(result, "ask_negative_balance")
    assert "-2.5" in negative.detail and "send Ana the article" in negative.detail
    assert text[negative.start : negative.end] == negative.text


def test_it_flags_an_ask_to_a_dormant_tie() -> None:
    text = "Could you introduce me to your manager at Figma? I'm applying for the design role."
    result = plain(text, Recipient(tie="dormant", balance=0.0, days_since=1100, name="Ana"))
    assert result.verdict == "transactional"
    assert "1100 days" in flag(result, "ask_dormant_tie").detail
    assert any(s.code == "acknowledge_gap" for s in result.suggestions)


def test_it_lets_you_ask_a_close_friend_you_have_given_to() -> None:
    text = "Could you introduce me to your manager at Figma? I'm applying for the design role."
    result = plain(text, Recipient(tie="close", balance=3.0, days_since=12, name="Ana"))
    assert result.verdict == "relational"
    assert not codes(result) & {"ask_negative_balance", "ask_dormant_tie", "ask_first_contact"}


def test_it_scores_the_five_traits_with_evidence_spans() -> None:
    text = (
        "Congrats on the new role, Ellie! The way you led the card migration last year was a "
        "masterclass. I've been nervous about my own first team. How are the first weeks "
        "going? No need to reply."
    )
    result = plain(text)
    traits = {t.code: t for t in result.traits}
    assert list(traits) == [code for code, _ in coach.TRAITS]
    for trait in traits.values():
        assert 0 <= trait.score <= 100
        for span in trait.evidence:
            assert text[span.start : span.end] == span.text
    assert traits["asks_a_genuine_question"].evidence[0].text == "How are the first weeks going?"
    assert traits["sees_the_person"].score >= 50
    assert traits["shares_something_personal"].score > 0
    assert traits["respects_their_time"].evidence[0].text == "No need to reply"


def test_it_gives_the_same_answer_every_time() -> None:
    text = "Hi! Quick favour: can you share my startup's launch post with your network today?"
    first = review(text).as_dict()
    assert all(review(text).as_dict() == first for _ in range(3))


def test_it_answers_in_the_stable_json_shape_without_the_text_model() -> None:
    data = plain("Let's connect!").as_dict()
    assert set(data) == {
        "verdict",
        "score",
        "words",
        "text_model",
        "traits",
        "flags",
        "suggestions",
        "reasons",
        "recipient",
    }
    assert data["text_model"] == "features"
    assert set(data["flags"][0]) == {"code", "label", "start", "end", "text", "detail"}
    assert set(data["suggestions"][0]) == {"code", "advice", "span", "rewrite"}


def test_it_uses_the_text_model_when_installed() -> None:
    if not coach.embedding_available():
        pytest.skip("the text model is not installed")
    result = review("Thanks for the soup, I'm feeling much better. See you Sunday!")
    assert result.text_model != "features"
    assert result.verdict == "relational"


def test_it_keeps_every_span_exact_even_when_lower_casing_changes_length() -> None:
    text = "İstanbul was lovely. Could you pick your brain about it ASAP?"
    analysis = analyse(text)
    for spans in analysis.matches.values():
        for span in spans:
            assert text[span.start : span.end] == span.text


def test_the_labelled_set_is_large_and_varied() -> None:
    rows = load("coach_messages.jsonl")
    kinds = Counter(str(row["kind"]) for row in rows)
    verdicts = Counter(str(row["verdict"]) for row in rows)
    assert len(rows) >= 240
    assert len({row["text"] for row in rows}) >= 240
    assert len(kinds) >= 15 and min(kinds.values()) >= 5
    assert min(verdicts.values()) >= len(rows) / 3
    assert {"connection_request", "reconnect", "thanks", "congrats", "sales_pitch"} <= set(kinds)
    assert {"recruiter", "spam", "intro_single", "intro_double", "cold_personal"} <= set(kinds)
    holdout = {row["text"] for row in load("coach_holdout.jsonl")}
    assert not holdout & {row["text"] for row in rows}
