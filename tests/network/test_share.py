"""Test "this made me think of you": who cares, why, the draft, logging, reading list."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from amity.domain import relevance
from amity.domain.relevance import LONG_SHOT, MAYBE, STRONG
from amity.network import optin, services
from amity.network.models import ReadingItem
from amity.network.serializers import share_json
from amity.people.models import Interaction
from amity.people.services import ValidationError

CANCER = "New immunotherapy trial shrinks tumours in late-stage patients"


def test_it_finds_the_doctor_for_a_cancer_article_with_the_model(
    model: None, user: Any, network: dict
) -> None:
    result = services.share(owner=user, text=CANCER, limit=3)
    assert result.kind == "model"
    assert "all-MiniLM-L6-v2" in result.text_model
    assert result.matches[0].person == network["doctor"]
    top = result.matches[0]
    assert top.reasons[0].quote == "oncology"
    assert top.draft == (
        f"Hi Ada, saw this and thought of your work on oncology: “{CANCER}”. No need to reply."
    )
    assert network["sailor"] not in [m.person for m in result.matches]


def test_it_finds_the_sailor_for_a_yachting_link_with_the_model(
    model: None, user: Any, network: dict
) -> None:
    text = "https://example.org/atlantic Crossing the Atlantic in a small yacht"
    result = services.share(owner=user, text=text, limit=1)
    assert [m.person for m in result.matches] == [network["sailor"]]
    assert result.matches[0].draft.endswith(": https://example.org/atlantic. No need to reply.")


def test_it_labels_a_clear_match_and_says_someone_stands_out(
    model: None, user: Any, network: dict
) -> None:
    result = services.share(owner=user, text=CANCER, limit=5)
    assert result.stands_out
    assert result.matches[0].confidence in {STRONG, MAYBE}
    assert all(m.confidence != LONG_SHOT for m in result.matches)
    data = share_json(result)
    assert data["stands_out"] is True
    assert data["matches"][0]["confidence"] == result.matches[0].confidence


def test_it_shows_long_shots_when_nobody_stands_out_and_says_so(
    model: None, user: Any, make_person: Any
) -> None:
    # Ten people with one title each, none nearer a lasagne recipe than the others.
    for i, title in enumerate(
        ("Accountant", "Auditor", "Bookkeeper", "Tax adviser", "Payroll clerk")
        + ("Actuary", "Loan officer", "Treasurer", "Controller", "Credit analyst")
    ):
        make_person(f"Person {i}", title=title, field="Finance")
    result = services.share(owner=user, text="Tonight: a quick weeknight lasagne", limit=5)
    assert not result.stands_out
    assert result.matches, "never an empty answer when the model can rank people"
    assert {m.confidence for m in result.matches} == {LONG_SHOT}
    assert len(result.matches) == relevance.MODEL_TUNING.long_shots
    assert all(m.reasons for m in result.matches), "the closest piece is always quoted"
    # A weak quote is shown but not claimed in the note.
    assert all("thought of you:" in m.draft for m in result.matches)


def test_the_fallback_finds_people_by_words_and_says_so(
    tfidf: None, user: Any, network: dict
) -> None:
    result = services.share(owner=user, text="A guide to restoring wooden boats", limit=3)
    assert result.kind == "tfidf"
    assert "lexical fallback" in result.text_model
    assert [m.person for m in result.matches] == [network["sailor"]]
    assert result.matches[0].reasons[0].quote == "wooden boats"


def test_the_fallback_finds_nobody_for_synonyms_only(tfidf: None, user: Any, network: dict) -> None:
    result = services.share(owner=user, text="Immunotherapy shrinks tumours")
    assert result.matches == [] and not result.stands_out


def test_it_refuses_empty_text(tfidf: None, user: Any) -> None:
    with pytest.raises(ValidationError):
        services.share(owner=user, text="   ")


def test_it_logs_a_shared_content_deposit_and_saves_the_reading_item(
    tfidf: None, user: Any, network: dict
) -> None:
    sailor = network["sailor"]
    result = services.share(
        owner=user, text="A guide to restoring wooden boats", log_person=sailor, save=True
    )
    logged = result.logged
    assert logged is not None
    assert (logged.intent, logged.subtype, logged.direction) == (
        "deposit",
        "shared_content",
        "outbound",
    )
    assert list(logged.people.all()) == [sailor]
    assert logged.content.startswith("Hi Bea, saw this and thought of your work on wooden boats")
    item = result.reading_item
    assert item is not None and item.title == "A guide to restoring wooden boats"
    assert list(item.shared_with.all()) == [sailor]


def test_it_will_not_log_for_another_users_person(
    tfidf: None, user: Any, other_user: Any, make_person: Any, network: dict
) -> None:
    stranger = make_person("Zed", owner=other_user, interests=["boats"])
    with pytest.raises(ValidationError):
        services.share(owner=user, text="boats", log_person=stranger)
    assert Interaction.objects.count() == 0


def test_it_never_shows_another_users_people(
    tfidf: None, user: Any, other_user: Any, make_person: Any, network: dict
) -> None:
    make_person("Zed Sailor", owner=other_user, interests=["wooden boats", "sailing"])
    result = services.share(owner=other_user, text="restoring wooden boats")
    assert [m.person.full_name for m in result.matches] == ["Zed Sailor"]
    mine = services.share(owner=user, text="restoring wooden boats")
    assert "Zed Sailor" not in [m.person.full_name for m in mine.matches]


@pytest.mark.parametrize("backend", ["tfidf", "model"])
def test_saved_reading_resurfaces_for_matching_people_until_shared(
    backend: str, request: pytest.FixtureRequest, user: Any, network: dict
) -> None:
    request.getfixturevalue(backend)
    item = services.save_reading(
        owner=user, text="https://example.org/boats Restoring wooden boats: a sailing guide"
    )
    assert item.url == "https://example.org/boats"
    again = services.save_reading(owner=user, text="https://example.org/boats again")
    assert again.pk == item.pk
    ids = [p.pk for p in network.values()]
    found = services.reading_suggestions(owner=user, person_ids=ids)
    assert found == {network["sailor"].pk: item}
    services.log_share(owner=user, person=network["sailor"], subject=item.url, reading_item=item)
    assert services.reading_suggestions(owner=user, person_ids=ids) == {}


def test_archived_reading_no_longer_resurfaces(tfidf: None, user: Any, network: dict) -> None:
    item = services.save_reading(owner=user, text="Restoring wooden boats")
    services.archive_reading(item=item)
    assert services.reading_suggestions(owner=user, person_ids=[network["sailor"].pk]) == {}
    assert ReadingItem.objects.get(pk=item.pk).archived


def test_it_gathers_what_today_should_add(tfidf: None, user: Any, network: dict) -> None:

    item = services.save_reading(owner=user, text="Restoring wooden boats")
    intro = optin.propose_introduction(owner=user, a=network["founder"], b=network["investor"])
    services.add_referrals(owner=user, referrer=network["doctor"], people=[network["engineer"]])
    actions = services.network_actions(owner=user, person_ids=[network["sailor"].pk])
    assert [(r["person_id"], r["item_id"]) for r in actions["reading"]] == [
        (network["sailor"].pk, item.pk)
    ]
    assert [i["introduction_id"] for i in actions["introductions"]] == [intro.pk]
    assert [r["action"] for r in actions["referrals"]] == ["research"]


def test_the_service_ranks_exactly_as_the_pure_ranking_on_fresh_vectors(
    model: None, user: Any, network: dict
) -> None:
    # What the evaluation measures (training/share_eval.py) is what Share does: the same
    # facet texts, embedded directly, ranked by the same function, give the same people.
    from amity.domain import embeddings
    from amity.domain.relevance import FacetIndex, FacetVectors, rank_for_share, tuning_for
    from amity.network import profiles

    model_encoder = embeddings.load_model()
    people = list(profiles.facts_for(owner=user))
    texts = [profiles.facet_texts(p) for p in people]
    vectors = {}
    for facet in relevance.SHARE_FACETS:
        keep = [i for i, t in enumerate(texts) if t[facet]]
        ids = np.asarray([people[i].person_id for i in keep], dtype=np.int64)
        vectors[facet] = FacetVectors(ids, model_encoder.encode([texts[i][facet] for i in keep]))
    index = FacetIndex.build(vectors)
    for text in (CANCER, "Crossing the Atlantic in a small yacht", "Raising a seed round"):
        expected = rank_for_share(
            model_encoder.encode([text])[0], index, tuning_for(model_encoder.name), limit=5
        )
        result = services.share(owner=user, text=text, limit=5)
        assert [(m.person.pk, m.confidence) for m in result.matches] == [
            (s.person_id, s.confidence) for s in expected.people
        ]
        assert result.stands_out == expected.stands_out


def test_before_the_facets_are_embedded_it_ranks_by_the_whole_profile(
    model: None, user: Any, network: dict
) -> None:
    from amity.network import profiles
    from amity.network.models import ProfileEmbedding

    services.share(owner=user, text=CANCER)  # embeds every facet inline
    # As an upgraded network looks until `amity embed` runs: whole profiles only.
    ProfileEmbedding.objects.exclude(facet__in=["profile", "seeks", "offers"]).delete()
    profiles.forget_cached_matrices()
    result = services.share(owner=user, text=CANCER, limit=3)
    assert result.matches and result.matches[0].person == network["doctor"]
    assert result.matches[0].reasons[0].quote == "oncology"
