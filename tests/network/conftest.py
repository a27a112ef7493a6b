"""Build small networks whose right answers are obvious to a person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from amity.domain import embeddings

needs_model = pytest.mark.skipif(
    not embeddings.model_available(), reason="the text model packages are not installed"
)


@pytest.fixture
def tfidf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the lexical fallback, as on a machine without the model."""
    monkeypatch.setenv("AMITY_TEXT_MODEL", "tfidf")


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Insist on the model (skip where it is not installed)."""
    if not embeddings.model_available():
        pytest.skip("the text model packages are not installed")
    monkeypatch.setenv("AMITY_TEXT_MODEL", "model")


@pytest.fixture
def make_person(user: Any) -> Callable[..., Any]:
    """Return a function that creates one of the user's people."""
    from amity.people.services import create_person

    def make(name: str, owner: Any = None, **fields: Any) -> Any:
        return create_person(owner=owner or user, full_name=name, **fields)

    return make


@pytest.fixture
def network(make_person: Callable[..., Any]) -> dict[str, Any]:
    """Return a small network: a doctor, a sailor, an engineer, a founder, an investor."""
    return {
        "doctor": make_person(
            "Ada Okafor",
            title="Physician",
            company="St Mary's Hospital",
            field="Healthcare",
            location="London, UK",
            interests=["oncology", "hospital care"],
            notes="Runs a clinical trials unit. Loves long walks.",
        ),
        "sailor": make_person(
            "Bea Lindqvist",
            title="Boat builder",
            field="Marine",
            location="Bristol",
            interests=["sailing", "wooden boats"],
        ),
        "engineer": make_person(
            "Cy Tanaka",
            title="Software engineer",
            company="Acme",
            field="Software",
            location="London",
            interests=["compilers", "programming languages"],
        ),
        "founder": make_person(
            "Dee Mensah",
            title="Founder",
            company="Loop Retail",
            field="Retail",
            location="Leeds",
            looking_for="someone who can help me raise a seed round",
        ),
        "investor": make_person(
            "Eli Novak",
            title="Angel investor",
            field="Finance",
            location="Leeds, UK",
            can_offer="early-stage startup funding and fundraising advice",
        ),
    }
