"""Test ranking people for a shared text by standing, with honest confidence labels."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from amity.domain import embeddings, relevance
from amity.domain.embeddings import LexicalEncoder, TextEncoder, normalize_rows
from amity.domain.matching import ProfileFacts, facet_texts
from amity.domain.relevance import (
    LONG_SHOT,
    MAYBE,
    STRONG,
    FacetIndex,
    FacetVectors,
    chance_peak,
    rank_for_share,
    score_people,
    tuning_for,
)

needs_model = pytest.mark.skipif(
    not embeddings.model_available(), reason="the text model packages are not installed"
)

PEOPLE = [
    ProfileFacts(
        1,
        "Ada Oncologist",
        title="Physician",
        company="St Mary's",
        field="Healthcare",
        interests=("oncology", "hospital care"),
    ),
    ProfileFacts(
        2, "Bea Sailor", title="Boat builder", field="Marine", interests=("wooden boats",)
    ),
    ProfileFacts(
        3,
        "Cy Coder",
        title="Software engineer",
        field="Software",
        interests=("compilers", "programming languages"),
    ),
    ProfileFacts(4, "Dot Beekeeper", title="Beekeeper", notes="Keeps forty hives."),
    ProfileFacts(5, "Eve Sommelier", title="Sommelier", interests=("champagne",)),
]

TUNING = relevance.MODEL_TUNING


def _facets(encoder: TextEncoder, people: list[ProfileFacts]) -> dict[str, FacetVectors]:
    texts = [facet_texts(p) for p in people]
    found = {}
    for facet in relevance.SHARE_FACETS:
        keep = [i for i, t in enumerate(texts) if t[facet]]
        ids = np.asarray([people[i].person_id for i in keep], dtype=np.int64)
        found[facet] = FacetVectors(ids, encoder.encode([texts[i][facet] for i in keep]))
    return found


def _noise(rng: np.random.Generator, rows: int, dim: int = 64) -> np.ndarray:
    return normalize_rows(rng.normal(size=(rows, dim)).astype(np.float32))


def _crowd(people: int = 300, seed: int = 3) -> tuple[dict[str, FacetVectors], np.ndarray]:
    """Return two facets of random people (ids 1..n), and a generator's next state."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, people + 1, dtype=np.int64)
    facets = {
        "title": FacetVectors(ids, _noise(rng, people)),
        "interests": FacetVectors(ids, _noise(rng, people)),
    }
    return facets, _noise(rng, 1)[0]


def test_it_ranks_by_standing_above_the_network_not_by_raw_cosine() -> None:
    ids = np.arange(1, 41, dtype=np.int64)
    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    # Every title sits at cosine ~0.6 (person 1 a hair higher); interests sit near 0.05
    # and person 2's is at 0.35: far less close in raw terms, far more unusual.
    spread = np.linspace(-0.01, 0.01, 40)
    titles = np.stack([0.6 + spread, np.full(40, 0.8), np.zeros(40)], axis=1)
    titles[0, 0] = 0.625
    interests = np.stack([0.05 + spread, np.full(40, 0.99), np.zeros(40)], axis=1)
    interests[1, 0] = 0.35
    facets = {
        "title": FacetVectors(ids, normalize_rows(titles)),
        "interests": FacetVectors(ids, normalize_rows(interests)),
    }
    ranking = rank_for_share(query, FacetIndex.build(facets), TUNING, limit=3)
    assert ranking.people[0].person_id == 2
    assert ranking.people[0].facet == "interests"
    assert ranking.people[0].cosine < 0.4


def test_it_labels_a_clear_standout_strong_and_leaves_out_the_crowd() -> None:
    facets, _ = _crowd()
    query = facets["interests"].matrix[41]
    ranking = rank_for_share(query, FacetIndex.build(facets), TUNING, limit=5)
    assert ranking.stands_out
    assert ranking.people[0].person_id == 42
    assert ranking.people[0].confidence == STRONG
    assert all(p.confidence in {STRONG, MAYBE} for p in ranking.people)
    assert len(ranking.people) < 5


def test_it_says_nobody_stands_out_yet_still_shows_the_closest_few() -> None:
    facets, _ = _crowd()
    # A text in a direction no profile leans towards: everyone is equally far.
    for name, found in facets.items():
        padded = np.hstack([found.matrix, np.zeros((found.ids.size, 1), np.float32)])
        padded[:, 0] += 1.0
        facets[name] = FacetVectors(found.ids, normalize_rows(padded))
    query = np.zeros(65, dtype=np.float32)
    query[0], query[64] = 0.3, 0.95
    ranking = rank_for_share(query, FacetIndex.build(facets), TUNING, limit=5)
    assert not ranking.stands_out
    assert len(ranking.people) == TUNING.long_shots
    assert {p.confidence for p in ranking.people} == {LONG_SHOT}
    scores = [p.score for p in ranking.people]
    assert scores == sorted(scores, reverse=True)


