"""Test the give/ask ledger with small histories whose answers can be checked by hand."""

import datetime as dt

import pytest

from amity.domain.ledger import (
    Event,
    LedgerTotals,
    PersonContext,
    days_until_anniversary,
    ledger_totals,
    network_stance,
    suggest_deposits,
    verdict,
)

NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def deposit(days: float, subtype: str = "shared_content", direction: str = "outbound") -> Event:
    return Event(at=ago(days), intent="deposit", subtype=subtype, direction=direction)


def ask(days: float, subtype: str = "advice_request", direction: str = "outbound") -> Event:
    return Event(at=ago(days), intent="withdrawal", subtype=subtype, direction=direction)


def test_it_books_each_side_of_the_ledger_into_its_own_account() -> None:
    totals = ledger_totals(
        [
            deposit(0, "help"),  # I gave: 3
            deposit(0, "thanks", direction="inbound"),  # they gave me: 0.5
            ask(0, "favour"),  # I asked: 2
            ask(0, "pitch", direction="inbound"),  # they asked me: 2
            Event(at=ago(0), intent="neutral"),  # moves nothing
        ],
        as_of=NOW,
    )
    assert (totals.gave, totals.received, totals.asked, totals.were_asked) == (3, 0.5, 2, 2)
    assert (totals.gave_count, totals.asked_count) == (1, 1)


def test_it_counts_a_mutual_exchange_on_both_sides() -> None:
    totals = ledger_totals([deposit(0, "gift", direction="mutual")], as_of=NOW)
    assert totals.gave == totals.received == 2.0


def test_it_halves_an_entry_every_two_years() -> None:
    totals = ledger_totals([ask(730, "favour"), ask(6 * 365, "favour")], as_of=NOW)
    # 2 * 1/2 + 2 * 1/8 (six years is three half-lives, give or take leap days)
    assert totals.asked == pytest.approx(1.0 + 0.25, rel=1e-2)


def test_it_ages_anchored_totals_like_a_fresh_sum() -> None:
    events = [deposit(400, "help"), ask(100)]
    anchored = ledger_totals(events)  # anchored at the last event, 100 days ago
    assert anchored.at(NOW).gave == pytest.approx(ledger_totals(events, as_of=NOW).gave)
    assert anchored.at(NOW).asked == pytest.approx(ledger_totals(events, as_of=NOW).asked)


def test_it_says_never_asked_when_the_user_never_asked() -> None:
    result = verdict(ledger_totals([deposit(3)], as_of=NOW), deposits_per_ask=7)
    assert result.code == "never_asked" and result.label == "never asked, fine"
    assert result.ratio is None and result.deposits_needed == 0


def test_it_says_ready_once_the_target_ratio_is_reached() -> None:
    # Seven articles (7 x 1) against one advice request (1): exactly 7 to 1.
    history = [deposit(0) for _ in range(7)] + [ask(0)]
    result = verdict(ledger_totals(history, as_of=NOW), deposits_per_ask=7)
    assert result.code == "ready" and result.ratio == 7


def test_it_asks_for_deposits_first_and_says_how_many() -> None:
    # Gave 3 (one help), asked 1: ratio 3, target 7 needs 7 - 3 = 4 more unit deposits.
    result = verdict(ledger_totals([deposit(0, "help"), ask(0)], as_of=NOW), deposits_per_ask=7)
    assert result.code == "deposits_first" and result.label == "make deposits first"
    assert result.ratio == 3 and result.deposits_needed == 4


def test_it_calls_a_tie_overdrawn_when_asks_exceed_deposits() -> None:
    # Gave 1, asked a referral (3): 1/3 < 1; reaching 7:1 needs 21 - 1 = 20 units.
    result = verdict(ledger_totals([deposit(0), ask(0, "referral")], as_of=NOW), deposits_per_ask=7)
    assert result.code == "overdrawn" and result.deposits_needed == 20


def test_it_lets_an_old_ask_weigh_less_than_a_new_one() -> None:
    old = verdict(ledger_totals([deposit(0, "help"), ask(6 * 365)], as_of=NOW), deposits_per_ask=7)
    new = verdict(ledger_totals([deposit(0, "help"), ask(0)], as_of=NOW), deposits_per_ask=7)
    assert new.code == "deposits_first"
    assert old.code == "ready"  # 3 given vs 1/8 asked


def test_it_follows_the_configured_target() -> None:
    totals = ledger_totals([deposit(0, "help"), ask(0)], as_of=NOW)
    assert verdict(totals, deposits_per_ask=2).code == "ready"
    assert verdict(totals, deposits_per_ask=5).code == "deposits_first"


def test_it_names_the_network_stance_and_who_was_only_asked() -> None:
    giver = ledger_totals([deposit(0, "help")] * 3, as_of=NOW)
    only_asked = ledger_totals([ask(0, "referral")], as_of=NOW)
    stance = network_stance([(1, giver), (2, only_asked)], deposits_per_ask=7)
    assert stance.gave == 9 and stance.asked == 3 and stance.label == "balanced"
    assert stance.only_asked == [2]
    assert network_stance([(2, only_asked)], deposits_per_ask=7).label == "taker"
    assert network_stance([(1, giver)], deposits_per_ask=7).label == "giver"
    assert network_stance([(3, LedgerTotals())], deposits_per_ask=7).label == "no history"


def test_it_suggests_deposits_that_fit_the_person() -> None:
    today = dt.date(2026, 3, 1)
    ideas = suggest_deposits(
        PersonContext(
            name="Grace Hopper",
            interests=["compilers", "sailing"],
            company="Navy",
            company_changed_on=dt.date(2026, 2, 20),
            looking_for="a COBOL reviewer",
        ),
        today=today,
    )
    texts = [i.text for i in ideas]
    assert len(ideas) == 3
    assert texts[0] == "Say congratulations on the new role at Navy."
    assert "a COBOL reviewer" in texts[1]
    assert "compilers" in texts[2]
    assert len({i.subtype for i in ideas}) == 3


def test_it_always_has_something_to_suggest() -> None:
    ideas = suggest_deposits(PersonContext(name="Ann"), today=dt.date(2026, 1, 1))
    assert [i.subtype for i in ideas] == ["introduction", "recommendation"]


def test_it_counts_days_to_the_next_birthday_even_on_29_february() -> None:
    assert days_until_anniversary(dt.date(1990, 3, 5), dt.date(2026, 3, 1)) == 4
    assert days_until_anniversary(dt.date(1990, 1, 5), dt.date(2026, 3, 1)) == 310
    assert days_until_anniversary(dt.date(2000, 2, 29), dt.date(2027, 2, 27)) == 2
