"""Time Share's ranking alone at 100,000 people: the exact scan against the sketch.

    .venv/bin/python bench/share_rank.py --home /tmp/amity-bench-network

Reads the facet vectors a `share_bench.py` run cached (AMITY_HOME/cache/vectors-*.npz),
embeds real snippets (training/share/cases.jsonl) as the texts, and prints, in wall
and CPU time (this process, all threads): building the sketch, the exact ranking
(`relevance.score_people` over every vector) and the shortlisted one
(`relevance.rank_for_share`), and whether both put the same five people first, in
the same order, for every text. Nothing is downloaded. Touches no database (it
reads the cached vector files), so it takes no --database-url.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from amity.domain import embeddings, relevance  # noqa: E402
from amity.domain.relevance import FacetIndex, FacetVectors  # noqa: E402


def load_index(home: Path) -> FacetIndex:
    """Return the cached share facets of the benchmark network, indexed."""
    facets = {}
    for name in relevance.SHARE_FACETS:
        found = sorted((home / "cache").glob(f"vectors-*-{embeddings.MODEL_NAME}-{name}.npz"))
        if found:
            with np.load(found[-1]) as data:
                facets[name] = FacetVectors(data["ids"], data["matrix"])
    if not facets:
        raise SystemExit(f"no cached vectors under {home / 'cache'}: run share_bench.py first")
    return FacetIndex.build(facets)


def timed(step: Callable[[int], object], count: int) -> tuple[float, float]:
    """Return the median wall and CPU milliseconds of step(0..count-1)."""
    wall, cpu = [], []
    for i in range(count):
        started, used = time.perf_counter(), time.process_time()
        step(i)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    """Print a Markdown table of the ranking's cost and the two rankings' agreement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/amity-bench-network"))
    parser.add_argument("--texts", type=int, default=60)
    args = parser.parse_args()
    index = load_index(args.home)
    tuning = relevance.MODEL_TUNING
    names = tuple(name for name in tuning.facets if name in index.facets)
    rows = sum(int(index.facets[n].ids.size) for n in names)
    path = REPO / "training" / "share" / "cases.jsonl"
    with path.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()][: args.texts]
    queries = embeddings.load_model().encode(texts)
    started, used = time.perf_counter(), time.process_time()
    index.sketch(names)
    built = (time.perf_counter() - started, time.process_time() - used)
    exact = timed(lambda i: relevance.score_people(queries[i], index, tuning), len(texts))
    fast = timed(lambda i: relevance.rank_for_share(queries[i], index, tuning, limit=5), len(texts))
    same = 0
    for query in queries:
        reference = relevance.score_people(query, index, tuning)
        order = np.lexsort((reference.ids, -reference.score))[:5]
        # Everyone "strong", so the first five are shown whatever their standing.
        everyone = dataclasses.replace(tuning, strong=-99.0, maybe=-99.0)
        shown = relevance.rank_for_share(query, index, everyone, limit=5)
        same += [p.person_id for p in shown.people] == [int(reference.ids[i]) for i in order]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{index.ids.size:,} people, {rows:,} facet vectors; load average {load}\n")
    print("| step | wall | CPU (all threads) |\n| --- | --- | --- |")
    print(f"| build the sketch (once per loaded set) | {built[0]:.2f} s | {built[1]:.2f} s |")
    median = f"median of {len(texts)} texts"
    print(f"| exact ranking, {median} | {exact[0]:.0f} ms | {exact[1]:.0f} ms |")
    print(f"| shortlisted ranking, median | {fast[0]:.0f} ms | {fast[1]:.0f} ms |")
    print(f"| same five people in the same order | {same} of {len(texts)} texts | |")


if __name__ == "__main__":
    main()
