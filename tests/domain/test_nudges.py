"""Test today's short list: reasons, actions, mixing circles and no repeats."""

import datetime as dt

import numpy as np
import pytest

from amity.domain.nudges import (
    Candidate,
    action_for,
    overdue_ratio,
    pick_today,
    reasons_for,
    routine_priority,
)

TODAY = dt.date(2026, 5, 10)


def codes(candidate: Candidate) -> list[str]:
    return [r.code for r in reasons_for(candidate, today=TODAY)]


def test_it_finds_nothing_to_say_about_someone_in_cadence() -> None:
    assert codes(Candidate(1, "Ann", circle=2, days_since=10, cadence_days=30)) == []


def test_it_flags_someone_overdue_for_their_circle() -> None:
    reasons = reasons_for(
        Candidate(1, "Ann Lee", circle=2, days_since=60, cadence_days=30), today=TODAY
    )
    assert [r.code for r in reasons] == ["overdue"]
    # Twice the cadence: 0.30 + 0.35 * log2(2) / 3.
    assert reasons[0].priority == pytest.approx(0.30 + 0.35 / 3)
    assert reasons[0].text == (
        "Overdue: 2 months since you were last in touch; your cadence for circle 2 is monthly."
    )


def test_it_caps_the_overdue_priority() -> None:
    assert routine_priority(100.0) == pytest.approx(0.65)
    ratios = overdue_ratio(np.array([10.0, 60.0, np.nan]), np.array([0.0, 30.0, 30.0]))
    assert list(ratios) == [0.0, 2.0, 0.0]


def test_it_notices_birthdays_job_changes_anniversaries_and_unthanked_help() -> None:
    candidate = Candidate(
        1,
        "Ann Lee",
        birthday=dt.date(1990, 5, 11),
        company="Acme",
        previous_company="Initech",
        company_changed_on=dt.date(2026, 4, 30),
        connected_on=dt.date(2020, 5, 8),
        unthanked_help_on=dt.date(2026, 5, 1),
        unthanked_help_subtype="introduction",
    )
    reasons = reasons_for(candidate, today=TODAY)
    assert [r.code for r in reasons] == ["birthday", "job_change", "unthanked", "anniversary"]
    assert reasons[0].text == "Ann's birthday is tomorrow."
    assert "from Initech to Acme (10 days ago)" in reasons[1].text
    assert reasons[3].text.startswith("6 years since you connected")


def test_it_ignores_old_news() -> None:
    candidate = Candidate(
        1,
        "Ann",
        birthday=dt.date(1990, 6, 1),
        company_changed_on=dt.date(2025, 1, 1),
        connected_on=dt.date(2026, 5, 10),  # today: zero years is no anniversary
        unthanked_help_on=dt.date(2025, 1, 1),
    )
    assert codes(candidate) == []


def test_it_suggests_a_concrete_action_for_the_main_reason() -> None:
    ann = Candidate(1, "Ann Lee", company="Acme", interests=["rust", "cycling"])
    overdue = reasons_for(
        ann.__class__(**{**_fields(ann), "days_since": 40, "cadence_days": 30}), today=TODAY
    )
    action, subtype = action_for(ann, overdue[0])
    assert "rust" in action and subtype == "shared_content"
    job = reasons_for(
        Candidate(1, "Ann Lee", company="Acme", company_changed_on=dt.date(2026, 5, 1)), today=TODAY
    )
    assert action_for(ann, job[0]) == (
        "Say congratulations on the new role at Acme and ask what Ann is most excited about.",
        "congrats",
    )


def _fields(candidate: Candidate) -> dict[str, object]:
    return {name: getattr(candidate, name) for name in candidate.__slots__}


def overdue(person_id: int, circle: int, ratio: float = 2.0) -> Candidate:
    cadence = {1: 7, 2: 30, 3: 182, 4: 365}.get(circle, 365)
    return Candidate(
        person_id, f"P{person_id}", circle=circle, days_since=ratio * cadence, cadence_days=cadence
    )


