"""Measure what embedding one person costs with Share's facets, against the old layout.

    .venv/bin/python bench/share_embed_cost.py --home /tmp/amity-bench-network --people 1500
    .venv/bin/python bench/share_embed_cost.py --home DIR --database-url postgresql://...

Reads people (with their three latest interaction summaries) from a network made by
bench/share_bench.py --generate, and times, in alternating rounds on the same people,
the texts `amity embed` embeds now (`matching.facet_texts`: seven facets) and the three
it embedded before issue 19 (whole profile with "Recently: ...", needs, offers). The
machine is shared, so the ratio of the two is the steadier figure; the projection for
100,000 people is printed both at the measured rate and at the idle rate recorded in
docs/benchmarks.md (406 whole-profile texts/s).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import backend  # noqa: E402  (a sibling script, not a package)

from amity.domain import embeddings  # noqa: E402
from amity.domain.matching import ProfileFacts, facet_texts, profile_text  # noqa: E402

IDLE_PROFILE_RATE = 406.0
"""Whole-profile texts per second on this machine when idle (issue 6's measurement)."""


def read_people(count: int, offset: int) -> list[ProfileFacts]:
    """Return `count` people after the first `offset`, with their latest summaries."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, full_name, title, company, field, location, interests, notes, "
            "looking_for, can_offer FROM people_person ORDER BY id LIMIT %s OFFSET %s",
            [count, offset],
        )
        rows = cursor.fetchall()
        if not rows:
            raise SystemExit(f"no people after the first {offset:,}: lower --offset")
        marks = ",".join(str(r[0]) for r in rows)
        recent: dict[int, list[str]] = {}
        cursor.execute(
            "SELECT p.person_id, i.summary FROM people_interaction_people p JOIN "
            f"people_interaction i ON i.id = p.interaction_id WHERE p.person_id IN ({marks}) "
            "AND i.summary != '' ORDER BY i.occurred_at DESC"
        )
        for person_id, summary in cursor.fetchall():
            recent.setdefault(person_id, []).append(summary)
    return [
        ProfileFacts(
            r[0],
            r[1],
            title=r[2],
            company=r[3],
            field=r[4],
            location=r[5],
            # JSON text on SQLite, already decoded on PostgreSQL.
            interests=tuple(json.loads(r[6] or "[]") if isinstance(r[6], str) else r[6] or ()),
            notes=r[7],
            looking_for=r[8],
            can_offer=r[9],
            recent=tuple(recent.get(r[0], [])[:3]),
        )
        for r in rows
    ]


def old_texts(facts: ProfileFacts) -> list[str]:
    """Return what was embedded per person before issue 19."""
    texts = facet_texts(facts)
    whole = profile_text(facts)
    if facts.recent:
        whole = f"{whole}. Recently: " + "; ".join(facts.recent)
    return [t for t in (whole, texts["seeks"], texts["offers"]) if t]


def new_texts(facts: ProfileFacts) -> list[str]:
    """Return what `sync_embeddings` embeds per person now."""
    return [t for f, t in facet_texts(facts).items() if t or f == "profile"]


def main() -> None:
    """Time both layouts in alternating rounds and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser, home_required=False)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--offset", type=int, default=20_000, help="people to skip first")
    args = parser.parse_args()
    backend.setup(args.home or Path("/tmp/amity-bench-network"), args.database_url)
    people = read_people(args.people, args.offset)
    model = embeddings.load_model()
    layouts = {"before (3 facets)": old_texts, "now (7 facets)": new_texts}
    texts = {name: [t for p in people for t in build(p)] for name, build in layouts.items()}
    seconds = dict.fromkeys(layouts, 0.0)
    model.encode(texts["now (7 facets)"][:64])
    for _ in range(args.rounds):
        for name in layouts:
            started = time.perf_counter()
            model.encode(texts[name])
            seconds[name] += (time.perf_counter() - started) / args.rounds
    old = seconds["before (3 facets)"]
    profile_rate = len(people) / _time(model, [old_texts(p)[0] for p in people])
    print(f"{len(people)} people; whole-profile texts now at {profile_rate:.0f}/s")
    print(
        "| layout | texts per person | s per 1,000 people | 100,000 people, measured | "
        "100,000 people, at the idle rate |"
    )
    print("| --- | --- | --- | --- | --- |")
    for name in layouts:
        per_person = len(texts[name]) / len(people)
        per_1000 = seconds[name] / len(people) * 1000
        measured = per_1000 * 100 / 60
        idle = measured * profile_rate / IDLE_PROFILE_RATE
        print(
            f"| {name} | {per_person:.2f} | {per_1000:.1f} | {measured:.1f} min | {idle:.1f} min |"
        )
    print(f"\nratio now / before: {seconds['now (7 facets)'] / old:.2f}")


def _time(model: embeddings.MiniLMEncoder, texts: list[str]) -> float:
    started = time.perf_counter()
    model.encode(texts)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
