"""Test the profile texts and the embedding cache: incremental, resumable, per owner."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from amity.domain.embeddings import LexicalEncoder, Matrix
from amity.network import profiles
from amity.network.models import ProfileEmbedding
from amity.people.services import update_person
from amity.people.timeline import log_interaction


class CountingEncoder:
    """A cacheable encoder that records which texts it was asked to embed."""

    name = "counting-test"
    dim = 16
    cacheable = True

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._inner = LexicalEncoder(dim=16)

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.seen.extend(texts)
        return self._inner.encode(texts)


def test_it_reads_profiles_with_recent_summaries_and_asks(user: Any, network: dict) -> None:
    doctor = network["doctor"]
    log_interaction(owner=user, people=[doctor], summary="Coffee at the Barbican")
    log_interaction(
        owner=user,
        people=[doctor],
        direction="inbound",
        intent="withdrawal",
        subtype="advice_request",
        summary="Asked for a data scientist for her trial",
    )
    log_interaction(
        owner=user,
        people=[doctor],
        direction="inbound",
        intent="withdrawal",
        subtype="pitch",
        summary="Pitched her new clinic app",
        occurred_at=timezone.now() - dt.timedelta(days=1),
    )
    facts = next(iter(profiles.facts_for(owner=user, person_ids=[doctor.pk])))
    assert facts.recent[:2] == (
        "Asked for a data scientist for her trial",
        "Coffee at the Barbican",
    )
    # a pitch is them offering something, not a need
    assert facts.asks == ("Asked for a data scientist for her trial",)
    texts = profiles.facet_texts(facts)
    assert "oncology" in texts["profile"] and "Barbican" not in texts["profile"]
    assert "Coffee at the Barbican" in texts["recent"]
    assert texts["seeks"] == "Asked for a data scientist for her trial"
    assert texts["offers"] == ""


def facet_rows(user: Any) -> int:
    """Return how many facets of the user's people have text (the profile always counts)."""
    return sum(
        1
        for facts in profiles.facts_for(owner=user)
        for facet, text in profiles.facet_texts(facts).items()
        if text or facet == "profile"
    )


def test_it_never_embeds_an_unchanged_profile_twice(user: Any, network: dict) -> None:
    encoder = CountingEncoder()
    rows = facet_rows(user)
    # five profiles and titles, one "looking for", one "can offer", interests, notes
    assert rows > 12
    first = profiles.sync_embeddings(owner=user, encoder=encoder)
    assert first.people == 5
    assert first.embedded == rows
    assert len(encoder.seen) == rows
    assert ProfileEmbedding.objects.filter(owner=user, facet="title").count() == 5
    again = profiles.sync_embeddings(owner=user, encoder=encoder)
    assert (again.embedded, again.unchanged) == (0, rows)
    assert len(encoder.seen) == rows
    update_person(person=network["sailor"], interests=["sailing", "regattas"])
    third = profiles.sync_embeddings(owner=user, encoder=encoder)
    # the whole profile and the interests changed; title and notes did not
    assert third.embedded == 2
    assert "regattas" in encoder.seen[-1] and "regattas" in encoder.seen[-2]


def test_it_drops_a_facet_whose_text_was_cleared(user: Any, network: dict) -> None:
    encoder = CountingEncoder()
    profiles.sync_embeddings(owner=user, encoder=encoder)
    update_person(person=network["investor"], can_offer="")
    result = profiles.sync_embeddings(owner=user, encoder=encoder)
    assert result.removed == 1
    assert not ProfileEmbedding.objects.filter(person=network["investor"], facet="offers").exists()


def test_it_resumes_an_interrupted_run_without_redoing_batches(user: Any, network: dict) -> None:
    encoder = CountingEncoder()
    calls = {"n": 0}

    def stop_after_first_batch(done: int, total: int, embedded: int) -> None:
        calls["n"] += 1
        if embedded:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        profiles.sync_embeddings(
            owner=user, encoder=encoder, batch=2, progress=stop_after_first_batch
        )
    saved = ProfileEmbedding.objects.filter(owner=user).count()
    rows = facet_rows(user)
    assert 0 < saved < rows
    rest = profiles.sync_embeddings(owner=user, encoder=encoder, batch=2)
    assert rest.embedded == rows - saved
    assert len(encoder.seen) == rows


def test_it_flags_people_changed_since_they_were_embedded(user: Any, network: dict) -> None:
    encoder = CountingEncoder()
    assert len(profiles.stale_people(owner=user, model_name=encoder.name)) == 5
    profiles.sync_embeddings(owner=user, encoder=encoder)
    assert profiles.stale_people(owner=user, model_name=encoder.name) == []
    log_interaction(owner=user, people=[network["doctor"]], summary="Lunch")
    assert profiles.stale_people(owner=user, model_name=encoder.name) == [network["doctor"].pk]


def test_it_loads_a_facet_matrix_from_the_cache_file(user: Any, network: dict) -> None:
    encoder = CountingEncoder()
    profiles.sync_embeddings(owner=user, encoder=encoder)
    loaded = profiles.load_facet(owner=user, model_name=encoder.name, facet="profile")
    assert loaded.matrix.shape == (5, 16)
    assert sorted(loaded.ids.tolist()) == sorted(p.pk for p in network.values())
    profiles.forget_cached_matrices()
    again = profiles.load_facet(owner=user, model_name=encoder.name, facet="profile")
    assert np.array_equal(again.matrix, loaded.matrix)
    offers = profiles.load_facet(owner=user, model_name=encoder.name, facet="offers")
    assert offers.ids.tolist() == [network["investor"].pk]


def test_it_keeps_each_owners_vectors_apart(
    user: Any, other_user: Any, network: dict, make_person: Any
) -> None:
    make_person("Zed Other", owner=other_user, interests=["sailing"])
    encoder = CountingEncoder()
    profiles.sync_embeddings(owner=user, encoder=encoder)
    assert ProfileEmbedding.objects.filter(owner=other_user).count() == 0
    mine = profiles.load_facet(owner=user, model_name=encoder.name, facet="profile")
    theirs = profiles.load_facet(owner=other_user, model_name=encoder.name, facet="profile")
    assert len(mine.ids) == 5 and len(theirs.ids) == 0


def test_an_upgrade_makes_everyone_stale_once_so_new_facets_get_embedded(
    user: Any, network: dict
) -> None:
    # Vectors as the code before issue 19 left them: whole profile, needs and offers only.
    encoder = CountingEncoder()
    profiles.sync_embeddings(owner=user, encoder=encoder)
    ProfileEmbedding.objects.exclude(facet__in=["profile", "seeks", "offers"]).delete()
    assert profiles.stale_people(owner=user, model_name=encoder.name) == []
    migration = importlib.import_module("amity.network.migrations.0004_embed_new_facets")
    migration.backdate(django_apps, None)
    assert len(profiles.stale_people(owner=user, model_name=encoder.name)) == 5
    again = profiles.sync_embeddings(owner=user, encoder=encoder)
    assert again.embedded == facet_rows(user) - 7
    assert ProfileEmbedding.objects.filter(owner=user, facet="title").count() == 5
    assert profiles.stale_people(owner=user, model_name=encoder.name) == []
