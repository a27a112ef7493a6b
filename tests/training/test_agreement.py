"""Check the second, blind reading of the corpus and how agreement with it is measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.agreement import Reading, agreement, load_second_reading
from training.corpus import Row, load_corpus


def _row(id_: str, verdict: str, triage: str, relation: str) -> Row:
    return Row(
        id=id_,
        text=id_,
        verdict=verdict,
        triage=triage,
        relation=relation,
        kind="other",
        group=id_,
        source="https://example.org/" + id_,
    )


def test_every_corpus_message_has_one_second_reading() -> None:
    second = load_second_reading()
    assert set(second) == {row.id for row in load_corpus()}


def test_agreement_scores_the_second_reading_as_the_models_are_scored() -> None:
    rows = [
        _row("a", "transactional", "cold_pitch", "stranger"),
        _row("b", "transactional", "cold_pitch", "stranger"),
        _row("c", "relational", "genuine_new", "stranger"),
        _row("d", "relational", "trusted", "tie"),
    ]
    second = {
        "a": Reading("transactional", "cold_pitch"),
        "b": Reading("relational", "genuine_new"),
        "c": Reading("relational", "genuine_new"),
        "d": Reading("relational", "asks"),
    }
    found = agreement(rows, second)
    assert (found.n, found.verdict, found.triage) == (4, 0.75, 0.5)
    assert (found.cold, found.cold_recall, found.others, found.others_in_cold) == (2, 0.5, 2, 0.0)
    # Strangers: labels (cold, cold, not), second (cold, not, not): 2 of 3 agree, chance 4/9.
    assert found.strangers == 3
    assert found.stranger_kappa == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))


def test_a_bad_second_reading_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "second.jsonl"
    path.write_text(
        '{"id": "r1", "verdict": "relational", "triage": "trusted"}\n'
        '{"id": "r2", "verdict": "warm", "triage": "trusted"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"second\.jsonl:2: unknown label warm"):
        load_second_reading(path)
