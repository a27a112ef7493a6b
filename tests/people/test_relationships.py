"""Test the store side of the relationship engine: summaries, strength, ledger, today."""

import datetime as dt
import gc
import io
import json
import math

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from amity.cli import call
from amity.domain import nudges
from amity.people import services, timeline
from amity.relationships import scoring as relationships
from amity.relationships import stored_summaries as summaries
from amity.relationships import ties, today, today_candidates
from amity.relationships.models import DailyPick, PersonSummary, Snooze

DAY = dt.date(2026, 3, 2)
NOON = timezone.make_aware(dt.datetime(2026, 3, 2, 12))


def at(days_ago: float) -> dt.datetime:
    return NOON - dt.timedelta(days=days_ago)


def person(owner, name: str, **fields):
    return services.create_person(owner=owner, full_name=name, **fields)


def log(owner, who, days_ago: float, **kw):
    return timeline.log_interaction(owner=owner, people=[who], occurred_at=at(days_ago), **kw)


def test_it_keeps_the_engine_summary_current_on_every_write(user) -> None:
    ada = person(user, "Ada Lovelace")
    first = log(user, ada, 10, intent="deposit", subtype="help")
    log(user, ada, 5, direction="inbound")
    summary = PersonSummary.objects.get(person=ada)
    assert (summary.count, summary.outbound, summary.inbound) == (2, 1, 1)
    assert summary.gave == pytest.approx(3.0 * 0.5 ** (5 / 730))
    assert summary.last_ts == at(5).timestamp()
    timeline.delete_interaction(interaction=first)
    summary.refresh_from_db()
    assert summary.count == 1 and summary.gave == 0
    timeline.delete_interaction(interaction=ada.interactions.get())
    assert not PersonSummary.objects.filter(person=ada).exists()


def test_it_loads_the_packed_summaries_and_repairs_rows_without_them(user) -> None:
    ada, bob = person(user, "Ada Lovelace"), person(user, "Bob Babbage")
    log(user, ada, 3, direction="inbound", intent="deposit", subtype="help")
    log(user, bob, 30, channel="meeting")
    log(user, bob, 10)
    expected = relationships.load_network(owner=user, as_of=NOON)
    stored = PersonSummary.objects.get(person=bob)
    matrix, rebuilt = relationships._summary_matrix(user, [bob.pk])
    assert matrix[0, 0] == bob.pk and matrix[0, 3] == stored.count == 2
    assert rebuilt == 0 and expected.repaired == 0
    assert math.isnan(matrix[0, 16])  # last help received: none, stored as NULL
    # A row written before packing existed is rebuilt, not misread.
    PersonSummary.objects.filter(person=ada).update(packed=b"")
    again = relationships.load_network(owner=user, as_of=NOON)
    assert again.repaired == 1
    assert dict(zip(again.ids, again.scores.score, strict=True)) == dict(
        zip(expected.ids, expected.scores.score, strict=True)
    )
    assert len(PersonSummary.objects.get(person=ada).packed) == summaries.PACKED_SIZE


def test_it_finds_each_persons_row_and_minus_one_without_history(user) -> None:
    people = [person(user, name) for name in ("Ada Lovelace", "Bob Babbage", "Cy Quiet")]
    log(user, people[1], 3)
    log(user, people[0], 5)
    network = relationships.load_network(owner=user, as_of=NOON)
    wanted = np.array([p.pk for p in people] + [10**9], dtype=np.int64)
    rows = network.rows_of(wanted)
    assert [int(network.ids[r]) if r >= 0 else None for r in rows] == [
        people[0].pk,
        people[1].pk,
        None,
        None,
    ]
    assert network.rows_of(network.ids).tolist() == list(range(len(network.ids)))
    empty = relationships.load_network(owner=user, as_of=NOON, person_ids=[people[2].pk])
    assert empty.rows_of(wanted).tolist() == [-1, -1, -1, -1]


