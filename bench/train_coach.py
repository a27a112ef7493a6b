"""Learn the coach's and triage's weights from the labelled messages; store them.

    .venv/bin/python bench/train_coach.py            # train on tests/data, write JSON
    .venv/bin/python bench/train_coach.py --check    # train, compare with stored, no write

Writes amity/domain/data/coach.json (relational vs transactional, text plus
relationship features), amity/domain/data/triage.json (personal / ask / pitch,
text features only) and, when the text model is installed,
amity/domain/data/coach_embedding.json: a logistic model over the sentence
embedding whose out-of-fold log-odds become one more feature of a stacked coach
model (the coach uses it only when the text model is available).

Training is deterministic: Newton's method on an L2-penalised logistic loss over
standardised features, no randomness anywhere. It lives here, not in the package,
so nothing is trained at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amity.domain import coach  # noqa: E402
from amity.domain.text_features import TEXT_FEATURES, analyse, text_vector  # noqa: E402

DATA = ROOT / "tests" / "data" / "coach_messages.jsonl"
OUT = ROOT / "amity" / "domain" / "data"
# The embedding model has 384 inputs for a few hundred rows: shrink it harder.
EMBEDDING_PENALTY = 10.0
FOLDS = 10
# L2 penalty on standardised weights; chosen by 10-fold cross-validation over
# {0.3, 1, 3, 10} (see bench/coach_eval.py --sweep) and kept fixed.
PENALTY = 3.0
TRIAGE_CLASSES = ("personal", "ask", "pitch")
_WARMER = [
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
    "ask_close_healthy",
    "ask_balance",
    "gap",
    "you_share",
    "embedding",
]
_COLDER = [
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
    "i_share",
    "we_share",
]
# The direction each feature may push the verdict (+1 towards relational, -1 towards
# transactional); features not listed may go either way. Fitting refuses a weight of
# the wrong sign, so a quirk of the labelled set cannot teach, say, that a sales
# phrase makes a message warmer.
SIGNS = {
    **dict.fromkeys(_WARMER, 1),
    **dict.fromkeys(_COLDER, -1),
}
TRIAGE_OF_LABEL = {"genuine_new": "personal", "asks": "ask", "cold_pitch": "pitch"}


def load_rows(path: Path = DATA) -> list[dict[str, Any]]:
    """Return the labelled messages."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def recipient_of(row: dict[str, Any]) -> coach.Recipient | None:
    """Return the relationship context a labelled row was written for, if any."""
    ctx = row.get("context")
    if not ctx:
        return None
    return coach.Recipient(
        tie=ctx["tie"], balance=float(ctx["balance"]), days_since=ctx.get("days_since")
    )


