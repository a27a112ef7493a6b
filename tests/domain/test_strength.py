"""Test tie strength, circles, cadences and dormancy with hand-built histories."""

import datetime as dt
import math

import numpy as np
import pytest

from amity.domain import strength
from amity.domain.ledger import Event
from amity.domain.strength import (
    CadenceOverride,
    TieColumns,
    assign_circles,
    cadence_for,
    parse_cadence,
    revival_value,
    score_columns,
    summarize,
    tie_strength,
)

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def msg(days: float, direction: str = "outbound", channel: str = "message", **kw: str) -> Event:
    return Event(at=ago(days), channel=channel, direction=direction, **kw)


def test_it_gives_nobody_zero_and_stays_within_0_and_1() -> None:
    assert tie_strength(summarize([]), as_of=NOW).score == 0.0
    busy = summarize([msg(d, "mutual", "meeting", intent="deposit") for d in range(0, 400, 2)])
    assert 0.0 < tie_strength(busy, as_of=NOW).score <= 1.0


def test_it_computes_the_documented_formula_for_one_message() -> None:
    # One outbound message 7 days ago:
    # R = 1/(1+7/7) = 0.5; n = 0.5^(7/180); F = n/(n+5); D = 0.5 (no span);
    # Q = 0.5 (one-way); P = 0.35 (message); B = 0.5 (no ledger).
    score = tie_strength(summarize([msg(7)]), as_of=NOW)
    n = 0.5 ** (7 / 180)
    expected = 0.5**0.45 * (n / (n + 5)) ** 0.20 * 0.5**0.15 * 0.5**0.10 * 0.35**0.05 * 0.5**0.05
    assert score.recency == pytest.approx(0.5)
    assert score.score == pytest.approx(expected)
    assert score.days_since == pytest.approx(7)


def test_it_ranks_recent_above_stale_with_the_same_history() -> None:
    recent = summarize([msg(1), msg(5, "inbound")])
    stale = summarize([msg(200), msg(204, "inbound")])
    assert tie_strength(recent, as_of=NOW).score > tie_strength(stale, as_of=NOW).score


def test_it_rewards_frequency_reciprocity_duration_depth_and_balance() -> None:
    def score(events: list[Event]) -> float:
        return tie_strength(summarize(events), as_of=NOW).score

    base = [msg(1), msg(30)]
    assert score([*base, msg(10), msg(20)]) > score(base)  # more often
    assert score([msg(1), msg(30, "inbound")]) > score(base)  # both ways
    # A longer history at the same recent frequency.
    assert score([*base, msg(300), msg(301)]) > score([*base, msg(31), msg(32)])
    assert score([msg(1, channel="meeting"), msg(30, channel="meeting")]) > score(base)  # deeper
    gave = [msg(1, intent="deposit", subtype="help"), msg(30)]
    took = [msg(1, intent="withdrawal", subtype="favour"), msg(30)]
    assert score(gave) > score(base) > score(took)  # balance


def test_it_scores_columns_like_single_ties() -> None:
    summaries = [summarize([]), summarize([msg(3), msg(50, "inbound")]), summarize([msg(900)])]
    scores = score_columns(TieColumns.from_summaries(summaries), as_of_ts=NOW.timestamp())
    for i, summary in enumerate(summaries):
        assert scores.score[i] == pytest.approx(tie_strength(summary, as_of=NOW).score)
    assert math.isnan(scores.days_since[0])


def test_it_counts_calls_and_back_and_forth_as_two_way() -> None:
    summary = summarize([msg(1), msg(2, "inbound"), msg(3), msg(4, channel="call")])
    assert summary.two_way == 2  # one call + one out/in pair
    assert (summary.outbound, summary.inbound) == (3, 1)


def test_it_flags_a_once_real_tie_silent_for_two_years_as_dormant() -> None:
    real = [msg(800), msg(801, "inbound"), msg(810, channel="call"), msg(820, "mutual")]
    assert tie_strength(summarize(real), as_of=NOW).dormant
    assert not tie_strength(summarize(real[:2]), as_of=NOW).dormant  # only one exchange
    assert not tie_strength(summarize(real), as_of=ago(200)).dormant  # silent 600 days
    assert tie_strength(summarize(real), as_of=ago(200), dormant_after_days=365).dormant


