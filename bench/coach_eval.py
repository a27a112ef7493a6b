"""Measure the coach: k-fold cross-validated accuracy, per-kind errors, holdout, speed.

    .venv/bin/python bench/coach_eval.py                 # 10-fold CV + holdout + timing
    .venv/bin/python bench/coach_eval.py --folds 5 --errors
    .venv/bin/python bench/coach_eval.py --sweep         # compare L2 penalties by CV

Folds are fixed (rows dealt round-robin after a sort by id), so runs repeat
exactly. Rows written for several relationship contexts share their text: they
are kept in one fold so the model is never tested on a text it trained on. The
holdout file (tests/data/coach_holdout.jsonl) is never used for training.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amity.domain import coach  # noqa: E402
from bench.train_coach import (  # noqa: E402
    PENALTY,
    TRIAGE_CLASSES,
    coach_matrix,
    coach_signs,
    embed_rows,
    fit_logistic,
    fit_triage,
    fold_of,
    load_rows,
    out_of_fold_embedding_logits,
    predict,
    recipient_of,
    triage_matrix,
)

HOLDOUT = ROOT / "tests" / "data" / "coach_holdout.jsonl"


def cross_validate(
    rows: list[dict[str, Any]],
    folds: int,
    penalty: float = PENALTY,
    vectors: np.ndarray | None = None,
) -> tuple[np.ndarray, list[float]]:
    """Return out-of-fold probabilities and per-fold accuracy for the coach.

    With `vectors`, the stacked model is tested: its embedding feature for each row
    comes from an embedding model that never saw the row.
    """
    x, y = coach_matrix(rows)
    assignment = fold_of(rows, folds)
    features: tuple[str, ...] = coach.FEATURES
    if vectors is not None:
        x = np.hstack([x, out_of_fold_embedding_logits(vectors, y, assignment)[:, None]])
        features = (*features, "embedding")
    probability = np.zeros(len(rows))
    accuracies = []
    for fold in range(folds):
        test = assignment == fold
        mean, scale, weights, bias = fit_logistic(
            x[~test], y[~test], penalty, signs=coach_signs(features)
        )
        probability[test] = predict(x[test], mean, scale, weights, bias)
        accuracies.append(float(np.mean((probability[test] >= 0.5) == (y[test] == 1))))
    return probability, accuracies


def triage_cross_validate(rows: list[dict[str, Any]], folds: int) -> float:
    """Return the cross-validated accuracy of the text-only triage classes."""
    usable = [r for r in rows if r.get("triage") and not r.get("context")]
    x, y = triage_matrix(rows)
    assignment = fold_of(usable, folds)
    correct = 0
    for fold in range(folds):
        test = assignment == fold
        model = fit_triage(x[~test], y[~test])
        scores = np.column_stack(
            [
                predict(
                    x[test],
                    np.array(model["models"][name]["mean"]),
                    np.array(model["models"][name]["scale"]),
                    np.array(model["models"][name]["weights"]),
                    model["models"][name]["bias"],
                )
                for name in TRIAGE_CLASSES
            ]
        )
        correct += int(np.sum(scores.argmax(axis=1) == y[test]))
    return correct / len(usable)


def report_errors(rows: list[dict[str, Any]], probability: np.ndarray, show: bool) -> None:
    """Print per-kind error counts and, with `show`, the misjudged messages."""
    totals: Counter[str] = Counter()
    wrong: dict[str, list[tuple[float, dict[str, Any]]]] = defaultdict(list)
    for row, p in zip(rows, probability, strict=True):
        totals[row["kind"]] += 1
        if (p >= 0.5) != (row["verdict"] == "relational"):
            wrong[row["kind"]].append((float(p), row))
    print("\nper-kind errors (kind: wrong / total):")
    for kind in sorted(totals):
        print(f"  {kind:20s} {len(wrong[kind]):3d} / {totals[kind]}")
    if show:
        print("\nmisjudged:")
        for kind in sorted(wrong):
            for p, row in wrong[kind]:
                ctx = f" ctx={row['context']}" if row.get("context") else ""
                print(f"  [{kind}] label={row['verdict']} p={p:.2f}{ctx}\n    {row['text'][:160]}")


def holdout(show: bool, path: Path = HOLDOUT) -> None:
    """Score the stored models on a never-trained-on holdout set."""
    if not path.exists():
        return
    rows = load_rows(path)
    for use in (False, True):
        if use and not coach.embedding_available():
            continue
        right = 0
        misses = []
        for row in rows:
            result = coach.review(row["text"], recipient_of(row), use_embeddings=use)
            if result.verdict == row["verdict"]:
                right += 1
            else:
                misses.append((result.score, row))
        mode = "features + embedding" if use else "features only"
        print(
            f"\nholdout {path.name} ({len(rows)} messages, stored {mode} model): "
            f"{right / len(rows):.1%} verdict accuracy"
        )
        if show:
            for score, row in misses:
                print(f"  [{row['kind']}] label={row['verdict']} score={score}")
                print(f"    {row['text'][:160]}")


def timing() -> None:
    """Time coach.review per message after start-up, with and without the embedding."""
    rows = load_rows()
    long_text = " ".join(row["text"] for row in rows[:12])
    for use in (False, True):
        if use and not coach.embedding_available():
            continue
        coach.review("warm-up", use_embeddings=use)
        start = time.perf_counter()
        for row in rows:
            coach.review(row["text"], recipient_of(row), use_embeddings=use)
        per = (time.perf_counter() - start) / len(rows) * 1000
        start = time.perf_counter()
        coach.review(long_text, use_embeddings=use)
        long_ms = (time.perf_counter() - start) * 1000
        mode = "features + embedding" if use else "features only"
        print(
            f"\ncoach.review ({mode}): {per:.2f} ms per message on average; {long_ms:.1f} ms "
            f"for a {len(long_text.split())}-word message"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--errors", action="store_true", help="list misjudged messages")
    parser.add_argument("--sweep", action="store_true", help="compare L2 penalties")
    parser.add_argument(
        "--holdout", type=Path, action="append", default=[], help="another holdout file"
    )
    args = parser.parse_args(argv)
    rows = load_rows()
    print(f"{len(rows)} labelled messages, {Counter(r['verdict'] for r in rows)}")
    if args.sweep:
        for penalty in (0.3, 1.0, 3.0, 10.0):
            probability, _ = cross_validate(rows, args.folds, penalty)
            y = np.array([r["verdict"] == "relational" for r in rows])
            print(f"  penalty {penalty:5.1f}: {np.mean((probability >= 0.5) == y):.1%}")
        return 0
    y = np.array([r["verdict"] == "relational" for r in rows])
    text_only = np.array([not r.get("context") for r in rows])
    vectors = embed_rows(rows)
    for mode, vecs in (("features only", None), ("features + embedding", vectors)):
        if mode != "features only" and vecs is None:
            print("text model not installed: no embedding CV")
            continue
        probability, accuracies = cross_validate(rows, args.folds, vectors=vecs)
        right = (probability >= 0.5) == y
        print(
            f"{args.folds}-fold CV verdict accuracy ({mode}): {np.mean(right):.1%} "
            f"(folds {min(accuracies):.0%}..{max(accuracies):.0%}); "
            f"text-only rows {np.mean(right[text_only]):.1%}, "
            f"context rows {np.mean(right[~text_only]):.1%}"
        )
        report_errors(rows, probability, args.errors)
    print(
        f"{args.folds}-fold CV triage class accuracy: {triage_cross_validate(rows, args.folds):.1%}"
    )
    holdout(args.errors)
    for extra in args.holdout:
        holdout(args.errors, extra)
    timing()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
