"""Test that the numpy summariser agrees with the readable one, person by person."""

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest

from amity.domain import vocabulary
from amity.domain.ledger import Event
from amity.domain.strength import TieSummary, summarize
from amity.domain.summaries import (
    Coded,
    EventColumns,
    pack_spells,
    quiet_spells_of,
    summarize_columns,
    summarize_many,
    unpack_spells,
)

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


def test_its_quiet_spells_are_each_persons_readable_ones() -> None:
    rng = random.Random(18)
    gap = 30 * 86_400 * 1_000_000
    groups = [random_events(rng, rng.randrange(0, 12)) for _ in range(60)]
    # Two interactions exactly `gap` apart are not a spell; a microsecond more is.
    base = NOW - dt.timedelta(days=400)
    tick = dt.timedelta(microseconds=1)
    groups.append([Event(at=base), Event(at=base + dt.timedelta(days=30))])
    groups.append([Event(at=base), Event(at=base + dt.timedelta(days=30) + tick)])
    found = summarize_columns(columns(groups), len(groups), quiet_gap=gap)["quiet_spells"]
    for events, packed in zip(groups, found, strict=True):
        micros = [(e.at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // tick for e in events]
        assert packed == pack_spells(quiet_spells_of(micros, gap))
    assert len(unpack_spells(found[-2])) == 2 and len(unpack_spells(found[-1])) == 3


def test_its_quiet_spells_say_who_was_in_touch_at_any_moment() -> None:
    rng = np.random.default_rng(7)
    gap = 1_000
    for _ in range(200):
        times = sorted(rng.integers(0, 10_000, size=int(rng.integers(1, 8))).tolist())
        spells = unpack_spells(pack_spells(quiet_spells_of(times, gap // 2)))
        for moment in rng.integers(-500, 12_000, size=20).tolist():
            in_touch = any(moment - gap <= t <= moment for t in times)
            quiet = ((spells[:, 0] < moment - gap) & (moment < spells[:, 1])).sum()
            # Spells of shorter gaps answer for a longer one; a moment lies in one at most.
            assert quiet == (0 if in_touch else 1)