def test_strength_rows_restore_the_garbage_collectors_state(user) -> None:
    log(user, person(user, "Ada Lovelace"), 3)
    assert gc.isenabled()
    assert ties.strength_rows(owner=user, as_of=NOON)[0]["name"] == "Ada Lovelace"
    assert gc.isenabled()
    gc.disable()
    try:
        ties.strength_rows(owner=user, as_of=NOON)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_rebuilds_missing_summaries_before_scoring(user) -> None:
    ada = person(user, "Ada Lovelace")
    log(user, ada, 3)
    PersonSummary.objects.all().delete()
    assert relationships.load_network(owner=user, as_of=NOON).repaired == 1
    PersonSummary.objects.all().delete()
    rows = ties.strength_rows(owner=user, as_of=NOON)
    assert rows[0]["name"] == "Ada Lovelace" and rows[0]["score"] > 0
    assert PersonSummary.objects.filter(person=ada).exists()


def test_it_lists_strength_with_circles_counts_and_only_the_owners_people(user, other_user) -> None:
    close = person(user, "Close Friend")
    for days in (1, 8, 20, 40, 200):
        log(user, close, days, direction="mutual", channel="meeting")
    old = person(user, "Old Colleague")
    log(user, old, 120)
    person(user, "Never Met")
    theirs = person(other_user, "Bob's Friend")
    log(other_user, theirs, 1)
    rows = ties.strength_rows(owner=user, as_of=NOON)
    assert [r["name"] for r in rows] == ["Close Friend", "Old Colleague", "Never Met"]
    top = rows[0]
    assert top["circle"] == 1 and top["cadence_days"] == 7
    assert top["count_90d"] == 4 and top["days_since"] == 1 and top["reciprocity"] == 1.0
    assert rows[1]["count_90d"] == 0
    assert rows[2]["score"] == 0 and rows[2]["circle"] == 5 and rows[2]["last_interaction"] is None


def test_it_gives_one_persons_row_quickly_and_repairs_a_missing_summary(user) -> None:
    ada = person(user, "Ada Lovelace")
    for days in (30, 20, 3):
        log(user, ada, days, direction="mutual")
    person(user, "Never Met")
    PersonSummary.objects.all().delete()
    row = ties.person_strength(person=ada, as_of=NOON, day=DAY)
    assert row["name"] == "Ada Lovelace" and row["circle"] == 1 and row["count_90d"] == 3
    assert row == ties.strength_rows(owner=user, as_of=NOON, person=ada)[0]
    assert PersonSummary.objects.filter(person=ada).exists()


def test_it_scores_the_past_from_history_up_to_that_day(user) -> None:
    ada = person(user, "Ada Lovelace")
    log(user, ada, 100)
    log(user, ada, 1)
    past = ties.strength_rows(owner=user, as_of=at(50))[0]
    assert past["days_since"] == 50
    assert ties.strength_rows(owner=user, as_of=NOON)[0]["days_since"] == 1


