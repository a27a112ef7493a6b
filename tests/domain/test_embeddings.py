"""Test the text model, the lexical fallback and the vector search."""

from __future__ import annotations

import numpy as np
import pytest

from amity.domain import embeddings
from amity.domain.embeddings import LexicalEncoder

needs_model = pytest.mark.skipif(
    not embeddings.model_available(), reason="the text model packages are not installed"
)


def _cos(vectors: np.ndarray, i: int, j: int) -> float:
    return float(vectors[i] @ vectors[j])


@needs_model
def test_it_scores_paraphrases_above_unrelated_sentences() -> None:
    model = embeddings.load_model()
    vectors = model.encode(
        [
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "The girl is carrying a baby.",
        ]
    )
    assert _cos(vectors, 0, 1) > 0.6
    assert _cos(vectors, 0, 1) > _cos(vectors, 0, 2) + 0.4


@needs_model
def test_it_matches_synonyms_that_share_no_word() -> None:
    model = embeddings.load_model()
    vectors = model.encode(
        ["oncology", "cancer treatment", "sailing boats", "physician", "doctor", "guitar"]
    )
    assert _cos(vectors, 0, 1) > _cos(vectors, 0, 2) + 0.2
    assert _cos(vectors, 3, 4) > _cos(vectors, 3, 5) + 0.2


@needs_model
def test_it_returns_unit_rows_and_zero_rows_for_empty_text() -> None:
    model = embeddings.load_model()
    vectors = model.encode(["short", "", "a somewhat longer sentence about gardening " * 40])
    assert vectors.shape == (3, embeddings.MODEL_DIM)
    assert vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    assert norms[0] == pytest.approx(1.0, abs=1e-4)
    assert norms[1] == 0.0
    assert norms[2] == pytest.approx(1.0, abs=1e-4)


@needs_model
def test_it_embeds_a_text_the_same_alone_or_in_a_batch() -> None:
    model = embeddings.load_model()
    alone = model.encode(["climate tech investing"])[0]
    batch = model.encode(["x", "climate tech investing", "a much longer text " * 20])[1]
    assert float(alone @ batch) > 0.999


def test_it_resolves_the_choice_and_rejects_unknown_ones() -> None:
    assert embeddings.resolve_choice("tfidf") == "tfidf"
    expected = "model" if embeddings.model_available() else "tfidf"
    assert embeddings.resolve_choice("auto") == expected
    with pytest.raises(ValueError, match="unknown text model"):
        embeddings.resolve_choice("bert")


def test_the_lexical_fallback_matches_shared_words_across_forms() -> None:
    corpus = ["startups and venture capital", "sailing boats", "rowing on the river"]
    encoder = LexicalEncoder.fit(corpus)
    vectors = encoder.encode([*corpus, "a startup raising venture money"])
    assert vectors.shape == (4, embeddings.LEXICAL_DIM)
    scores = vectors[:3] @ vectors[3]
    assert int(np.argmax(scores)) == 0
    assert scores[1] == pytest.approx(0.0, abs=0.2)


def test_the_lexical_fallback_weighs_rare_words_more() -> None:
    encoder = LexicalEncoder.fit(["data science", "data engineering", "data quantum"])
    vectors = encoder.encode(["data quantum", "quantum", "data"])
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_it_stems_plurals_and_gerunds() -> None:
    assert embeddings.lexical_terms("Startups, Running and the Boxes") == ["startup", "runn", "box"]


def test_it_round_trips_vectors_through_bytes() -> None:
    vector = np.arange(5, dtype=np.float32) / 7
    assert np.array_equal(embeddings.from_bytes(embeddings.to_bytes(vector)), vector)


def test_top_k_returns_the_best_rows_first_and_skips_excluded_ones() -> None:
    matrix = embeddings.normalize_rows(np.eye(4, dtype=np.float32) + 0.1)
    query = matrix[2]
    assert embeddings.top_k(matrix, query, 2)[0] == 2
    assert 2 not in embeddings.top_k(matrix, query, 3, exclude=[2])
    assert embeddings.top_k(matrix[:0], query, 3) == []


def _clustered_data(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = embeddings.normalize_rows(rng.standard_normal((40, 32)).astype(np.float32))
    noise = 0.1 * rng.standard_normal((n, 32)).astype(np.float32)
    return embeddings.normalize_rows(centers[rng.integers(0, 40, n)] + noise)


def test_exact_neighbours_never_return_the_row_itself() -> None:
    data = _clustered_data(300)
    found = embeddings.exact_neighbours(data, data, 5, same=True, block=64)
    assert found.indices.shape == (300, 5)
    assert not (found.indices == np.arange(300)[:, None]).any()
    brute = data @ data.T
    np.fill_diagonal(brute, -np.inf)
    assert np.array_equal(found.indices[:, 0], np.argmax(brute, axis=1))


def test_clustered_neighbours_agree_with_the_exact_ones() -> None:
    data = _clustered_data(3000)
    exact = embeddings.exact_neighbours(data, data, 5, same=True)
    approx = embeddings.clustered_neighbours(data, data, 5, same=True, clusters=30)
    recall = np.mean(
        [len(set(a) & set(b)) / 5 for a, b in zip(exact.indices, approx.indices, strict=True)]
    )
    assert recall > 0.9
    assert not (approx.indices == np.arange(3000)[:, None]).any()


def test_clustered_neighbours_search_another_set() -> None:
    data = _clustered_data(2000)
    queries = data[:200] + 0.01
    exact = embeddings.exact_neighbours(queries, data, 3)
    approx = embeddings.clustered_neighbours(queries, data, 3, clusters=20)
    assert np.mean(exact.indices[:, 0] == approx.indices[:, 0]) > 0.9


def test_the_memo_encodes_each_text_once() -> None:
    calls: list[list[str]] = []

    class Recorder(LexicalEncoder):
        def encode(self, texts):  # type: ignore[no-untyped-def]
            calls.append(list(texts))
            return super().encode(texts)

    memo = embeddings.MemoEncoder(Recorder(), size=2)
    first = memo.encode(["a b", "c d", "a b"])
    assert calls == [["a b", "c d"]]
    assert np.array_equal(first[0], first[2])
    memo.encode(["c d"])
    assert len(calls) == 1
    memo.encode(["e f"])  # evicts "a b", the least recently used
    memo.encode(["a b"])
    assert calls[-1] == ["a b"]
    assert memo.encode([]).shape == (0, embeddings.LEXICAL_DIM)
