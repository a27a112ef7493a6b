"""Time `amity intros` (introduction suggestions for the whole network).

    python bench/intros_bench.py --home /tmp/amity-bench-network [--database-url URL]

Run bench/share_bench.py first: it builds the network, gives people needs and
offers, and embeds them. This script times each stage of one suggestion run in one
process (reading profiles, known pairs, loading vectors, the neighbour searches and
scoring, explaining the best pairs), then the whole `amity intros --json` in a new
process, and prints the top suggestions so their quality can be judged by eye.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    backend.add_arguments(parser, home_required=False)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--skip-cli", action="store_true", help="skip the new-process run")
    return parser.parse_args()


def main() -> None:
    """Time the stages and the whole command; print a Markdown table."""
    args = parse_args()
    os.environ.setdefault("AMITY_TEXT_MODEL", "model")
    # The new `amity intros` process below inherits the home and database from here.
    backend.setup(args.home or Path("/tmp/amity-bench-network"), args.database_url)
    from django.contrib.auth import get_user_model

    from amity.domain.matching import floors_for
    from amity.domain.pairing import introduction_candidates, needs_by_position
    from amity.domain.relevance import FacetVectors, tuning_for
    from amity.network import introductions as intros
    from amity.network import profiles

    owner = get_user_model().objects.get(username="bench")
    lines: list[str] = []

    def lap(name: str, started: float) -> float:
        now = time.perf_counter()
        lines.append(f"| {name} | {now - started:.2f} s |")
        return now

    clock = time.perf_counter()
    people = list(profiles.facts_for(owner=owner))
    clock = lap(f"read {len(people):,} profiles (with needs from logged asks)", clock)
    known = intros.known_pairs(owner=owner)
    clock = lap(f"known pairs ({len(known):,}, from shared interactions and introductions)", clock)
    space = profiles.vector_space(
        owner=owner, facets=("profile", "seeks", "offers", "title"), facts=people
    )
    sizes = ", ".join(f"{k} {len(v.ids):,}" for k, v in space.facets.items())
    clock = lap(f"load vectors ({sizes}; {space.pending} pending)", clock)
    needs = needs_by_position(
        people,
        {name: FacetVectors(f.ids, f.matrix) for name, f in space.facets.items()},
        tuning_for(space.encoder.name),
    )
    clock = lap(f"needs met by standing ({len(needs):,} pairs)", clock)
    vectors = intros._vectors(people, space.facets)
    candidates = introduction_candidates(
        people, vectors, known=known, floors=floors_for(space.encoder.name), needs=needs
    )
    clock = lap(f"neighbour searches and scoring ({len(candidates):,} candidate pairs)", clock)
    started = time.perf_counter()
    result = intros.suggest_introductions(owner=owner, limit=args.limit)
    lines.append(
        f"| whole `suggest_introductions` in the same process, limit {args.limit} "
        f"| {time.perf_counter() - started:.2f} s |"
    )
    if not args.skip_cli:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "amity", "intros", "--json", "--user", "bench"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        lines.append(
            f"| `amity intros --json` in a new process | {time.perf_counter() - started:.2f} s |"
        )
    print(f"\n{result.people:,} people, {result.text_model}")
    for s in result.items:
        print(f"- {s.a.full_name} ({s.a.field}) + {s.b.full_name} ({s.b.field}): {s.reason_text}")
    print("\n| step | measured |\n| --- | --- |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
