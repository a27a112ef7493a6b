"""The people list's strength, circle and overdue columns, their sorts, typo-tolerant search."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from amity.people import services, timeline
from amity.relationships.ties import person_strength

pytestmark = pytest.mark.storage


def names_on(response: Any) -> list[str]:
    """Return the person names in the order the list shows them."""
    return re.findall(r'<span class="person-name">([^<]+)</span>', response.content.decode())


@pytest.fixture
def network(user: Any) -> dict[str, Any]:
    """Three people: Ngozi in touch weekly (strong), Nigel once a year ago, Zoe never."""
    now = timezone.now()
    ngozi = services.create_person(owner=user, full_name="Ngozi Adichie", company="Lagos Press")
    nigel = services.create_person(owner=user, full_name="Nigel Nagoz", company="Acme")
    zoe = services.create_person(owner=user, full_name="Zoe Quinn", company="Acme")
    for weeks in range(8):
        timeline.log_interaction(
            owner=user,
            people=[ngozi],
            channel="call",
            direction="mutual",
            occurred_at=now - dt.timedelta(weeks=weeks, hours=1),
        )
    timeline.log_interaction(
        owner=user, people=[nigel], channel="email", occurred_at=now - dt.timedelta(days=400)
    )
    return {"ngozi": ngozi, "nigel": nigel, "zoe": zoe}


def test_the_list_shows_strength_circle_and_overdue(web: Any, network: dict[str, Any]) -> None:
    html = web.get(reverse("people")).content.decode()
    tie = person_strength(person=network["ngozi"], read_only=True)
    row = html[html.index("Ngozi Adichie") :]
    row = row[: row.index("</tr>")]
    # The same numbers the person page shows, as whole points out of 100.
    assert f">{round(tie['score'] * 100)}</span>" in row
    assert f">{tie['circle_name'].capitalize()}</span>" in row
    nigel = html[html.index("Nigel Nagoz") :]
    nigel = nigel[: nigel.index("</tr>")]
    # A year's silence is past any circle's cadence; the tooltip says what it means.
    assert re.search(r'class="overdue" title="Days past[^"]*">\d+ days</span>', nigel), nigel
    assert 'title="Tie strength, 0-100' in html


def test_it_sorts_by_strength_and_by_overdue(web: Any, network: dict[str, Any]) -> None:
    by_strength = names_on(web.get(reverse("people"), {"sort": "strength"}))
    assert by_strength == ["Ngozi Adichie", "Nigel Nagoz", "Zoe Quinn"]
    html = web.get(reverse("people"), {"sort": "strength"}).content.decode()
    assert re.search(r'aria-sort="descending"><a class="sort-link"[^>]*>Strength', html)
    # Only Nigel is overdue; the others follow in name order.
    by_overdue = names_on(web.get(reverse("people"), {"sort": "overdue"}))
    assert by_overdue[0] == "Nigel Nagoz"
    assert by_overdue[1:] == ["Ngozi Adichie", "Zoe Quinn"]


def test_sorting_by_score_pages_through_everyone(web: Any, user: Any, settings: Any) -> None:
    from amity import config

    names = [f"Person {i:02d}" for i in range(config.PAGE_SIZE.value() + 3)]
    for name in names:
        services.create_person(owner=user, full_name=name)
    first = names_on(web.get(reverse("people"), {"sort": "strength"}))
    second = names_on(web.get(reverse("people"), {"sort": "strength", "page": 2}))
    assert len(first) == config.PAGE_SIZE.value() and len(second) == 3
    assert sorted(first + second) == sorted(names)


def test_a_typo_finds_close_spellings_and_says_so(web: Any, network: dict[str, Any]) -> None:
    response = web.get(reverse("people"), {"q": "Nigoz"})
    # "nigoz" is one typo from "nagoz", two from "nigel" and "ngozi".
    assert set(names_on(response)) == {"Nigel Nagoz", "Ngozi Adichie"}
    html = response.content.decode()
    assert "No one has “nigoz” as typed" in html and "<strong>nagoz</strong>" in html


def test_exact_matches_win_over_close_spellings(web: Any, network: dict[str, Any]) -> None:
    response = web.get(reverse("people"), {"q": "nigel"})
    assert names_on(response) == ["Nigel Nagoz"]
    assert "as typed" not in response.content.decode()
    # A word that matches keeps its meaning next to a misspelt one.
    assert names_on(web.get(reverse("people"), {"q": "acme nagox"})) == ["Nigel Nagoz"]


def test_short_words_and_nonsense_find_nobody(web: Any, network: dict[str, Any]) -> None:
    assert names_on(web.get(reverse("people"), {"q": "qx"})) == []
    assert names_on(web.get(reverse("people"), {"q": "xylophone"})) == []


def test_the_company_filter_label_is_whole(web: Any, network: dict[str, Any]) -> None:
    html = web.get(reverse("people")).content.decode()
    assert '<option value="" selected>Any company</option>' in html
