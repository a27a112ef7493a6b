"""Fit penalised logistic models and choose their penalties and thresholds in-fold.

Newton's method on an L2-penalised logistic loss over standardised columns, with
per-row weights and a penalty per column, no randomness anywhere: the same rows
give the same weights. Penalties and decision thresholds are chosen by cross-
validation grouped by source *inside* whatever rows are given, so an outer test
fold (or the holdout) never tunes anything.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from amity.domain.message_model import Linear

INNER_FOLDS = 5
# The direction a feature may push (+1 towards the positive class); unlisted go either
# way. A weight of the wrong sign is dropped and the rest refitted, so a quirk of the
# labelled set cannot teach that, say, a sales phrase makes a message warmer.
Signs = dict[str, int]


def group_folds(groups: Sequence[str], folds: int, salt: str = "") -> np.ndarray:
    """Assign each row a fold by a fixed hash of its group: no group spans two folds."""
    names = sorted(set(groups))
    order = sorted(names, key=lambda g: (zlib.crc32((salt + g).encode()), g))
    fold_of = {g: i % folds for i, g in enumerate(order)}
    return np.array([fold_of[g] for g in groups], dtype=int)


def _newton(z: np.ndarray, y: np.ndarray, weight: np.ndarray, reg: np.ndarray) -> np.ndarray:
    """Minimise the weighted L2-penalised logistic loss (column 0 is the free bias)."""
    w = np.zeros(z.shape[1])
    for _ in range(60):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (weight * (p - y)) + reg * w
        hess = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return w


def fit(
    x: np.ndarray,
    y: np.ndarray,
    features: Sequence[str],
    *,
    penalty: float,
    embedding_penalty: float = 10.0,
    lexical_penalty: float = 10.0,
    weight: np.ndarray | None = None,
    signs: Signs | None = None,
) -> Linear:
    """Fit one logistic model; embedding (e0...) and word (w0...) columns get their own penalty."""
    weight = np.ones(len(y)) if weight is None else weight
    total = weight.sum()
    mean = (x * weight[:, None]).sum(axis=0) / total
    scale = np.sqrt(((x - mean) ** 2 * weight[:, None]).sum(axis=0) / total)
    # A (nearly) constant column carries no signal; scaling it by 1 keeps it inert.
    scale[scale < 1e-6] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    columns = [penalty] * len(features)
    for i, name in enumerate(features):
        if _numbered(name, "e"):
            columns[i] = embedding_penalty
        elif _numbered(name, "w"):
            columns[i] = lexical_penalty
    reg = np.concatenate([[1e-6], columns])
    wanted = np.concatenate([[0], [(signs or {}).get(name, 0) for name in features]])
    keep = np.ones(z.shape[1], dtype=bool)
    while True:
        w = np.zeros(z.shape[1])
        w[keep] = _newton(z[:, keep], y, weight, reg[keep])
        wrong = keep & (wanted * w < 0)
        if not wrong.any():
            break
        keep &= ~wrong
    return Linear(tuple(features), mean, scale, w[1:], float(w[0]))


def _numbered(name: str, prefix: str) -> bool:
    return name.startswith(prefix) and name[len(prefix) :].isdigit()


@dataclass(frozen=True)
class Choice:
    """The penalties chosen by inner cross-validation, and their out-of-fold output."""

    penalty: float
    embedding_penalty: float
    out_of_fold: np.ndarray


def _log_loss(p: np.ndarray, y: np.ndarray, weight: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(weight * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / weight.sum())


def out_of_fold(
    x: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    features: Sequence[str],
    *,
    penalty: float,
    embedding_penalty: float,
    weight: np.ndarray,
    signs: Signs | None,
    folds: int = INNER_FOLDS,
) -> np.ndarray:
    """Return each row's probability from a model fitted without its group's fold."""
    fold = group_folds(groups, folds, salt="inner")
    out = np.zeros(len(y))
    for k in range(folds):
        test = fold == k
        if not test.any() or test.all():
            continue
        model = fit(
            x[~test],
            y[~test],
            features,
            penalty=penalty,
            embedding_penalty=embedding_penalty,
            weight=weight[~test],
            signs=signs,
        )
        out[test] = model.probabilities(x[test])
    return out


def choose(
    x: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    features: Sequence[str],
    *,
    penalties: Sequence[float],
    embedding_penalties: Sequence[float] = (10.0,),
    weight: np.ndarray | None = None,
    signs: Signs | None = None,
    scored: np.ndarray | None = None,
) -> Choice:
    """Choose penalties by grouped inner cross-validation (log loss).

    Only `scored` rows (all by default) count in the loss; the out-of-fold
    probabilities of the chosen penalties come back for choosing thresholds.
    """
    weight = np.ones(len(y)) if weight is None else weight
    scored = np.ones(len(y), dtype=bool) if scored is None else scored
    best: tuple[float, float, float, np.ndarray] | None = None
    for penalty in penalties:
        for embedding_penalty in embedding_penalties:
            p = out_of_fold(
                x,
                y,
                groups,
                features,
                penalty=penalty,
                embedding_penalty=embedding_penalty,
                weight=weight,
                signs=signs,
            )
            loss = _log_loss(p[scored], y[scored], weight[scored])
            if best is None or loss < best[0] - 1e-12:
                best = (loss, penalty, embedding_penalty, p)
    assert best is not None
    _, penalty, embedding_penalty, p = best
    return Choice(penalty, embedding_penalty, p)


def pick_threshold(
    p: np.ndarray,
    y: np.ndarray,
    *,
    miss_budget: float,
    false_budget: float,
    negatives_total: int | None = None,
) -> float:
    """Return the threshold that best meets both bars, each measured by its budget.

    The cost of a threshold is its share of positives missed over `miss_budget` plus
    its false positives, as a share of `negatives_total` (default: the negatives in
    `y`), over `false_budget`; the lowest-cost threshold wins, the lowest on a tie.
    """
    positives = y >= 0.5
    total = negatives_total if negatives_total is not None else int((~positives).sum())
    best: tuple[float, float] | None = None
    for threshold in np.round(np.arange(0.05, 0.951, 0.01), 2):
        called = p >= threshold
        missed = float((~called[positives]).mean()) if positives.any() else 0.0
        false = int(called[~positives].sum()) / max(total, 1)
        cost = missed / miss_budget + false / false_budget
        if best is None or cost < best[0] - 1e-12:
            best = (cost, float(threshold))
    assert best is not None
    return best[1]
