"""Learn the coach's and triage's weights from the labelled corpus; store them.

    python -m training.train            # train on the training groups, write the weights
    python -m training.train --check    # train, compare with the stored weights, no write

Writes `amity/domain/data/coach_weights.json` (see `amity.domain.message_model`):
the verdict model with and without the sentence embedding, and triage's cold-pitch
(strangers) and asks (people with history) models. Only the training groups and the
own-voice rows are read; penalties and the cold-pitch threshold are chosen by
cross-validation grouped by source inside them. Deterministic: the same rows give
the same weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from amity.domain import embeddings
from amity.domain.message_model import FEATURES, WEIGHTS_FILE, Linear, Models
from training import fit
from training.corpus import Row, split
from training.features import EMBEDDING_FEATURES, embedding_matrix, feature_matrix

OUT = Path(__file__).resolve().parents[1] / "amity" / "domain" / "data" / WEIGHTS_FILE
PENALTIES = (1.0, 3.0, 10.0)
EMBEDDING_PENALTIES = (10.0, 30.0)
# The bars for cold pitches: miss at most 5 % of them, and put at most 3 % of
# all other messages among them. The cold threshold balances the two out of fold.
COLD_MISS_BUDGET = 0.05
OTHERS_IN_COLD_BUDGET = 0.03
# Own-voice rows count for less: one voice, written alongside the phrase rules.
OWN_WEIGHT = 0.5
_WARMER = (
    "out",
    "thanks",
    "congrats",
    "care",
    "offer",
    "personal",
    "shared",
    "they_gave",
    "follow_through",
    "honest",
    "intro_consent",
    "genuine_questions",
    "give_no_ask",
    "ask_with_out",
    "gap",
    "you_share",
    "placeholders",
)
_COLDER = (
    "ask",
    "vague_ask",
    "pitch",
    "recruiter",
    "spam",
    "template",
    "urgency",
    "intro_single",
    "single_intro",
    "mass",
    "commerce",
    "ask_after_gap",
    "ask_first_contact",
    "ask_unspecific",
    "ask_negative_balance",
    "ask_dormant",
    "ask_stranger",
    "links",
    "money",
    "shouting",
    "ask_questions",
    "merge_fields",
)
WARM_SIGNS: fit.Signs = {**dict.fromkeys(_WARMER, 1), **dict.fromkeys(_COLDER, -1)}


def _stack(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    return np.hstack([x, e])


def _weights(rows: Sequence[Row]) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's weight and whether it counts when choosing (the corpus only)."""
    corpus = np.array([not r.own_voice for r in rows])
    return np.where(corpus, 1.0, OWN_WEIGHT), corpus


def train_verdict(rows: Sequence[Row], vectors: np.ndarray | None) -> tuple[Linear, Linear, float]:
    """Return the verdict models with and without the embedding, and the cold threshold."""
    x = feature_matrix(rows)
    y = np.array([1.0 if r.relational else 0.0 for r in rows])
    groups = [r.group for r in rows]
    weight, scored = _weights(rows)
    plain_choice = fit.choose(
        x, y, groups, FEATURES, penalties=PENALTIES, signs=WARM_SIGNS, weight=weight, scored=scored
    )
    plain = fit.fit(x, y, FEATURES, penalty=plain_choice.penalty, signs=WARM_SIGNS, weight=weight)
    threshold = cold_threshold(rows, plain_choice.out_of_fold)
    if vectors is None:
        return plain, plain, threshold
    features = (*FEATURES, *EMBEDDING_FEATURES)
    full_x = _stack(x, vectors)
    choice = fit.choose(
        full_x,
        y,
        groups,
        features,
        penalties=(plain_choice.penalty,),
        embedding_penalties=EMBEDDING_PENALTIES,
        signs=WARM_SIGNS,
        weight=weight,
        scored=scored,
    )
    full = fit.fit(
        full_x,
        y,
        features,
        penalty=choice.penalty,
        embedding_penalty=choice.embedding_penalty,
        signs=WARM_SIGNS,
        weight=weight,
    )
    return full, plain, threshold