def test_it_remembers_how_strong_a_dormant_tie_used_to_be() -> None:
    score = tie_strength(summarize([msg(800), msg(810, "inbound")]), as_of=NOW)
    assert score.former > 10 * score.score


def test_it_sorts_people_into_dunbar_circles_by_rank() -> None:
    scores = np.linspace(1.0, 0.01, 200)
    scores[-1] = 0.0
    circles = assign_circles(scores)
    assert list(np.bincount(circles)[1:]) == [5, 10, 35, 100, 50]
    assert circles[0] == 1 and circles[4] == 1 and circles[5] == 2 and circles[-1] == 5


def test_it_never_puts_someone_never_met_above_the_outer_circle() -> None:
    assert list(assign_circles(np.array([0.0, 0.3, 0.0]))) == [5, 1, 5]


def test_it_parses_cadences() -> None:
    assert parse_cadence("monthly") == 30
    assert parse_cadence("Half yearly") == 182
    assert parse_cadence("45d") == 45 and parse_cadence("6w") == 42 and parse_cadence("1y") == 365
    assert parse_cadence("never") is None
    with pytest.raises(ValueError, match="unknown cadence"):
        parse_cadence("sometimes")


def test_it_lets_a_person_override_beat_tags_and_tags_beat_the_circle() -> None:
    assert cadence_for(1) == 7 and cadence_for(3) == 182 and cadence_for(5) is None
    tags = [CadenceOverride(91), CadenceOverride(30), CadenceOverride(None)]
    assert cadence_for(5, tags=tags) == 30
    assert cadence_for(1, tags=[CadenceOverride(None)]) is None
    assert cadence_for(5, person=CadenceOverride(14), tags=tags) == 14
    assert cadence_for(1, person=CadenceOverride(None)) is None


def test_it_values_reviving_a_strong_tie_from_another_field_never_asked() -> None:
    best = revival_value(former=0.8, field="Biology", my_field="Software", never_asked=True)
    same = revival_value(former=0.8, field="software", my_field="Software", never_asked=True)
    asked = revival_value(former=0.8, field="Biology", my_field="Software", never_asked=False)
    unknown = revival_value(former=0.8, field="", my_field="Software", never_asked=True)
    assert best == pytest.approx(0.5 * 0.8 + 0.3 + 0.2)
    assert best > unknown > same and best > asked


def test_it_keeps_the_weights_summing_to_one() -> None:
    total = (
        strength.WEIGHT_RECENCY
        + strength.WEIGHT_FREQUENCY
        + strength.WEIGHT_DURATION
        + strength.WEIGHT_RECIPROCITY
        + strength.WEIGHT_DEPTH
        + strength.WEIGHT_BALANCE
    )
    assert total == pytest.approx(1.0)


def test_it_tracks_help_received_and_thanks_given() -> None:
    summary = summarize(
        [
            msg(40, "outbound", intent="deposit", subtype="thanks"),
            msg(20, "inbound", intent="deposit", subtype="introduction"),
        ]
    )
    assert summary.last_received_subtype == "introduction"
    assert summary.last_received_ts == ago(20).timestamp()
    assert summary.last_thanked_ts == ago(40).timestamp()


def test_it_names_circles_from_stored_thresholds_like_ranking_does() -> None:
    scores = np.linspace(1.0, 0.01, 200)
    thresholds = strength.circle_thresholds(scores)
    assert thresholds[0] == pytest.approx(scores[4]) and thresholds[3] == pytest.approx(scores[149])
    assert list(strength.circles_from_thresholds(scores, thresholds)) == list(
        assign_circles(scores)
    )
    few = np.array([0.5, 0.2, 0.0])
    assert strength.circle_thresholds(few) == [0.0, 0.0, 0.0, 0.0]
    assert list(strength.circles_from_thresholds(few, [0.0] * 4)) == [1, 1, 5]


def test_it_expects_no_thank_you_for_a_thank_you_or_a_congratulation() -> None:
    summary = summarize(
        [
            msg(5, "inbound", intent="deposit", subtype="thanks"),
            msg(4, "inbound", intent="deposit", subtype="congrats"),
        ]
    )
    assert summary.last_received_ts is None and summary.last_received_subtype == ""