def test_it_flags_dormant_ties_and_ranks_revival_by_field(user, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_MY_FIELD", "Software")
    same = person(user, "Same Field", field="Software")
    other = person(user, "Other Field", field="Biology")
    for who in (same, other):
        for days in (900, 905, 910):
            log(user, who, days, channel="call")
    rows = {r["name"]: r for r in ties.strength_rows(owner=user, as_of=NOON)}
    assert rows["Same Field"]["dormant"] and rows["Other Field"]["dormant"]
    assert rows["Other Field"]["revival"] > rows["Same Field"]["revival"]
    monkeypatch.setenv("AMITY_DORMANT_AFTER_DAYS", "1000")
    rows = ties.strength_rows(owner=user, as_of=NOON)
    assert not any(r["dormant"] for r in rows)


def test_it_applies_cadence_overrides_for_people_and_tags(user) -> None:
    ada = person(user, "Ada Lovelace", tags=["mentors"])
    bob = person(user, "Bob Builder", tags=["mentors"])
    for who in (ada, bob):
        log(user, who, 3)
    mentors = ada.tags.get()
    relationships.set_cadence(owner=user, days=91, tag=mentors)
    relationships.set_cadence(owner=user, days=None, person=bob)
    rows = {r["name"]: r for r in ties.strength_rows(owner=user, as_of=NOON)}
    assert rows["Ada Lovelace"]["cadence_days"] == 91
    assert rows["Bob Builder"]["cadence_days"] is None
    relationships.clear_cadence(owner=user, person=bob)
    rows = {r["name"]: r for r in ties.strength_rows(owner=user, as_of=NOON)}
    assert rows["Bob Builder"]["cadence_days"] == 91


def test_it_refuses_to_set_a_cadence_on_someone_elses_tag(user, other_user) -> None:
    theirs = person(other_user, "Bob's Friend", tags=["secret"])
    with pytest.raises(LookupError):
        relationships.set_cadence(owner=user, days=7, tag=theirs.tags.get())


def test_it_gives_a_verdict_with_numbers_and_fitting_deposits(user) -> None:
    ada = person(user, "Ada Lovelace", interests=["engines"], company="Babbage & Co")
    log(user, ada, 1, intent="deposit", subtype="help")
    log(user, ada, 1, intent="withdrawal", subtype="advice_request")
    log(user, ada, 2, direction="inbound", intent="deposit", subtype="introduction")
    data = relationships.balance_for(person=ada, as_of=NOON)
    assert data["verdict"] == "deposits_first"
    assert data["counts"] == {"gave": 1, "received": 1, "asked": 1, "were_asked": 0}
    assert data["gave"] == pytest.approx(3.0, rel=1e-2) and data["deposits_needed"] == 4
    texts = " ".join(s["text"] for s in data["suggestions"])
    assert "Thank Ada for the introduction" in texts and "engines" in texts
    assert 2 <= len(data["suggestions"]) <= 3


def test_it_names_whom_the_user_only_ever_asked(user) -> None:
    giver = person(user, "Given To")
    log(user, giver, 5, intent="deposit", subtype="gift")
    taker = person(user, "Only Asked")
    log(user, taker, 5, intent="withdrawal", subtype="referral")
    data = relationships.network_balance(owner=user, as_of=NOON)
    assert data["only_asked"] == [{"id": taker.pk, "name": "Only Asked"}]
    assert data["stance"] == "taker"  # 2 given against 3 asked


def build_network(owner) -> list:
    people = []
    for i in range(12):
        who = person(owner, f"Person {i:02d}", interests=[f"topic {i}"])
        for days in range(40 + i, 400, 45):
            log(owner, who, days, direction="mutual")
        people.append(who)
    return people


def test_it_builds_today_once_and_serves_it_from_storage(
    user, django_assert_max_num_queries
) -> None:
    build_network(user)
    first = today.today_list(owner=user, day=DAY)
    assert len(first["items"]) == 5 and not first["cached"]
    assert all(item["reason"] and item["action"] for item in first["items"])
    with django_assert_max_num_queries(12):
        again = today.today_list(owner=user, day=DAY)
    assert again["cached"] and again["items"] == first["items"]


def test_it_never_lists_the_same_person_two_days_running(user) -> None:
    build_network(user)
    day1 = {i["id"] for i in today.today_list(owner=user, day=DAY)["items"]}
    day2 = {i["id"] for i in today.today_list(owner=user, day=DAY + dt.timedelta(1))["items"]}
    assert day1 and day2 and not day1 & day2


def test_it_replaces_a_snoozed_pick_and_brings_it_back_when_due(user) -> None:
    build_network(user)
    items = today.today_list(owner=user, day=DAY)["items"]
    snoozed_id = items[0]["id"]
    snoozed = services.find_person(owner=user, ref=f"#{snoozed_id}")
    today.snooze(person=snoozed, until=DAY + dt.timedelta(days=1))
    after = today.today_list(owner=user, day=DAY)["items"]
    assert snoozed_id not in {i["id"] for i in after} and len(after) == 5
    # Next day: yesterday's other picks are excluded, the due snooze is back.
    next_day = today.today_list(owner=user, day=DAY + dt.timedelta(days=1))["items"]
    back = [i for i in next_day if i["id"] == snoozed_id]
    assert back and back[0]["reasons"][0]["code"] == "snooze_due"


def test_it_logs_a_done_action_as_the_suggested_deposit_and_ticks_it_off(user) -> None:
    build_network(user)
    items = today.today_list(owner=user, day=timezone.localdate())["items"]
    chosen = services.find_person(owner=user, ref=f"#{items[0]['id']}")
    Snooze.objects.create(owner=user, person=chosen, until=timezone.localdate())
    interaction = today.mark_done(owner=user, person=chosen).interaction
    assert interaction.intent == "deposit" and interaction.subtype == "shared_content"
    assert interaction.summary == items[0]["action"]
    assert DailyPick.objects.get(person=chosen).done_at is not None
    assert not Snooze.objects.filter(person=chosen).exists()
    refreshed = today.today_list(owner=user, day=timezone.localdate())["items"]
    assert [i["done"] for i in refreshed if i["id"] == chosen.pk] == [True]


def test_it_says_congratulations_after_a_job_change_seen_on_import(user) -> None:
    ada = person(user, "Ada Lovelace", company="Analytical Engines")
    ada.provenance = {
        **ada.provenance,
        "previous_company": "Babbage & Co",
        "company_changed_on": (DAY - dt.timedelta(days=5)).isoformat(),
    }
    ada.save(update_fields=["provenance"])
    items = today.today_list(owner=user, day=DAY)["items"]
    assert items[0]["reasons"][0]["code"] == "job_change"
    assert "from Babbage & Co to Analytical Engines" in items[0]["reason"]
    assert items[0]["action_subtype"] == "congrats"


def test_it_reminds_of_birthdays_and_unthanked_help(user) -> None:
    person(user, "Birthday Girl", birthday="1990-03-03")
    helper = person(user, "Kind Helper")
    log(user, helper, 3, direction="inbound", intent="deposit", subtype="help")
    codes = {
        i["name"]: i["reasons"][0]["code"] for i in today.today_list(owner=user, day=DAY)["items"]
    }
    assert codes == {"Birthday Girl": "birthday", "Kind Helper": "unthanked"}


def test_it_keeps_the_strongest_of_many_anniversaries_and_every_birthday(user) -> None:
    # A LinkedIn-sized network has dozens of connection anniversaries on any day.
    for n in range(today_candidates.TOP_ANNIVERSARIES + 10):
        person(user, f"Contact {n:02d}", connected_on=f"{2016 + n % 8}-03-0{1 + n % 4}")
    close = person(user, "Close Colleague", connected_on="2019-03-02")
    for days in (2, 30, 60, 90):
        log(user, close, days, direction="mutual", channel="call")
    leap = person(user, "Leap Day", birthday="1992-02-29")
    person(user, "Far Birthday", birthday="1990-06-02", connected_on="2020-09-02")
    # On 1 March 2026 (not a leap year) a 29 February birthday falls due.
    dated, anniversaries = today_candidates._event_people(user, DAY - dt.timedelta(days=1))
    assert dated == {leap.pk}
    assert close.pk in anniversaries
    assert len(anniversaries) == today_candidates.TOP_ANNIVERSARIES + 11
    network = relationships.load_network(owner=user, as_of=NOON)
    kept = today_candidates._strongest(network, anniversaries, today_candidates.TOP_ANNIVERSARIES)
    assert len(kept) == today_candidates.TOP_ANNIVERSARIES and close.pk in kept


def test_it_finds_job_changes_of_the_last_weeks_only(user, other_user) -> None:
    def changed(owner, name: str, days_ago: int):
        someone = person(owner, name, company="Now Co")
        someone.provenance = {
            **someone.provenance,
            "company_changed_on": (DAY - dt.timedelta(days=days_ago)).isoformat(),
        }
        someone.save(update_fields=["provenance"])
        return someone

    fresh = changed(user, "Fresh Change", 3)
    changed(user, "Old Change", nudges.JOB_CHANGE_DAYS + 1)
    changed(user, "Not Yet", -1)  # seen on an import after the day asked about
    changed(other_user, "Other Users Contact", 3)
    person(user, "No Change", company="Same Co")
    dated, anniversaries = today_candidates._event_people(user, DAY)
    assert dated == {fresh.pk} and anniversaries == set()


def query_plans(action) -> list[str]:
    """Return SQLite's plan of each query `action` runs, as run (with its parameters)."""
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        action()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_it_reads_a_whole_network_from_the_packed_index_alone(user) -> None:
    log(user, person(user, "Ada Lovelace"), 3)
    (plan,) = query_plans(lambda: relationships._summary_matrix(user, None))
    assert "COVERING INDEX summary_owner_packed" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_it_finds_todays_events_in_their_indexes_alone(user) -> None:
    person(user, "Ada Lovelace", birthday="1990-03-03", connected_on="2019-03-02")
    plans = query_plans(lambda: today_candidates._event_people(user, DAY))
    assert "COVERING INDEX person_owner_dates" in plans[0]
    # The partial index serves only a condition spelt as it is (see _has_job_change).
    assert "INDEX person_owner_job_changed" in plans[1]


def postgresql_plans(action) -> list[str]:
    """Return PostgreSQL's plan of each query `action` runs, sequential scans priced out.

    A test database holds a handful of rows, where a sequential scan always wins; with
    it priced out the plan shows which index the query can use at any size.
    """
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        action()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql, params in queries:
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append(" ".join(str(row[0]) for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_postgresql_reads_a_whole_network_from_the_packed_index_alone(user) -> None:
    log(user, person(user, "Ada Lovelace"), 3)
    (plan,) = postgresql_plans(lambda: relationships._summary_matrix(user, None))
    # With a handful of rows PostgreSQL may take summary_owner_packed or the plain owner
    # index (an index-only scan of the former once VACUUM marks pages visible); either
    # way the owner's rows are found by index, never by reading the table.
    assert "Index Cond: (owner_id =" in plan and "Seq Scan" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_postgresql_finds_todays_events_in_their_indexes(user) -> None:
    person(user, "Ada Lovelace", birthday="1990-03-03", connected_on="2019-03-02")
    plans = postgresql_plans(lambda: today_candidates._event_people(user, DAY))
    assert "person_owner_dates" in plans[0]
    assert "person_owner_job_changed" in plans[1]


def test_it_describes_only_the_owners_people(user, other_user) -> None:
    ada = person(user, "Ada Lovelace")
    log(user, ada, 3)
    stranger = person(other_user, "Someone Else")
    log(other_user, stranger, 3)
    network = relationships.load_network(owner=user, as_of=NOON)
    found = today_candidates._describe(user, network, {ada.pk, stranger.pk}, {}, {}, {})
    assert [c.name for c in found] == ["Ada Lovelace"]


def test_it_answers_the_cli_verbs_in_json(user) -> None:
    ada = person(user, "Ada Lovelace")
    log(user, ada, 2, intent="withdrawal", subtype="favour")

    def run(*args: str) -> object:
        out = io.StringIO()
        call(*args, "--json", stdout=out)
        return json.loads(out.getvalue())

    assert run("strength", "Ada")["people"][0]["name"] == "Ada Lovelace"
    assert run("can-i-ask", "Ada")["verdict"] == "overdrawn"
    assert run("balance")["only_asked"][0]["name"] == "Ada Lovelace"
    assert (
        run("snooze", "Ada", "2w")["until"]
        == (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    )
    assert run("today", "--limit", "3")["items"] == []
    assert run("done", "Ada", "--deposit", "thanks")["subtype"] == "thanks"


def test_it_parses_snooze_durations() -> None:
    assert today.parse_duration("30d", today=DAY) == DAY + dt.timedelta(days=30)
    assert today.parse_duration("2w", today=DAY) == DAY + dt.timedelta(days=14)
    assert today.parse_duration("10", today=DAY) == DAY + dt.timedelta(days=10)
    assert today.parse_duration("2026-12-24", today=DAY) == dt.date(2026, 12, 24)
    with pytest.raises(ValueError, match="not a duration"):
        today.parse_duration("soon", today=DAY)


def test_it_accepts_can_i_ask_spelt_with_dashes(user, capsys) -> None:
    from amity.cli import run as amity

    ada = person(user, "Ada Lovelace")
    log(user, ada, 2, intent="deposit", subtype="help")
    try:
        assert amity(["can-i-ask", "Ada", "--json"]) == 0
    finally:
        gc.unfreeze()  # main() froze this test process's objects, as it does a CLI's
    assert json.loads(capsys.readouterr().out)["verdict"] == "never_asked"