def coach_matrix(rows: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Return features and 0/1 labels (1 = relational) for the coach."""
    x = np.array([coach.feature_vector(r["text"], recipient_of(r)) for r in rows], dtype=float)
    y = np.array([1.0 if r["verdict"] == "relational" else 0.0 for r in rows])
    return x, y


def triage_matrix(rows: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Return text features and class indices for triage (context-free rows only)."""
    usable = [r for r in rows if r.get("triage") and not r.get("context")]
    x = np.array([text_vector(analyse(r["text"])) for r in usable], dtype=float)
    y = np.array([TRIAGE_CLASSES.index(TRIAGE_OF_LABEL[r["triage"]]) for r in usable])
    return x, y


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    penalty: float = PENALTY,
    signs: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Fit an L2 logistic regression; return mean, scale, weights and bias.

    With `signs` (+1, -1 or 0 per feature), a feature whose weight comes out with the
    wrong sign is dropped (weight 0) and the rest refitted, until all agree.
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    # A (nearly) constant column carries no signal; scaling it by 1 keeps it inert.
    scale[scale < 1e-6] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    keep = np.ones(z.shape[1], dtype=bool)
    wanted = np.concatenate([[0], np.asarray(signs if signs is not None else [0] * x.shape[1])])
    while True:
        w = np.zeros(z.shape[1])
        w[keep] = _newton(z[:, keep], y, penalty)
        wrong = keep & (wanted * w < 0)
        if not wrong.any():
            return mean, scale, w[1:], float(w[0])
        keep &= ~wrong


def _newton(z: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Minimise the L2-penalised logistic loss (column 0 is the unpenalised bias)."""
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], penalty)
    reg[0] = 1e-6
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w


def coach_signs(features: Sequence[str]) -> list[int]:
    """Return the allowed sign of each coach feature."""
    return [SIGNS.get(name, 0) for name in features]


def predict(
    x: np.ndarray, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float
) -> np.ndarray:
    """Return the probability of class 1 for each row."""
    return 1 / (1 + np.exp(-np.clip(((x - mean) / scale) @ weights + bias, -30, 30)))


def fit_triage(x: np.ndarray, y: np.ndarray, penalty: float = PENALTY) -> dict[str, Any]:
    """Fit one-vs-rest logistic models for the triage classes; return their JSON form."""
    models = {}
    for index, name in enumerate(TRIAGE_CLASSES):
        mean, scale, weights, bias = fit_logistic(x, (y == index).astype(float), penalty)
        models[name] = _model_json(TEXT_FEATURES, mean, scale, weights, bias)
    return {"classes": list(TRIAGE_CLASSES), "models": models}


def _digits(value: float) -> float:
    """Keep 8 significant digits: small scales must not round to zero."""
    return float(f"{float(value):.8g}")


def _model_json(
    features: Sequence[str], mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float
) -> dict[str, Any]:
    return {
        "features": list(features),
        "mean": [_digits(v) for v in mean],
        "scale": [_digits(v) for v in scale],
        "weights": [_digits(v) for v in weights],
        "bias": _digits(bias),
    }


def fold_of(rows: Sequence[dict[str, Any]], folds: int = FOLDS) -> np.ndarray:
    """Assign each row a fold; rows with the same text share one (deterministic)."""
    groups: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        groups.setdefault(row["text"], len(groups) % folds)
    return np.array([groups[row["text"]] for row in rows])


def embed_rows(rows: Sequence[dict[str, Any]]) -> np.ndarray | None:
    """Return the sentence embedding of every row, or None without the text model."""
    from amity.domain import embeddings

    if not embeddings.model_available():
        return None
    texts = [coach.embedding_text(r["text"]) for r in rows]
    return np.asarray(embeddings.load_model().encode(texts), dtype=float)


def embedding_logits(vectors: np.ndarray, model: tuple[Any, ...]) -> np.ndarray:
    """Return the embedding model's log-odds for each row."""
    mean, scale, weights, bias = model
    return np.asarray(((vectors - mean) / scale) @ weights + bias)


def out_of_fold_embedding_logits(
    vectors: np.ndarray, y: np.ndarray, folds: np.ndarray
) -> np.ndarray:
    """Return each row's embedding log-odds from a model that never saw that row."""
    out = np.zeros(len(y))
    for fold in np.unique(folds):
        test = folds == fold
        model = fit_logistic(vectors[~test], y[~test], EMBEDDING_PENALTY)
        out[test] = embedding_logits(vectors[test], model)
    return out


def train_stacked(
    rows: Sequence[dict[str, Any]], x: np.ndarray, y: np.ndarray, vectors: np.ndarray
) -> dict[str, Any]:
    """Return the embedding model and the stacked coach model as one JSON mapping."""
    from amity.domain import embeddings

    stacked_x = np.hstack([x, out_of_fold_embedding_logits(vectors, y, fold_of(rows))[:, None]])
    features = (*coach.FEATURES, "embedding")
    mean, scale, weights, bias = fit_logistic(stacked_x, y, signs=coach_signs(features))
    e_mean, e_scale, e_weights, e_bias = fit_logistic(vectors, y, EMBEDDING_PENALTY)
    return {
        "text_model": embeddings.MODEL_NAME,
        "embedding": _model_json(
            [f"e{i}" for i in range(vectors.shape[1])], e_mean, e_scale, e_weights, e_bias
        ),
        "stacked": _model_json(features, mean, scale, weights, bias),
        "trained_on": len(rows),
    }


def train(rows: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the coach and triage models trained on all rows, as JSON mappings."""
    x, y = coach_matrix(rows)
    mean, scale, weights, bias = fit_logistic(x, y, signs=coach_signs(coach.FEATURES))
    coach_json = _model_json(coach.FEATURES, mean, scale, weights, bias)
    coach_json["trained_on"] = len(rows)
    coach_json["penalty"] = PENALTY
    tx, ty = triage_matrix(rows)
    triage_json = fit_triage(tx, ty)
    triage_json["trained_on"] = len(tx)
    return coach_json, triage_json


def main(argv: list[str] | None = None) -> int:
    """Train on the labelled set and write (or, with --check, compare) the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with stored weights")
    args = parser.parse_args(argv)
    rows = load_rows()
    coach_json, triage_json = train(rows)
    outputs = {"coach.json": coach_json, "triage.json": triage_json}
    vectors = embed_rows(rows)
    if vectors is None:
        print("text model not installed: coach_embedding.json left as it is")
    else:
        x, y = coach_matrix(rows)
        outputs["coach_embedding.json"] = train_stacked(rows, x, y, vectors)
    if args.check:
        stale = [
            name
            for name, data in outputs.items()
            if json.loads((OUT / name).read_text()) != json.loads(json.dumps(data))
        ]
        print("stale: " + ", ".join(stale) if stale else "stored weights are current")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        (OUT / name).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
