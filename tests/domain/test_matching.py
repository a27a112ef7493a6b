"""Test matching text to people and people to people, with the model and without."""

from __future__ import annotations

import numpy as np
import pytest

from amity.domain import embeddings
from amity.domain.embeddings import LexicalEncoder, TextEncoder
from amity.domain.matching import (
    ProfileFacts,
    Reason,
    content_subject,
    facet_texts,
    floors_for,
    offers_text,
    pick_reasons,
    profile_text,
    seeks_text,
    share_draft,
    snippets,
    title_text,
)
from amity.domain.pairing import (
    IntroVectors,
    complementary_roles,
    diversify,
    explain_interests,
    introduction_candidates,
    roles_of,
    same_city,
)

needs_model = pytest.mark.skipif(
    not embeddings.model_available(), reason="the text model packages are not installed"
)

PEOPLE = [
    ProfileFacts(
        1,
        "Ada Oncologist",
        "Ada",
        title="Physician",
        company="St Mary's",
        field="Healthcare",
        interests=("oncology", "hospital care"),
    ),
    ProfileFacts(
        2,
        "Bea Sailor",
        "Bea",
        title="Boat builder",
        field="Marine",
        interests=("sailing", "wooden boats"),
    ),
    ProfileFacts(
        3,
        "Cy Coder",
        "Cy",
        title="Software engineer",
        field="Software",
        interests=("compilers", "programming languages"),
    ),
]


def test_it_builds_profile_and_facet_texts() -> None:
    facts = ProfileFacts(
        9,
        "Dee",
        title="CTO",
        company="Acme",
        field="Software",
        interests=("rowing",),
        notes="Loves **jazz**. See [her blog](https://x.example).",
        looking_for="a designer",
        can_offer="intros to investors",
        asks=("advice on hiring",),
        recent=("Coffee in Leeds",),
    )
    text = profile_text(facts)
    assert text.startswith("CTO at Acme. Field: Software. Interests: rowing")
    assert "Loves jazz" in text and "her blog" in text and "https" not in text
    assert seeks_text(facts) == "a designer; advice on hiring"
    assert offers_text(facts) == "intros to investors"
    facets = facet_texts(facts)
    assert facets["title"] == "I work as a CTO at Acme, in software."
    assert title_text(ProfileFacts(2, "Eve", title="Engineer")) == "I work as an Engineer."
    assert title_text(ProfileFacts(3, "Fay", company="Acme")) == "I work at Acme."
    assert title_text(ProfileFacts(4, "Gus", field="Law")) == "I work in law."
    assert title_text(ProfileFacts(5, "Hal")) == ""
    assert facets["interests"] == "rowing"
    assert facets["notes"].startswith("Loves jazz") and "https" not in facets["notes"]
    assert facets["recent"] == "Coffee in Leeds"
    assert facets["seeks"] == seeks_text(facts) and facets["profile"] == text
    assert facet_texts(ProfileFacts(1, "Nobody"))["interests"] == ""
    kinds = [s.kind for s in snippets(facts)]
    assert kinds[:4] == ["interest", "looking_for", "can_offer", "title"]
    assert "note" in kinds and "recent" in kinds


def test_it_drafts_a_no_ask_note_that_names_the_matched_interest() -> None:
    draft = share_draft(
        PEOPLE[0], [Reason("interest", "Oncology research", 0.5)], "https://example.org/a"
    )
    assert draft == (
        "Hi Ada, saw this and thought of your work on oncology research: "
        "https://example.org/a. No need to reply."
    )
    plain = share_draft(PEOPLE[0], [], "“A title”")
    assert plain == "Hi Ada, saw this and thought of you: “A title”. No need to reply."


def test_it_quotes_the_closest_piece_even_below_the_floor_when_asked() -> None:
    pieces = snippets(PEOPLE[1])
    vectors = np.eye(len(pieces), 4, dtype=np.float32)
    query = np.array([0.2, 0.1, 0.0, 0.0], dtype=np.float32)
    assert pick_reasons(query, pieces, vectors, floor=0.5) == []
    quoted = pick_reasons(query, pieces, vectors, floor=0.5, quote_best=True)
    assert [(r.quote, r.score) for r in quoted] == [(pieces[0].text, 0.2)]


def test_it_calls_content_by_its_url_or_first_line() -> None:
    assert content_subject("Read this https://ex.org/x). Great") == "https://ex.org/x"
    assert content_subject("\n  The future of rowing\nbody") == "“The future of rowing”"
    assert content_subject("") == "this"


def test_it_recognises_complementary_roles_and_cities() -> None:
    assert roles_of("Co-founder & CEO") == frozenset({"founder"})
    assert complementary_roles("Founder", "Partner at Seed Capital") == "a founder and an investor"
    assert complementary_roles("Engineer", "Engineer") == ""
    a = ProfileFacts(1, "A", location="London, UK")
    b = ProfileFacts(2, "B", location="london")
    assert same_city(a, b) == "London"
    assert same_city(a, ProfileFacts(3, "C", location="Paris")) == ""


