"""Test gathering the network's breadth from the database."""

from __future__ import annotations

from typing import Any

import pytest

from amity import config
from amity.network.insights import configured_field, insights
from amity.people.timeline import log_interaction


def test_it_measures_fields_ties_and_flows(user: Any, network: dict, make_person: Any) -> None:
    make_person("Fay Dev", field="Software")
    for _ in range(6):
        log_interaction(owner=user, people=[network["engineer"]], intent="deposit", subtype="help")
    log_interaction(owner=user, people=[network["doctor"]], direction="inbound", intent="deposit")
    log_interaction(
        owner=user, people=[network["sailor"]], direction="inbound", intent="withdrawal"
    )
    result = insights(owner=user)
    b = result.breadth
    assert result.strength_source in {"interaction counts and recency", "relationship engine"}
    assert b.people == 6
    assert b.my_field == "Software"
    assert b.own_field_people_share == round(2 / 6, 3)
    assert [g.person_id for g in b.givers] == [network["doctor"].pk]
    assert [t.person_id for t in b.takers] == [network["sailor"].pk]
    assert b.months[-1].deposits == 6
    assert b.months[-1].received == 1 and b.months[-1].were_asked == 1
    assert b.strong_ties >= 1


def test_it_keeps_each_owners_network_apart(
    user: Any, other_user: Any, network: dict, make_person: Any
) -> None:
    make_person("Zed", owner=other_user, field="Art")
    assert insights(owner=other_user).breadth.people == 1
    assert insights(owner=user).breadth.people == 5


def test_it_uses_the_my_field_setting_when_declared(
    monkeypatch: pytest.MonkeyPatch, user: Any, network: dict
) -> None:
    if "AMITY_MY_FIELD" not in config.SETTINGS:
        assert configured_field() == ""
        pytest.skip("AMITY_MY_FIELD is not declared in this tree")
    monkeypatch.setenv("AMITY_MY_FIELD", "Marine")
    b = insights(owner=user).breadth
    assert (b.my_field, b.my_field_source) == ("Marine", "AMITY_MY_FIELD")


def test_it_takes_strength_and_circles_from_the_relationship_engine(
    user: Any, network: dict
) -> None:
    pytest.importorskip("amity.relationships.scoring")
    for _ in range(3):
        log_interaction(owner=user, people=[network["engineer"]], channel="call")
    result = insights(owner=user)
    assert result.strength_source == "relationship engine"
    circles = {g.name: g.people for g in result.breadth.by_circle}
    assert circles["inner"] == 1 and circles["not yet in touch"] == 4
    assert result.breadth.strong_ties == 1
