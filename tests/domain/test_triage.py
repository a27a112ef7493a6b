"""Test inbound triage: groups from relationship and text, reasons, and corrections."""

from __future__ import annotations

from amity.domain.triage import (
    Corrections,
    Label,
    Message,
    Sender,
    Triaged,
    shingles,
    triage,
)

PITCH = (
    "Hi Jordan, I noticed your company is growing fast. At GrowthLeap we help B2B SaaS "
    "companies increase qualified leads by 300% in 90 days. Open to a 15-minute call?"
)
PERSONAL = (
    "Hi Marta, I was in the second row at your PyCon talk on property-based testing and found "
    "two bugs in our date parser the same night. Thank you! How did the sprint go?"
)
ASK = "Hi, could you refer me for the data analyst role at your company? My CV is attached."

STRANGER = Sender(person_id=1, name="Stranger", interactions=1)
CLOSE = Sender(
    person_id=2,
    name="Close friend",
    interactions=80,
    engaged=50,
    circle=1,
    gave=12.0,
    asked=3.0,
    received=10.0,
    were_asked=4.0,
)
ACQUAINTANCE = Sender(
    person_id=3,
    name="Acquaintance",
    interactions=6,
    engaged=3,
    circle=4,
    received=0.5,
    were_asked=6.0,
)


def one(text: str, sender: Sender | None = None, corrections: Corrections | None = None) -> Triaged:
    return triage([Message(id=10, text=text, sender=sender)], corrections)[0]


def test_it_puts_a_strangers_sales_pitch_in_cold_pitches_and_says_why() -> None:
    result = one(PITCH, STRANGER)
    assert result.group == "cold_pitch"
    assert any("reads like mass outreach or a sale" in r for r in result.reasons)
    assert any("no history" in r for r in result.reasons)


def test_it_never_puts_a_close_tie_in_cold_pitches() -> None:
    result = one(PITCH, CLOSE)
    assert result.group != "cold_pitch"
    assert result.group == "trusted"
    assert any("close tie" in r for r in result.reasons)


def test_it_trusts_real_history_with_a_healthy_balance() -> None:
    result = one("Lovely to see you on Sunday, the kids had a blast. Same time next month?", CLOSE)
    assert result.group == "trusted"
    assert result.balance is not None and result.balance["theirs"] == 6.0
    assert any("healthy balance" in r for r in result.reasons)


def test_it_puts_an_ask_from_someone_who_mostly_takes_in_asks_with_their_balance() -> None:
    result = one(ASK, ACQUAINTANCE)
    assert result.group == "asks"
    assert any("their balance with you -5.5" in r for r in result.reasons)


def test_it_puts_a_strangers_personal_note_in_genuine_new() -> None:
    result = one(PERSONAL, STRANGER)
    assert result.group == "genuine_new"
    assert result.text_class == "personal"


def test_it_puts_a_strangers_generic_ask_in_cold_pitches() -> None:
    result = one(ASK, STRANGER)
    assert result.group == "cold_pitch"
    assert any("could have been sent to anyone" in r for r in result.reasons)


def test_it_keeps_asks_for_people_with_history() -> None:
    for text in (ASK, PITCH, PERSONAL, "Can you review my deck by Friday?"):
        assert one(text, STRANGER).group in ("cold_pitch", "genuine_new")
        assert one(text, None).group in ("cold_pitch", "genuine_new")
    assert one(ASK, ACQUAINTANCE).group == "asks"


def test_it_never_puts_anyone_with_real_history_in_cold_pitches() -> None:
    for text in (PITCH, ASK, "Dear Sir/Madam, kindly find our catalogue attached."):
        assert one(text, ACQUAINTANCE).group in ("asks", "trusted")
        assert one(text, CLOSE).group in ("asks", "trusted")


def test_it_offers_a_reply_draft_for_cold_and_new_messages_only() -> None:
    pitch = one(PITCH, STRANGER).reply
    assert pitch is not None and pitch.kind == "decline"
    assert "Hi Stranger," in pitch.text
    ask = one(ASK, STRANGER).reply
    assert ask is not None and ask.kind == "redirect"
    assert "careers page" in ask.text
    personal = one(PERSONAL, STRANGER).reply
    assert personal is not None and personal.kind == "invite"
    assert one(PERSONAL, CLOSE).reply is None
    assert one(ASK, ACQUAINTANCE).reply is None
    assert one(PITCH, STRANGER).as_dict()["reply"]["kind"] == "decline"


def test_it_spots_the_same_wording_from_several_senders_as_mass_outreach() -> None:
    text = (
        "Hello, I hope you are doing well. I wanted to share a quick update about something I "
        "think you will find interesting, let me know what you think when you get a chance."
    )
    messages = [
        Message(id=i, text=text, sender=Sender(person_id=100 + i, interactions=1)) for i in range(4)
    ]
    results = triage(messages)
    assert {r.group for r in results} == {"cold_pitch"}
    assert any("the same wording came from 4 senders" in r for r in results[0].reasons)


def test_it_gives_every_message_a_reason() -> None:
    messages = [
        Message(id=1, text=PITCH, sender=STRANGER),
        Message(id=2, text="ok", sender=None),
        Message(id=3, text=PERSONAL, sender=CLOSE),
        Message(id=4, text=ASK, sender=ACQUAINTANCE),
    ]
    assert all(r.reasons for r in triage(messages))


def test_it_keeps_the_users_label_for_that_message() -> None:
    corrections = Corrections([Label(message_id=10, group="trusted", sender_id=1)])
    result = one(PITCH, STRANGER, corrections)
    assert (result.group, result.corrected) == ("trusted", True)
    assert result.reasons[0] == "you labelled this Trusted"


def test_it_sends_a_corrected_senders_other_messages_to_the_same_group() -> None:
    corrections = Corrections([Label(message_id=99, group="cold_pitch", sender_id=1)])
    result = one(PERSONAL, STRANGER, corrections)
    assert result.group == "cold_pitch"
    assert "this sender's messages" in result.reasons[0]


def test_a_not_a_pitch_correction_only_rescues_a_sender_from_cold_pitches() -> None:
    corrections = Corrections([Label(message_id=99, group="genuine_new", sender_id=1)])
    assert one(PITCH, STRANGER, corrections).group == "genuine_new"
    known = Corrections([Label(message_id=99, group="genuine_new", sender_id=3)])
    assert one(ASK, ACQUAINTANCE, known).group == "asks"


def test_it_gives_messages_worded_like_a_labelled_one_the_same_group() -> None:
    labelled = (
        "Hi Sam, we are organising a small charity quiz for the food bank on the 14th and "
        "we would love your team to join us, there is pizza and a prize for the best name."
    )
    lookalike = labelled.replace("Sam", "Priya").replace("14th", "21st")
    corrections = Corrections(
        [Label(message_id=99, group="cold_pitch", sender_id=50, shingles=shingles(labelled))]
    )
    other_sender = Sender(person_id=51, interactions=1)
    result = one(lookalike, other_sender, corrections)
    assert result.group == "cold_pitch"
    assert "a message worded like this" in result.reasons[0]
    unrelated = one(PERSONAL, other_sender, corrections)
    assert unrelated.group == "genuine_new"


def test_it_trusts_what_was_recorded_about_a_message() -> None:
    logged = Message(id=5, text="Coffee?", sender=ACQUAINTANCE, intent="withdrawal")
    assert triage([logged])[0].group == "asks"
    pitched = Message(id=6, text="Call me.", sender=STRANGER, subtype="pitch")
    assert triage([pitched])[0].group == "cold_pitch"