def test_one_matching_facet_is_enough_and_a_missing_one_costs_nothing() -> None:
    facets, _ = _crowd()
    # Person 7 has no interests at all; their title is exactly the text.
    keep = facets["interests"].ids != 7
    facets["interests"] = FacetVectors(
        facets["interests"].ids[keep], facets["interests"].matrix[keep]
    )
    ranking = rank_for_share(facets["title"].matrix[6], FacetIndex.build(facets), TUNING, limit=3)
    assert ranking.people[0].person_id == 7
    assert ranking.people[0].facet == "title"
    assert ranking.people[0].confidence == STRONG


def test_the_soft_maximum_lies_between_the_mean_and_the_maximum() -> None:
    z = np.array([[3.0, 1.0, -np.inf], [-np.inf, -np.inf, -np.inf]], dtype=np.float32)
    assert relevance.soft_maximum(z, 0.0)[0] == 3.0
    soft = float(relevance.soft_maximum(z, 1.0)[0])
    assert 2.0 < soft < 3.0
    assert relevance.soft_maximum(z, 1.0)[1] == -np.inf


def test_the_same_standing_means_less_in_a_bigger_network() -> None:
    assert chance_peak(70 * 7) == pytest.approx(3.52, abs=0.01)
    assert chance_peak(100_000 * 7) > 5.1
    small, large = chance_peak(490), chance_peak(700_000)
    assert relevance.label(5.6, TUNING, small) == STRONG
    assert relevance.label(5.6, TUNING, large) == LONG_SHOT


def test_a_small_network_leans_on_the_prior_and_stays_calm() -> None:
    # Three people with nearly equal cosines: no z-score blows up on a tiny spread.
    ids = np.array([1, 2, 3], dtype=np.int64)
    rows = normalize_rows(np.array([[0.30, 1.0], [0.31, 1.0], [0.32, 1.0]], dtype=np.float32))
    scored = score_people(
        np.array([1.0, 0.0], np.float32),
        FacetIndex.build({"title": FacetVectors(ids, rows)}),
        TUNING,
    )
    assert float(np.max(np.abs(scored.score))) < 3.0


def test_the_fallback_shows_nobody_when_no_word_is_shared() -> None:
    texts = [facet_texts(p)["profile"] for p in PEOPLE]
    encoder = LexicalEncoder.fit(texts)
    facets = FacetIndex.build(_facets(encoder, PEOPLE))
    tuning = tuning_for(encoder.name)
    nothing = rank_for_share(
        encoder.encode(["Immunotherapy shrinks tumours"])[0], facets, tuning, limit=3
    )
    assert nothing.people == [] and not nothing.stands_out
    boats = rank_for_share(encoder.encode(["Restoring wooden boats"])[0], facets, tuning, limit=3)
    assert [p.person_id for p in boats.people] == [2]
    assert boats.stands_out


def test_it_ranks_nobody_without_facets() -> None:
    ranking = rank_for_share(np.ones(4, np.float32), FacetIndex.build({}), TUNING, limit=3)
    assert ranking.people == [] and not ranking.stands_out
    tuning = dataclasses.replace(TUNING, facets=("title",))
    assert score_people(np.ones(4, np.float32), FacetIndex.build({}), tuning).compared == 0


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New immunotherapy trial shrinks tumours in late-stage patients", 1),
        ("Tips for crossing the Atlantic in a small yacht", 2),
        ("Why Rust's borrow checker makes code safer", 3),
        ("First Asian giant hornet found in Washington state trap", 4),
        ("Heatwave means a vintage year for champagne", 5),
    ],
)
def test_the_model_finds_the_friend_a_text_is_for_without_shared_words(
    text: str, expected: int
) -> None:
    model = embeddings.load_model()
    facets = _facets(model, PEOPLE)
    ranking = rank_for_share(
        model.encode([text])[0], FacetIndex.build(facets), tuning_for(model.name), limit=3
    )
    assert ranking.people, "never an empty answer with the model"
    assert ranking.people[0].person_id == expected


def test_a_need_is_met_by_what_someone_does_not_only_by_what_they_offer() -> None:
    facets, _ = _crowd()
    # Person 1 needs what person 9's title says they do; nobody offers it.
    need = facets["title"].matrix[8] * 0.9 + facets["interests"].matrix[0] * 0.1
    seeks = FacetVectors(np.array([1], np.int64), normalize_rows(need[None, :]))
    helpers = FacetIndex.build({"title": facets["title"]})
    found = relevance.helpers_for_needs(seeks, helpers, TUNING, sample=200)
    assert [(m.seeker, m.helper, m.facet) for m in found] == [(1, 9, "title")]
    assert found[0].standing > chance_peak(300)


