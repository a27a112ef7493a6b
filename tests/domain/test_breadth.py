"""Test the network breadth measures and the advice they give."""

from __future__ import annotations

import datetime as dt

from amity.domain.breadth import (
    Tie,
    TieEvent,
    month_starts,
    network_breadth,
    pick_my_field,
)

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)


def _tie(pk: int, field: str, strength: float, days_ago: int | None = 10, **kw: int) -> Tie:
    last = None if days_ago is None else NOW - dt.timedelta(days=days_ago)
    # Circle names as the engine gives them (strength already decides them in these tests).
    circle = (
        "not yet in touch"
        if last is None
        else "dormant"
        if (NOW - last).days >= 730
        else "inner"
        if strength >= 0.7
        else "close"
        if strength >= 0.5
        else "active"
        if strength >= 0.2
        else "outer"
    )
    return Tie(pk, f"P{pk}", field, strength, circle, last, **kw)


def test_it_prefers_the_configured_field_and_else_guesses_the_commonest() -> None:
    ties = [_tie(1, "Law", 0.5), _tie(2, "Law", 0.5), _tie(3, "Art", 0.5)]
    assert pick_my_field(ties, "Art") == ("Art", "AMITY_MY_FIELD")
    assert pick_my_field(ties, "")[0] == "Law"
    assert pick_my_field([], "")[0] == ""


def test_it_counts_people_strength_and_own_field_share() -> None:
    ties = [
        _tie(1, "Software", 0.8),
        _tie(2, "Software", 0.6),
        _tie(3, "Software", 0.2),
        _tie(4, "Biology", 0.1),
        _tie(5, "", 0.0, days_ago=None),
    ]
    b = network_breadth(ties, [], now=NOW)
    assert b.my_field == "Software"
    assert b.my_field_source == "the most common field in your network"
    assert [(g.name, g.people) for g in b.by_field] == [
        ("Software", 3),
        ("(no field)", 1),
        ("Biology", 1),
    ]
    assert b.own_field_people_share == 0.6
    assert b.own_field_strength_share == round(1.6 / 1.7, 3)
    assert (b.strong_ties, b.weak_ties, b.no_ties) == (2, 2, 1)
    assert any("in your own field (Software)" in s for s in b.suggestions)
    assert [w.person_id for w in b.warm_up] == [4]
    assert b.warm_up[0].reason == "weak tie in Biology (the only one in that field)"


def test_it_lists_givers_and_takers() -> None:
    ties = [
        _tie(1, "A", 0.3, received=5, were_asked=1),
        _tie(2, "B", 0.3, received=0, were_asked=4),
        _tie(3, "C", 0.3, received=2, were_asked=2),
    ]
    b = network_breadth(ties, [], now=NOW)
    assert [g.person_id for g in b.givers] == [1]
    assert [t.person_id for t in b.takers] == [2]


def test_it_counts_dormant_ties_and_flows_per_month() -> None:
    ties = [_tie(1, "A", 0.3), _tie(2, "B", 0.3)]
    events = [
        TieEvent(1, NOW - dt.timedelta(days=300), "outbound", "deposit"),
        TieEvent(2, NOW - dt.timedelta(days=5), "outbound", "withdrawal"),
        TieEvent(2, NOW - dt.timedelta(days=4), "inbound", "deposit"),
    ]
    b = network_breadth(ties, events, now=NOW)
    assert len(b.months) == 12
    assert b.months[-1].month == "2026-06"
    last = b.months[-1]
    assert (last.dormant, last.active) == (1, 1)
    assert (last.withdrawals, last.received, last.deposits) == (1, 1, 0)
    ten_months_ago = next(m for m in b.months if m.month == "2025-08")
    assert ten_months_ago.deposits == 1
    assert (ten_months_ago.dormant, ten_months_ago.active) == (0, 1)


def test_it_returns_twelve_month_starts_across_a_new_year() -> None:
    starts = month_starts(dt.datetime(2026, 2, 3, tzinfo=dt.UTC))
    assert [s.strftime("%Y-%m") for s in starts[:2]] == ["2025-03", "2025-04"]
    assert starts[-1] == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def test_it_says_when_the_network_is_broad_or_empty() -> None:
    assert network_breadth([], [], now=NOW).suggestions[0].startswith("Add some people")
    fields = ["A", "B", "C", "D", "E", "F"]
    ties = [_tie(i, fields[i % 6], 0.3 if i % 2 else 0.6) for i in range(24)]
    b = network_breadth(ties, [], now=NOW, my_field="A")
    assert b.suggestions == ["Your network is broad: no single field or circle dominates."]


def test_it_folds_small_fields_into_other() -> None:
    ties = [_tie(i, f"Field {i:02d}", 0.3) for i in range(20)]
    b = network_breadth(ties, [], now=NOW)
    assert len(b.by_field) == 12
    assert b.by_field[-1].name == "other (9 fields)"
    assert b.by_field[-1].people == 9
