"""Measure how well strangers' cold pitches separate from their genuine notes, per reading.

    .venv/bin/python bench/coach_encoders.py                # features, MiniLM, mpnet if unpacked
    .venv/bin/python bench/coach_encoders.py --curve        # and the learning curve

Triage's hard decision is a stranger's message: cold pitch or genuine note. This
bench fits the same penalised logistic model (`training.fit`) on different readings
of the strangers' messages in the corpus's *training groups* (the holdout is never
read) and scores them out of fold, ten folds grouped by source:

- features: Amity's linguistic, relationship and hashed-word features;
- + MiniLM opening: and the embedding of the first 48 words (what the coach reads);
- + MiniLM whole: and the mean embedding of every 48-word piece;
- + mpnet: and all-mpnet-base-v2 over the first 256 tokens (`training/mpnet.py`), when unpacked.

For each it prints the ROC AUC, and the share of genuine notes flagged when the
threshold catches 95 % of the cold pitches: the issue asks for at most about 10 %
there (3 % of all other messages). The second, blind reading of the same messages
(`training/agreement.py`) is printed beside them. `--curve` refits the best reading
on a quarter, a half and three quarters of the training groups.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from amity.domain import embeddings  # noqa: E402
from amity.domain.message_model import EMBED_WORDS, FEATURES, read  # noqa: E402
from training import fit  # noqa: E402
from training.agreement import load_second_reading  # noqa: E402
from training.corpus import Row, split  # noqa: E402
from training.features import feature_matrix  # noqa: E402
from training.share_eval import roc_auc  # noqa: E402

FOLDS = 10
RECALL = 0.95
PENALTY = 10.0
EMBEDDING_PENALTIES = (3.0, 10.0, 30.0)


def _auc(scores: np.ndarray, cold: np.ndarray) -> float:
    found = roc_auc(scores, cold)
    return float("nan") if found is None else found


def flagged_at_recall(scores: np.ndarray, cold: np.ndarray, recall: float = RECALL) -> float:
    """Return the share of genuine notes flagged when `recall` of the pitches are caught."""
    threshold = np.sort(scores[cold])[int((1 - recall) * cold.sum())]
    return float((scores[~cold] >= threshold).mean())


def out_of_fold(
    x: np.ndarray,
    cold: np.ndarray,
    groups: Sequence[str],
    names: Sequence[str],
    embedding_penalty: float,
    keep: np.ndarray | None = None,
) -> np.ndarray:
    """Return out-of-fold scores, folds grouped by source (learning only from `keep` rows)."""
    # A row of weight 0 neither moves the fit nor its scaling: as if it were left out.
    weight = np.ones(len(cold)) if keep is None else keep.astype(float)
    return fit.out_of_fold(
        x,
        cold.astype(float),
        groups,
        names,
        penalty=PENALTY,
        embedding_penalty=embedding_penalty,
        weight=weight,
        signs=None,
        folds=FOLDS,
    )


def pieces(text: str) -> list[str]:
    """Return a text's 48-word pieces (at least one)."""
    words = text.split()
    return [" ".join(words[i : i + EMBED_WORDS]) for i in range(0, len(words), EMBED_WORDS)] or [""]


def minilm_readings(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Return MiniLM's embedding of each text's opening, and the mean over its pieces."""
    model = embeddings.load_model()
    opening = model.encode([pieces(t)[0] for t in texts])
    whole = []
    for text in texts:
        mean = model.encode(pieces(text)).mean(axis=0)
        whole.append(mean / (np.linalg.norm(mean) or 1.0))
    return {"+ MiniLM opening": opening, "+ MiniLM whole": np.array(whole)}


def mpnet_reading(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Return all-mpnet-base-v2's embeddings when it is unpacked, else nothing."""
    from training.mpnet import MPNetEncoder, model_dir

    if model_dir() is None:
        print("(mpnet not unpacked: see training/mpnet.py)\n")
        return {}
    return {"+ mpnet": MPNetEncoder().encode(list(texts))}


def main() -> None:
    """Print one Markdown row per reading."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--curve", action="store_true", help="also the learning curve")
    args = parser.parse_args()
    rows: list[Row] = [r for r in split().train if not r.own_voice and r.relation == "stranger"]
    cold = np.array([r.cold for r in rows])
    groups = [r.group for r in rows]
    texts = [read(r.text).text for r in rows]
    x = feature_matrix(rows)
    readings: dict[str, np.ndarray] = {"features": np.zeros((len(rows), 0))}
    extra: list[Callable[[Sequence[str]], dict[str, np.ndarray]]] = [minilm_readings, mpnet_reading]
    for make in extra:
        readings.update(make(texts))
    print(
        f"{len(rows)} strangers' messages ({cold.sum()} cold pitches), {len(set(groups))} groups\n"
    )
    print("| reading | best embedding penalty | ROC AUC | genuine notes flagged at 95 % recall |")
    print("| --- | --- | --- | --- |")
    best: tuple[float, str, float] = (0.0, "features", PENALTY)
    for name, vectors in readings.items():
        matrix = np.hstack([x, vectors])
        names = (*FEATURES, *(f"e{i}" for i in range(vectors.shape[1])))
        tried = []
        for p in EMBEDDING_PENALTIES if vectors.shape[1] else (PENALTY,):
            scores = out_of_fold(matrix, cold, groups, names, p)
            tried.append((_auc(scores, cold), flagged_at_recall(scores, cold), p))
        score, flagged, penalty = max(tried)
        print(f"| {name} | {penalty:g} | {score:.3f} | {100 * flagged:.0f} % |")
        best = max(best, (score, name, penalty))
    second = load_second_reading()
    said = np.array([second[r.id].triage == "cold_pitch" for r in rows])
    print(
        f"| second blind reading (a reader, not a model) | | | {100 * said[~cold].mean():.0f} % "
        f"flagged, {100 * said[cold].mean():.0f} % of pitches caught |"
    )
    if args.curve:
        _curve(readings[best[1]], x, cold, groups, best[1], best[2])


def _curve(
    vectors: np.ndarray,
    x: np.ndarray,
    cold: np.ndarray,
    groups: Sequence[str],
    name: str,
    penalty: float,
) -> None:
    """Print the ROC AUC when only part of the training groups is learned from."""
    matrix = np.hstack([x, vectors])
    names = (*FEATURES, *(f"e{i}" for i in range(vectors.shape[1])))
    names_sorted = sorted(set(groups))
    rng = np.random.default_rng(0)
    print(f"\nLearning curve ({name}; three draws of groups per share)\n")
    print("| share of training groups | ROC AUC (mean of draws) |")
    print("| --- | --- |")
    for share in (0.25, 0.5, 0.75, 1.0):
        draws = 1 if share == 1.0 else 3
        scores = []
        for _ in range(draws):
            chosen = set(rng.choice(names_sorted, int(len(names_sorted) * share), replace=False))
            keep = np.array([g in chosen for g in groups])
            scores.append(_auc(out_of_fold(matrix, cold, groups, names, penalty, keep), cold))
        print(f"| {share:.2f} | {np.mean(scores):.3f} |")


if __name__ == "__main__":
    main()