def test_nobody_meets_a_need_unlike_everyone_and_nobody_meets_their_own() -> None:
    facets, query = _crowd()
    # A need that is person 5's own title: they may not be their own helper.
    seeks = FacetVectors(np.array([5, 6], np.int64), np.stack([facets["title"].matrix[4], query]))
    helpers = FacetIndex.build({"title": facets["title"]})
    found = relevance.helpers_for_needs(seeks, helpers, TUNING)
    assert all(m.seeker != m.helper for m in found)
    assert not any(m.seeker == 6 for m in found)


def test_a_text_that_speaks_to_two_facets_outranks_one_that_speaks_to_one() -> None:
    facets, query = _crowd(people=200, seed=11)
    title, interests = facets["title"].matrix, facets["interests"].matrix
    # Person 1's title alone is close; person 2's title a little less, but their
    # interests too. The plain best facet prefers 1, support prefers 2.
    title[0] = normalize_rows((0.62 * query + title[0])[None, :])[0]
    title[1] = normalize_rows((0.55 * query + title[1])[None, :])[0]
    interests[1] = normalize_rows((0.55 * query + interests[1])[None, :])[0]
    index = FacetIndex.build(facets)
    plain = dataclasses.replace(TUNING, support=0.0)
    assert rank_for_share(query, index, plain, limit=2).people[0].person_id == 1
    assert rank_for_share(query, index, TUNING, limit=2).people[0].person_id == 2
    z = np.array([[3.0, 1.0, -0.5, -np.inf]], dtype=np.float32)
    assert relevance.pool(z, TUNING)[0] == pytest.approx(3.0 + TUNING.support * 1.0)


def _clustered(people: int, seed: int) -> tuple[dict[str, FacetVectors], np.ndarray]:
    """Return facets of people drawn around 40 topics (as real profiles cluster), and texts."""
    rng = np.random.default_rng(seed)
    # More dimensions than the sketch keeps, so its first pass is only approximate.
    topics = _noise(rng, 40, dim=384)
    facets = {}
    for name, share in (("title", 1.0), ("interests", 0.9), ("notes", 0.4), ("seeks", 0.2)):
        ids = np.flatnonzero(rng.random(people) < share).astype(np.int64) + 1
        mix = topics[rng.integers(0, 40, ids.size)] + 0.9 * _noise(rng, ids.size, 384)
        facets[name] = FacetVectors(ids, normalize_rows(mix))
    texts = normalize_rows(topics[rng.integers(0, 40, 12)] + 0.8 * _noise(rng, 12, 384))
    return facets, texts


def test_a_large_network_is_shortlisted_and_ranked_exactly_as_the_reference() -> None:
    facets, texts = _clustered(people=8_000, seed=5)
    index = FacetIndex.build(facets)
    vectors = sum(f.ids.size for f in facets.values())
    assert vectors >= relevance.SHORTLIST_FROM  # so rank_for_share takes the shortlist
    names = tuple(name for name in TUNING.facets if name in facets)
    # The first two texts are ranked by the exact scan; the second starts the sketch.
    assert index.sketch_if_ready(names) is None and not index.building
    assert index.sketch_if_ready(names) is None and index.building
    index.sketch(names)  # waits for it, as a server's later texts would not need to
    for text in texts:
        exact = score_people(text, index, TUNING)
        order = np.lexsort((exact.ids, -exact.score))[:5]
        shown = rank_for_share(text, index, dataclasses.replace(TUNING, strong=-99), limit=5)
        assert [p.person_id for p in shown.people] == [int(exact.ids[i]) for i in order]
        expected = [float(exact.score[i]) for i in order]
        assert [p.score for p in shown.people] == pytest.approx(expected, abs=2e-3)
    assert index.sketch_if_ready(names) is not None, "the first pass ran on a sketch"
    # The moments give each facet's exact mean and spread without reading its rows.
    sketch = index.sketch(("title",))
    cosines = facets["title"].matrix @ texts[0]
    total, squares = sketch.moments["title"].totals(texts[0])
    assert total == pytest.approx(float(cosines.sum()), rel=1e-4)
    assert squares == pytest.approx(float((cosines.astype(np.float64) ** 2).sum()), rel=1e-4)


def test_after_one_facet_changes_only_that_facet_is_measured_again() -> None:
    facets, texts = _clustered(people=3_000, seed=8)
    first = FacetIndex.build(facets).sketch(("title", "interests"))
    # As after editing someone's interests: a new interests matrix, the same titles.
    rng = np.random.default_rng(2)
    changed = dict(facets)
    changed["interests"] = FacetVectors(
        facets["interests"].ids, _noise(rng, facets["interests"].ids.size, 384)
    )
    index = FacetIndex.build(changed)
    second = index.sketch(("title", "interests"))
    assert second.reduced["title"] is first.reduced["title"]
    assert second.reduced["interests"] is not first.reduced["interests"]
    assert np.allclose(second.reduced["interests"], changed["interests"].matrix @ first.basis)
    cosines = changed["interests"].matrix @ texts[0]
    assert second.moments["interests"].totals(texts[0])[0] == pytest.approx(
        float(cosines.sum()), rel=1e-4
    )
