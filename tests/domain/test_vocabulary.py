"""Test the interaction vocabulary and that the models agree with it."""

import pytest

from amity.domain import vocabulary


def test_it_accepts_aliases_and_rejects_unknown_words() -> None:
    assert vocabulary.parse_direction("in") == "inbound"
    assert vocabulary.parse_channel("In person") == "in_person"
    assert vocabulary.parse_subtype("favor", intent="withdrawal") == "favour"
    with pytest.raises(ValueError, match="expected one of"):
        vocabulary.parse_channel("pigeon")
    with pytest.raises(ValueError, match="deposit subtype"):
        vocabulary.parse_subtype("pitch", intent="deposit")


def test_it_infers_intent_from_subtype() -> None:
    assert vocabulary.intent_of_subtype("thanks") == "deposit"
    assert vocabulary.intent_of_subtype("referral") == "withdrawal"


def test_the_model_choices_match_the_vocabulary() -> None:
    from amity.people.models import Interaction

    assert tuple(Interaction.Channel.values) == vocabulary.CHANNELS
    assert tuple(Interaction.Direction.values) == vocabulary.DIRECTIONS
    assert tuple(Interaction.Intent.values) == vocabulary.INTENTS
    assert tuple(Interaction.Subtype.values) == (
        vocabulary.DEPOSIT_SUBTYPES + vocabulary.WITHDRAWAL_SUBTYPES
    )