def cold_threshold(rows: Sequence[Row], relational: np.ndarray) -> float:
    """Choose the cold-pitch threshold from out-of-fold verdicts on strangers' messages.

    A stranger's message is cold when its probability of being transactional reaches
    the threshold. Misses count against COLD_MISS_BUDGET; false alarms (strangers'
    genuine notes called cold), as a share of all the corpus's messages that are not
    cold pitches, against OTHERS_IN_COLD_BUDGET.
    """
    strangers = np.array([not r.own_voice and r.relation == "stranger" for r in rows])
    cold = np.array([1.0 if r.cold else 0.0 for r in rows])
    return fit.pick_threshold(
        1 - relational[strangers],
        cold[strangers],
        miss_budget=COLD_MISS_BUDGET,
        false_budget=OTHERS_IN_COLD_BUDGET,
        negatives_total=sum(not r.own_voice and not r.cold for r in rows),
    )


def ask_rows(rows: Sequence[Row]) -> list[Row]:
    """Return the rows that teach asks vs trusted (messages from people with history)."""
    corpus = [r for r in rows if not r.own_voice and r.relation in ("tie", "history")]
    # Own-voice labels read the text alone: an ask or a pitch from someone known wants
    # something; a personal note does not.
    own = [r for r in rows if r.own_voice]
    return corpus + own


def train_ask(rows: Sequence[Row]) -> Linear:
    """Return the asks-vs-trusted model for people with history."""
    chosen = ask_rows(rows)
    x = feature_matrix(chosen, unknown_as="history")
    y = np.array([1.0 if r.triage in ("asks", "cold_pitch") else 0.0 for r in chosen])
    weight, scored = _weights(chosen)
    choice = fit.choose(
        x, y, [r.group for r in chosen], FEATURES, penalties=PENALTIES, weight=weight, scored=scored
    )
    return fit.fit(x, y, FEATURES, penalty=choice.penalty, weight=weight)


def train(rows: Sequence[Row], *, use_embeddings: bool = True) -> Models:
    """Return every model fitted on `rows` (the training groups and own voice)."""
    vectors = embedding_matrix(rows) if use_embeddings and embeddings.model_available() else None
    verdict, plain, threshold = train_verdict(rows, vectors)
    return Models(
        verdict=verdict,
        verdict_plain=plain,
        ask=train_ask(rows),
        cold_threshold=threshold,
        text_model=embeddings.MODEL_NAME if vectors is not None else "features",
    )


def stored_form(models: Models, rows: Sequence[Row]) -> dict[str, Any]:
    """Return the JSON written to disk: the models and what they were trained on."""
    data = models.as_json()
    data["trained_on"] = {
        "rows": len(rows),
        "groups": len({r.group for r in rows}),
        "own_voice": sum(r.own_voice for r in rows),
    }
    return json.loads(json.dumps(data))


def same_weights(stored: Any, fresh: Any) -> bool:
    """Return whether two stored forms agree: same shape and names, numbers to 1e-6.

    Sentence embeddings are rounded before training, but another CPU's kernels could
    still move a rounded value by one step; that may not count as stale weights.
    """
    if isinstance(stored, dict) and isinstance(fresh, dict):
        return stored.keys() == fresh.keys() and all(
            same_weights(stored[key], fresh[key]) for key in stored
        )
    if isinstance(stored, list) and isinstance(fresh, list):
        return len(stored) == len(fresh) and all(
            same_weights(a, b) for a, b in zip(stored, fresh, strict=True)
        )
    if isinstance(stored, float | int) and isinstance(fresh, float | int):
        return bool(np.isclose(stored, fresh, rtol=1e-6, atol=1e-9))
    return bool(stored == fresh)


def main(argv: list[str] | None = None) -> int:
    """Train on the training groups and write (or, with --check, compare) the weights."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with stored weights")
    args = parser.parse_args(argv)
    rows = split().train
    data = stored_form(train(rows), rows)
    if args.check:
        same = OUT.is_file() and same_weights(json.loads(OUT.read_text(encoding="utf-8")), data)
        print("stored weights are current" if same else f"stale: {OUT}")
        return 0 if same else 1
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} rows, text model {data['text_model']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