SEEKER = ProfileFacts(
    10,
    "Sam Seeker",
    "Sam",
    title="Founder",
    field="Retail",
    location="Leeds",
    looking_for="someone who can help me raise a seed round",
)
OFFERER = ProfileFacts(
    11,
    "Olu Offerer",
    "Olu",
    title="Angel investor",
    field="Finance",
    location="Leeds, UK",
    can_offer="early-stage startup funding and fundraising advice",
)
BYSTANDER = ProfileFacts(
    12, "Bo Baker", "Bo", title="Baker", field="Food", can_offer="sourdough baking lessons"
)
PAIR_PEOPLE = [SEEKER, OFFERER, BYSTANDER]


def _vectors(encoder: TextEncoder) -> IntroVectors:
    profiles = encoder.encode([profile_text(p) for p in PAIR_PEOPLE])
    return IntroVectors(
        profile_rows=[0, 1, 2],
        profile=profiles,
        seek_rows=[0],
        seeks=encoder.encode([seeks_text(SEEKER)]),
        offer_rows=[1, 2],
        offers=encoder.encode([offers_text(OFFERER), offers_text(BYSTANDER)]),
    )


@needs_model
def test_it_pairs_a_need_with_an_offer_in_other_words() -> None:
    model = embeddings.load_model()
    found = introduction_candidates(
        PAIR_PEOPLE, _vectors(model), known=set(), floors=floors_for(model.name)
    )
    best = found[0]
    assert {best.a, best.b} == {0, 1}
    kinds = [r.kind for r in best.reasons]
    assert kinds[0] == "need" and "roles" in kinds and "city" in kinds
    assert "Sam Seeker is looking for “someone who can help me raise a seed round”" in (
        best.reasons[0].text
    )
    assert all({c.a, c.b} != {0, 2} or "need" not in [r.kind for r in c.reasons] for c in found)


@needs_model
def test_it_never_pairs_people_who_already_know_each_other() -> None:
    model = embeddings.load_model()
    found = introduction_candidates(
        PAIR_PEOPLE, _vectors(model), known={(10, 11)}, floors=floors_for(model.name)
    )
    assert all({c.a, c.b} != {0, 1} for c in found)


def test_the_fallback_pairs_a_need_with_an_offer_sharing_words() -> None:
    seeker = ProfileFacts(1, "S", field="Retail", looking_for="advice on fundraising")
    offerer = ProfileFacts(2, "O", field="Finance", can_offer="fundraising advice for founders")
    people = [seeker, offerer]
    encoder = LexicalEncoder.fit([profile_text(p) for p in people] + [seeks_text(seeker)])
    vectors = IntroVectors(
        profile_rows=[0, 1],
        profile=encoder.encode([profile_text(p) for p in people]),
        seek_rows=[0],
        seeks=encoder.encode([seeks_text(seeker)]),
        offer_rows=[1],
        offers=encoder.encode([offers_text(offerer)]),
    )
    found = introduction_candidates(people, vectors, known=set(), floors=floors_for(encoder.name))
    assert [(c.a, c.b) for c in found] == [(0, 1)]


def _interest_pair(field_b: str) -> tuple[list[ProfileFacts], IntroVectors, TextEncoder]:
    a = ProfileFacts(1, "Ann", field="Law", interests=("beekeeping", "chess"))
    b = ProfileFacts(2, "Ben", field=field_b, interests=("beekeeping", "opera"))
    people = [a, b]
    encoder = LexicalEncoder.fit([profile_text(p) for p in people])
    vectors = IntroVectors(
        profile_rows=[0, 1],
        profile=encoder.encode([profile_text(p) for p in people]),
        seek_rows=[],
        seeks=np.zeros((0, encoder.dim), np.float32),
        offer_rows=[],
        offers=np.zeros((0, encoder.dim), np.float32),
    )
    return people, vectors, encoder


def test_it_suggests_shared_interests_only_across_different_fields() -> None:
    people, vectors, encoder = _interest_pair("Medicine")
    floors = floors_for(encoder.name)
    found = introduction_candidates(people, vectors, known=set(), floors=floors)
    assert len(found) == 1
    assert explain_interests(found[0], people, encoder, floor=floors.interests)
    assert found[0].reasons[0].text == "both care about “beekeeping”, from Law and Medicine"
    people, vectors, encoder = _interest_pair("Law")
    assert introduction_candidates(people, vectors, known=set(), floors=floors) == []


def test_it_keeps_each_person_in_at_most_two_suggestions() -> None:
    from amity.domain.pairing import IntroCandidate

    candidates = [IntroCandidate(0, i, score=1.0 - i / 10) for i in range(1, 5)]
    kept = diversify(candidates, limit=10, per_person=2)
    assert [(c.a, c.b) for c in kept] == [(0, 1), (0, 2)]