def test_it_mixes_circles_with_a_dormant_and_a_weak_tie() -> None:
    inner = [overdue(i, 1, ratio=8) for i in range(1, 9)]  # very overdue inner circle
    weak = [overdue(20, 4, ratio=1.5)]
    dormant = [
        Candidate(30, "Old Friend", circle=5, days_since=1000, dormant=True, revival_value=0.2)
    ]
    picks = pick_today(inner + weak + dormant, today=TODAY, limit=5)
    ids = [n.person_id for n in picks]
    assert len(picks) == 5
    assert 30 in ids and 20 in ids
    assert sum(1 for n in picks if n.circle == 1) == 3  # cap of 2 inner, then filled up
    assert picks == sorted(picks, key=lambda n: -n.priority)


def test_it_keeps_a_close_tie_when_acquaintances_have_birthdays() -> None:
    # A large network: every day brings birthdays and job changes among weak ties.
    outer = [
        Candidate(i, f"Acquaintance {i}", circle=5, birthday=dt.date(1990, 5, 10))
        for i in range(1, 10)
    ] + [
        Candidate(i, f"Mover {i}", circle=5, company_changed_on=TODAY - dt.timedelta(days=3))
        for i in range(10, 20)
    ]
    close = overdue(50, 2, ratio=1.2)  # a close friend, a little overdue: low priority
    picks = pick_today([*outer, close], today=TODAY, limit=5)
    assert 50 in [n.person_id for n in picks]
    assert len(picks) == 5


def test_it_limits_the_inner_circle_when_others_are_waiting() -> None:
    inner = [overdue(i, 1, ratio=8) for i in range(1, 9)]
    middle = [overdue(i, 3, ratio=2) for i in range(40, 45)]
    picks = pick_today(inner + middle, today=TODAY, limit=5)
    assert sum(1 for n in picks if n.circle == 1) == 2


def test_it_never_picks_the_same_person_two_days_running() -> None:
    everyone = [overdue(i, 3, ratio=1 + i / 10) for i in range(1, 12)]
    day1 = pick_today(everyone, today=TODAY, limit=5)
    day2 = pick_today(
        everyone,
        today=TODAY + dt.timedelta(days=1),
        limit=5,
        picked_yesterday=[n.person_id for n in day1],
    )
    assert len(day2) == 5
    assert not {n.person_id for n in day1} & {n.person_id for n in day2}


def test_it_brings_back_a_due_snooze_even_if_picked_yesterday() -> None:
    snoozed = Candidate(7, "Sam", circle=3, snoozed_until=TODAY)
    picks = pick_today([snoozed], today=TODAY, limit=5, picked_yesterday=[7])
    assert [n.person_id for n in picks] == [7]
    assert picks[0].reasons[0].code == "snooze_due"


def test_it_hides_people_while_snoozed_and_excluded_ones() -> None:
    later = Candidate(
        7,
        "Sam",
        circle=3,
        days_since=400,
        cadence_days=182,
        snoozed_until=TODAY + dt.timedelta(days=3),
    )
    other = overdue(8, 3)
    assert pick_today([later, other], today=TODAY, limit=5, exclude=[8]) == []


def test_it_varies_the_order_of_equal_priorities_by_day() -> None:
    same = [overdue(i, 3, ratio=2) for i in range(1, 30)]
    first = [n.person_id for n in pick_today(same, today=TODAY, limit=3)]
    later = [n.person_id for n in pick_today(same, today=TODAY + dt.timedelta(days=2), limit=3)]
    assert first != later
    assert first == [n.person_id for n in pick_today(same, today=TODAY, limit=3)]


def test_it_mixes_reasons_when_one_kind_would_fill_the_list() -> None:
    helpers = [
        Candidate(
            i,
            f"Helper {i}",
            circle=3,
            unthanked_help_on=TODAY - dt.timedelta(days=2),
            unthanked_help_subtype="introduction",
        )
        for i in range(1, 8)
    ]
    late = [overdue(i, 3, ratio=2) for i in range(20, 25)]
    picks = pick_today(helpers + late, today=TODAY, limit=5)
    codes = [n.reasons[0].code for n in picks]
    assert codes.count("unthanked") == 2 and codes.count("overdue") == 3
    assert picks[0].reasons[0].text == (
        "Helper introduced you to someone on 08 May and you have not thanked them."
    )
