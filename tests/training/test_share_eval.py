"""The Share evaluation's split and its intervals (training/share_eval.py)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from amity.domain import relevance
from amity.domain.relevance import FacetVectors
from training.share_eval import (
    DATA,
    Tally,
    evaluate_share,
    read_jsonl,
    split_groups,
    wilson_interval,
    won_and_lost,
)


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


def _unit(*values: float) -> np.ndarray:
    row = np.asarray(values, dtype=np.float32)
    return row / np.linalg.norm(row)


def test_it_records_which_cases_come_first_and_compares_two_runs() -> None:
    # Three people, one title each, pointing three different ways; each text points
    # at one of them, so the person it points at comes first.
    titles = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1)])
    vectors = {"title": FacetVectors(np.array([1, 2, 3]), titles)}
    ids = {"ann": 1, "bo": 2, "cy": 3}
    cases = [
        {"id": "c1", "answer": "ann", "shares_word": True},
        {"id": "c2", "answer": "bo", "shares_word": False},
        {"id": "c3", "answer": "cy", "shares_word": True},
        {"id": "c4", "answer": None},
    ]
    queries = np.stack([_unit(1, 0.1, 0), _unit(0.1, 1, 0), _unit(1, 0, 0.2), _unit(1, 1, 1)])
    tuning = dataclasses.replace(relevance.MODEL_TUNING, facets=("title",))
    found = evaluate_share(cases, queries, vectors, ids, tuning)
    assert found["all"].firsts == {"c1", "c2"}
    assert (found["all"].cases, found["all"].top1, found["all"].quiet) == (3, 2, 1)
    assert found["no_shared_word"].firsts == {"c2"}
    # Pointing the third text at its right person wins that case and loses none.
    queries[2] = _unit(0, 0.1, 1)
    better = evaluate_share(cases, queries, vectors, ids, tuning)
    assert won_and_lost(found["all"], better["all"]) == "+1/-0"
    assert won_and_lost(better["all"], found["all"]) == "+0/-1"
