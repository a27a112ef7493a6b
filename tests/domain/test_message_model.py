"""Test the shared reading of a message: placeholders, features and the stored models."""

from __future__ import annotations

import numpy as np

from amity.domain import coach
from amity.domain.message_model import (
    FEATURES,
    LEXICAL_DIM,
    Linear,
    Relation,
    feature_matrix,
    feature_row,
    lexical_vector,
    load_models,
    normalise_placeholders,
    read,
)


def test_it_fills_merge_fields_with_neutral_words_and_counts_them() -> None:
    found = normalise_placeholders(
        "Hi [Name], I saw {first_name} at <company> and {{ job_title }} caught my eye."
    )
    assert found.text == "Hi Alex, I saw Alex at Acme and job title caught my eye."
    assert (found.merge_fields, found.placeholders) == (4, 0)


def test_it_reads_a_descriptive_placeholder_as_the_specifics_it_stands_for() -> None:
    found = normalise_placeholders("Your point about [specific point from their talk] stuck.")
    assert found.text == "Your point about specific point from their talk stuck."
    assert (found.merge_fields, found.placeholders) == (0, 1)


def test_it_leaves_plain_text_and_html_tags_alone() -> None:
    for text in ("No brackets here.", "Line one<br>line two", "a < b and c > d"):
        found = normalise_placeholders(text)
        assert (found.text, found.merge_fields, found.placeholders) == (text, 0, 0)


def test_it_builds_one_feature_per_name_and_hashes_words_into_buckets() -> None:
    row = feature_row(read("Could you refer me? [Name]"), "stranger")
    assert len(row) == len(FEATURES)
    named = dict(zip(FEATURES, row, strict=True))
    assert named["merge_fields"] == 1.0 and named["rel_stranger"] == 1.0
    assert named["ask_stranger"] == 1.0 and named["rel_tie"] == 0.0
    words = lexical_vector("thanks so much thanks")
    assert len(words) == LEXICAL_DIM and sum(words) <= 6  # thanks, so, much and three pairs
    assert set(words) <= {0.0, 1.0}


def test_the_stored_models_read_the_current_features() -> None:
    models = load_models()
    assert models.verdict_plain.features == FEATURES
    assert models.ask.features == FEATURES
    assert 0.0 < models.cold_threshold < 1.0


def test_it_sums_the_word_and_embedding_buckets_into_one_reason_each() -> None:
    model = Linear(
        features=("thanks", "w0", "w1", "e0", "e1"),
        mean=np.zeros(5),
        scale=np.ones(5),
        weights=np.array([1.0, 0.5, 0.25, 2.0, -1.0]),
        bias=0.0,
    )
    parts = dict(model.contributions([1.0, 1.0, 1.0, 1.0, 1.0]))
    assert parts == {"thanks": 1.0, "wording": 0.75, "embedding": 1.0}
    assert model.logit([1.0, 1.0, 1.0, 1.0, 1.0]) == 2.75


def test_the_coach_judges_a_template_by_what_it_would_say_and_flags_the_original() -> None:
    text = "Hi [Name], I'd like to add you to my professional network."
    result = coach.review(text, use_embeddings=False)
    assert result.verdict == "transactional"
    for flag in result.flags:
        assert text[flag.start : flag.end] == flag.text


def test_the_bulk_feature_matrix_equals_one_row_at_a_time() -> None:
    texts = ["Could you refer me? [Name]", "Thanks for the soup, see you Sunday!", ""]
    relations: list[Relation] = ["stranger", "tie", "unknown"]
    readings = [read(text) for text in texts]
    bulk = feature_matrix(readings, relations)
    one_by_one = np.array(
        [
            feature_row(reading, relation)
            for reading, relation in zip(readings, relations, strict=True)
        ]
    )
    assert np.array_equal(bulk, one_by_one)
