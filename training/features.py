"""Turn labelled rows into the feature matrices the models are fitted on.

The rows go through exactly what the coach and triage run (`amity.domain.
message_model.read` and `feature_row`), so training and scoring cannot drift.
Sentence embeddings are cached on disk by the hash of the text they read
(`training/cache/`, not committed): the corpus is embedded once, not per run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from amity.domain import embeddings
from amity.domain.message_model import (
    EMBEDDING_DECIMALS,
    EMBEDDING_PREFIX,
    FEATURES,
    Relation,
    embedding_text,
    feature_row,
    read,
)
from training.corpus import Row

CACHE = Path(__file__).resolve().parent / "cache"
EMBEDDING_FEATURES = tuple(f"{EMBEDDING_PREFIX}{i}" for i in range(embeddings.MODEL_DIM))


def relation_of(row: Row) -> Relation:
    """Return the row's relationship as the models read it."""
    if row.relation in ("tie", "history", "stranger"):
        return row.relation  # type: ignore[return-value]
    return "unknown"


def feature_matrix(
    rows: Sequence[Row], *, relation: Relation | None = None, unknown_as: Relation = "unknown"
) -> np.ndarray:
    """Return FEATURES for every row, with its own relation (or the one given)."""
    out = np.zeros((len(rows), len(FEATURES)))
    for i, row in enumerate(rows):
        own = relation_of(row)
        out[i] = feature_row(
            read(row.text),
            relation or (unknown_as if own == "unknown" else own),
            negative_balance=row.negative_balance,
            dormant=row.dormant,
        )
    return out


def _key(text: str) -> str:
    return hashlib.sha256(f"{embeddings.MODEL_NAME}\n{text}".encode()).hexdigest()[:24]


def embedding_matrix(rows: Sequence[Row], cache: Path = CACHE) -> np.ndarray:
    """Return the sentence embedding each row's normalised opening, cached on disk."""
    texts = [embedding_text(read(row.text).text) for row in rows]
    keys = [_key(text) for text in texts]
    store = cache / f"{embeddings.MODEL_NAME}.npz"
    known: dict[str, np.ndarray] = {}
    if store.is_file():
        with np.load(store) as saved:
            known = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        model = embeddings.load_model()
        vectors = model.encode([text for _, text in missing])
        for (key, _), vector in zip(missing, vectors, strict=True):
            known[key] = np.round(np.asarray(vector, dtype=np.float64), EMBEDDING_DECIMALS)
        cache.mkdir(parents=True, exist_ok=True)
        ordered = sorted(known)
        np.savez(store, keys=np.array(ordered), vectors=np.array([known[k] for k in ordered]))
    return np.array([known[k] for k in keys], dtype=np.float64).reshape(len(rows), -1)
