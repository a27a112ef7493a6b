"""Test that the numpy summariser agrees with the readable one, person by person."""

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest

from amity.domain import vocabulary
from amity.domain.ledger import Event
from amity.domain.strength import TieSummary, summarize
from amity.domain.summaries import Coded, EventColumns, summarize_many

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def random_events(rng: random.Random, n: int) -> list[Event]:
    events = []
    for _ in range(n):
        intent = rng.choice(vocabulary.INTENTS)
        subtypes = {
            "deposit": ("", *vocabulary.DEPOSIT_SUBTYPES),
            "withdrawal": ("", *vocabulary.WITHDRAWAL_SUBTYPES),
            "neutral": ("",),
        }[intent]
        events.append(
            Event(
                at=NOW - dt.timedelta(seconds=rng.randrange(0, 5 * 365 * 86400)),
                channel=rng.choice(vocabulary.CHANNELS),
                direction=rng.choice(vocabulary.DIRECTIONS),
                intent=intent,
                subtype=rng.choice(subtypes),
            )
        )
    return events


def columns(groups: list[list[Event]]) -> EventColumns:
    rows = [(i, e) for i, events in enumerate(groups) for e in events]
    return EventColumns(
        group=np.array([i for i, _ in rows], dtype=np.int64),
        ts=np.array([e.at.timestamp() for _, e in rows], dtype=np.float64),
        channel=[e.channel for _, e in rows],
        direction=[e.direction for _, e in rows],
        intent=[e.intent for _, e in rows],
        subtype=[e.subtype for _, e in rows],
    )


def assert_same(ours: TieSummary, reference: TieSummary) -> None:
    for field in dataclasses.fields(TieSummary):
        mine, theirs = getattr(ours, field.name), getattr(reference, field.name)
        if field.name == "ledger":
            for part in dataclasses.fields(mine):
                if part.name == "anchor":
                    assert mine.anchor == theirs.anchor
                else:
                    assert getattr(mine, part.name) == pytest.approx(getattr(theirs, part.name))
        else:
            assert mine == pytest.approx(theirs), field.name


def test_it_summarises_many_people_like_one_at_a_time() -> None:
    rng = random.Random(4)
    groups = [random_events(rng, rng.choice([0, 1, 2, 5, 40])) for _ in range(60)]
    many = summarize_many(columns(groups), len(groups))
    for events, summary in zip(groups, many, strict=True):
        assert_same(summary, summarize(events))


def test_it_returns_empty_summaries_for_nobody() -> None:
    assert summarize_many(columns([[], []]), 2) == [TieSummary(), TieSummary()]


def test_kind_columns_sharing_one_code_array_summarise_like_text_columns() -> None:
    rng = random.Random(11)
    groups = [random_events(rng, rng.randrange(0, 30)) for _ in range(40)]
    text = columns(groups)
    # As the bulk reader gives them: one code per whole kind, each column naming its part.
    kinds = list(zip(text.channel, text.direction, text.intent, text.subtype, strict=True))
    coded = Coded.of([":".join(kind) for kind in kinds])
    parts = [label.split(":") for label in coded.labels]
    shared = dataclasses.replace(
        text,
        **{
            name: Coded(coded.codes, tuple(p[i] for p in parts))
            for i, name in enumerate(("channel", "direction", "intent", "subtype"))
        },
    )
    assert summarize_many(shared, len(groups)) == summarize_many(text, len(groups))
