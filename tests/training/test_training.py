"""Check the training corpus, the holdout's independence and the stored weights."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from training.corpus import OWN_GROUP, holdout_groups, load_corpus, load_own_voice, split
from training.phrase_audit import holdout_only_rules, rules_matched
from training.train import same_weights

ROOT = Path(__file__).resolve().parents[2]


def test_the_corpus_is_written_by_others_from_many_sources() -> None:
    rows = load_corpus()
    assert len(rows) >= 600
    assert len({row.group for row in rows}) >= 60
    assert all(row.source.startswith(("http://", "https://")) for row in rows)
    assert len({row.text for row in rows}) == len(rows)
    assert OWN_GROUP not in {row.group for row in rows}
    kinds = Counter(row.kind for row in rows)
    assert len(kinds) >= 10


def test_the_holdout_shares_no_source_and_no_text_with_training() -> None:
    data = split()
    assert len(data.holdout) >= 150
    assert not {r.group for r in data.train} & {r.group for r in data.holdout}
    assert not {r.text for r in data.train} & {r.text for r in data.holdout}
    assert {r.group for r in data.holdout} <= holdout_groups(load_corpus())


def test_own_voice_is_training_data_only() -> None:
    own = load_own_voice()
    assert own and {row.group for row in own} == {OWN_GROUP}
    data = split()
    assert all(row.own_voice for row in data.train if row.group == OWN_GROUP)
    assert not [row for row in data.holdout if row.own_voice]


def test_no_phrase_rule_matches_holdout_text_and_no_training_text() -> None:
    assert holdout_only_rules() == []


def test_the_phrase_audit_sees_a_rule_that_only_one_side_matches() -> None:
    found = rules_matched(["Would you mind taking a look? Totally fine if not."])
    assert any(rule.startswith("ask\t") for rule in found)
    assert any(rule.startswith("out\t") for rule in found)
    assert rules_matched(["zzz qqq"]) == set()


def test_the_stored_weights_equal_a_fresh_training_run() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "training.train", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stored weights are current" in result.stdout


def test_the_weight_check_tells_stale_weights_from_rounding() -> None:
    stored = {"models": {"bias": 1.0, "features": ["a", "b"], "weights": [0.5, -2.0]}}
    assert same_weights(stored, {"models": {"bias": 1.0000000001, "features": ["a", "b"],
                                            "weights": [0.5, -2.0]}})  # fmt: skip
    assert not same_weights(stored, {"models": {"bias": 1.001, "features": ["a", "b"],
                                                "weights": [0.5, -2.0]}})  # fmt: skip
    assert not same_weights(stored, {"models": {"bias": 1.0, "features": ["a", "c"],
                                                "weights": [0.5, -2.0]}})  # fmt: skip
    assert not same_weights(stored, {"models": {"bias": 1.0, "features": ["a", "b"],
                                                "weights": [0.5]}})  # fmt: skip
