"""The Share evaluation's split and its intervals (training/share_eval.py)."""

from __future__ import annotations

import json

from training.share_eval import DATA, Tally, read_jsonl, split_groups, wilson_interval


def test_it_gives_the_wilson_interval_of_a_rate() -> None:
    # Reference values of the Wilson score interval at 95% (z = 1.96).
    assert wilson_interval(5, 10) == (0.237, 0.763)
    assert wilson_interval(0, 10) == (0.0, 0.278)
    assert wilson_interval(10, 10) == (0.722, 1.0)
    assert wilson_interval(77, 110) == (0.609, 0.778)
    assert wilson_interval(0, 0) is None


def test_the_interval_narrows_as_cases_grow() -> None:
    small, large = wilson_interval(7, 10), wilson_interval(700, 1000)
    assert small is not None and large is not None
    assert small[0] < large[0] < 0.7 < large[1] < small[1]


def test_a_tally_reports_its_headline_rates_with_intervals() -> None:
    tally = Tally(cases=70, top1=52, top3=62)
    row = tally.row()
    assert row["top1"] == 0.743
    low, high = row["top1_95"]
    assert low < row["top1"] < high
    assert row["top3_95"] == wilson_interval(62, 70)
    assert Tally().row()["top1_95"] is None


def test_no_site_is_in_both_parts_and_every_case_is_in_one() -> None:
    cases = read_jsonl(DATA / "cases.jsonl")
    parts = split_groups(DATA, cases)
    assert not parts["dev"] & parts["test"]
    assert {c["group"] for c in cases} <= parts["dev"] | parts["test"]
    split = json.loads((DATA / "split.json").read_text(encoding="utf-8"))
    assert set(split) >= {"dev_groups", "test_groups"}
