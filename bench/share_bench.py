"""Time embedding and `amity share` on a large synthetic network.

    python bench/share_bench.py --home /tmp/amity-bench-network --generate --people 100000
    python bench/share_bench.py --home /tmp/amity-bench-network            # reuse it
    python bench/share_bench.py --home DIR --database-url postgresql://... [--generate ...]

Steps (each optional, each printed with its measured time):

1. --generate: a fresh network from bench/generate.py (people, interactions);
2. enrich: every person gets two more interests from a shared pool, 20% a
   "looking for" and 20% a "can offer" (deterministic, idempotent);
3. embed: `amity embed` (progress bar, batches committed as it goes); with
   --embed-sample N only the first N stale people, to measure throughput;
4. share: model load, the first share (matrix read from the database and written to
   the cache file), a new process answering `amity share --json` (matrix from the
   cache file), and the latency of --queries warm queries in one process.

Nothing here downloads anything; the text model comes from the installed packages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)

POOL = (
    "climate tech",
    "carbon capture",
    "renewable energy",
    "machine learning",
    "large language models",
    "data privacy",
    "open source",
    "rust programming",
    "distributed systems",
    "cybersecurity",
    "oncology",
    "public health",
    "mental health",
    "nutrition",
    "marathon running",
    "cycling",
    "sailing",
    "rock climbing",
    "chess",
    "jazz",
    "classical music",
    "photography",
    "urban planning",
    "architecture",
    "housing policy",
    "education reform",
    "early-stage investing",
    "venture capital",
    "fintech",
    "cryptocurrency",
    "supply chains",
    "manufacturing",
    "robotics",
    "space exploration",
    "biotech",
    "gene therapy",
    "neuroscience",
    "behavioural economics",
    "product design",
    "typography",
    "children's books",
    "poetry",
    "film making",
    "gardening",
    "beekeeping",
    "wine",
    "coffee roasting",
    "board games",
    "languages",
    "history of science",
)
NEEDS = (
    "a technical cofounder",
    "advice on raising a seed round",
    "a good employment lawyer",
    "introductions to hospital buyers",
    "a mentor in product management",
    "someone who knows EU grant funding",
    "a designer for a mobile app",
    "beta users in logistics",
    "a new role in data science",
    "feedback on a pitch deck",
)
OFFERS = (
    "angel investment and fundraising advice",
    "employment and contract law",
    "UX and product design reviews",
    "intros to NHS procurement teams",
    "mentoring junior product managers",
    "experience writing Horizon Europe grant applications",
    "backend engineering and architecture reviews",
    "hiring help for data teams",
    "pitch coaching",
    "logistics industry contacts",
)
QUERIES = (
    "New immunotherapy trial shrinks tumours in late-stage patients",
    "How carbon removal startups are pricing their credits",
    "A practical guide to Rust's ownership model",
    "Why seed rounds are getting smaller in 2026",
    "The best cycling routes in the Alps",
    "What city planners learned from the superblocks experiment",
    "Regulators propose new rules on personal data",
    "An interview with a jazz pianist about improvisation",
    "Bees are disappearing: what urban beekeepers can do",
    "Designing typefaces for small screens",
)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    backend.add_arguments(parser, home_required=False)
    parser.add_argument("--generate", action="store_true", help="build a fresh network first")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=300_000)
    parser.add_argument("--embed-sample", type=int, default=0, help="embed only N people")
    parser.add_argument("--skip-embed", action="store_true")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument(
        "--cases", type=int, default=0, help="also time N never-seen evaluation snippets"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile those snippets")
    return parser.parse_args()


def setup(home: Path, database_url: str) -> None:
    """Point Django at the benchmark home and database (new processes inherit both)."""
    os.environ.setdefault("AMITY_TEXT_MODEL", "model")
    backend.setup(home, database_url)


def enrich(owner: object) -> float:
    """Give people more interests, needs and offers; return seconds taken."""
    import numpy as np
    from django.db import transaction

    from amity.people.models import Person

    started = time.perf_counter()
    rng = np.random.default_rng(6)
    ids = list(Person.objects.filter(owner=owner).order_by("id").values_list("id", flat=True))
    extra = rng.integers(0, len(POOL), size=(len(ids), 2))
    kind = rng.random(len(ids))
    pick = rng.integers(0, len(NEEDS), size=len(ids))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        people = Person.objects.in_bulk(chunk)
        for offset, pk in enumerate(chunk):
            i = start + offset
            person = people[pk]
            base = [str(x) for x in person.interests or []][:1]
            person.interests = list(dict.fromkeys([*base, POOL[extra[i, 0]], POOL[extra[i, 1]]]))
            person.looking_for = NEEDS[pick[i]] if kind[i] < 0.2 else ""
            person.can_offer = OFFERS[pick[i]] if 0.2 <= kind[i] < 0.4 else ""
        with transaction.atomic():
            Person.objects.bulk_update(
                people.values(), ["interests", "looking_for", "can_offer"], batch_size=1000
            )
    return time.perf_counter() - started


def wait_for_sketch(owner: object) -> str:
    """Make the sketch the second share would start making; return its table row."""
    from amity.domain import relevance
    from amity.network import profiles

    space = profiles.vector_space(owner=owner, facets=relevance.SHARE_FACETS)
    index = profiles.share_index(owner, space)
    names = tuple(n for n in relevance.MODEL_TUNING.facets if n in index.facets)
    started, used = time.perf_counter(), time.process_time()
    index.sketch(names)
    return (
        f"| the sketch for the shortlist (a server makes it in the background from the "
        f"second share on; made here at once) | {time.perf_counter() - started:.2f} s "
        f"(this thread {time.process_time() - used:.2f} s CPU) |"
    )


def time_cases(owner: object, count: int, *, profile: bool) -> list[str]:
    """Time `services.share` on real snippets never seen before; return table rows.

    The snippets (training/share/cases.jsonl) are news of ordinary length, unlike the
    short QUERIES; with `profile`, print where the time goes (cProfile, cumulative).
    """
    import cProfile
    import json
    import pstats

    from amity.network import services

    path = REPO / "training" / "share" / "cases.jsonl"
    with path.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()][:count]
    profiler = cProfile.Profile() if profile else None
    timings, cpu = [], []
    for text in texts:
        started, used = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        services.share(owner=owner, text=text)
        if profiler:
            profiler.disable()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    timings.sort()
    cpu.sort()
    p90 = timings[int(0.9 * (len(timings) - 1))]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    # On a machine shared with other work, CPU time (all of this process's threads)
    # says what a share costs; wall time also counts waiting for a core.
    return [
        f"| warm share, {len(timings)} real snippets never seen (median / p90 / max) | "
        f"{statistics.median(timings):.0f} / {p90:.0f} / {timings[-1]:.0f} ms wall, "
        f"{statistics.median(cpu):.0f} / {cpu[int(0.9 * (len(cpu) - 1))]:.0f} / {cpu[-1]:.0f} "
        f"ms CPU; load average {load}{' (profiled)' if profile else ''} |"
    ]


def main() -> None:
    """Run the steps and print a Markdown summary of what was measured."""
    args = parse_args()
    args.home = args.home or Path("/tmp/amity-bench-network")
    lines: list[str] = []
    if args.generate:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(REPO / "bench" / "generate.py"),
                "--people",
                str(args.people),
                "--interactions",
                str(args.interactions),
                "--home",
                str(args.home),
                "--force",
                *(["--database-url", args.database_url] if args.database_url else []),
            ],
            check=True,
        )
        lines.append(
            f"| generate ({args.people:,} people) | {time.perf_counter() - started:.1f} s |"
        )
    setup(args.home, args.database_url)
    from django.contrib.auth import get_user_model

    from amity.domain import embeddings
    from amity.network import profiles, services
    from amity.people.models import Person

    owner = get_user_model().objects.get(username="bench")
    people = Person.objects.filter(owner=owner).count()
    if args.generate:
        lines.append(f"| enrich interests, needs, offers | {enrich(owner):.1f} s |")

    started = time.perf_counter()
    model = embeddings.load_model()
    lines.append(f"| load the text model | {time.perf_counter() - started:.2f} s |")

    if not args.skip_embed:
        stale = profiles.stale_people(owner=owner, model_name=model.name)
        todo = stale[: args.embed_sample] if args.embed_sample else stale
        started = time.perf_counter()
        from rich.progress import Progress

        with Progress() as bar:
            task = bar.add_task("embedding", total=len(todo))

            def progress(done: int, total: int, embedded: int) -> None:
                bar.update(task, completed=done, total=total)

            result = profiles.sync_embeddings(
                owner=owner, encoder=model, person_ids=todo, progress=progress
            )
        took = time.perf_counter() - started
        rate = result.people / took if took else 0.0
        lines.append(
            f"| embed {result.people:,} people ({result.embedded:,} texts) | {took:.1f} s "
            f"({rate:.0f} people/s, {result.embedded / took:.0f} texts/s) |"
        )
        if args.embed_sample and rate:
            lines.append(
                f"| extrapolated: embed all {people:,} people at that rate | "
                f"{people / rate / 60:.0f} min |"
            )

    started = time.perf_counter()
    from amity.core.bootstrap import refresh_planner_statistics

    refresh_planner_statistics()  # as `amity embed` does after a big batch
    lines.append(f"| planner statistics (ANALYZE) | {time.perf_counter() - started:.2f} s |")

    profiles.forget_cached_matrices()
    cache = args.home / "cache"
    for old in cache.glob("vectors-*"):
        old.unlink()
    started = time.perf_counter()
    first = services.share(owner=owner, text=QUERIES[0])
    took = time.perf_counter() - started
    rows = len(profiles.load_facet(owner=owner, model_name=model.name, facet="profile").ids)
    lines.append(
        f"| first share in a process (reads {rows:,} vectors from the database, "
        f"writes the cache file) | {took:.2f} s |"
    )
    lines.append(wait_for_sketch(owner))
    timings: list[float] = []
    for i in range(args.queries):
        started = time.perf_counter()
        services.share(owner=owner, text=QUERIES[i % len(QUERIES)])
        timings.append((time.perf_counter() - started) * 1000)
    # QUERIES[0] warmed up above; the rest of the first round are texts never seen.
    unseen = sorted(timings[1 : len(QUERIES)]) or [0.0]
    seen = sorted(timings[len(QUERIES) :]) or [0.0]
    lines.append(
        f"| warm share, {len(unseen)} texts not seen before (median / max) | "
        f"{statistics.median(unseen):.0f} / {unseen[-1]:.0f} ms |"
    )
    lines.append(
        f"| warm share, {len(seen)} repeated texts (median / max) | "
        f"{statistics.median(seen):.0f} / {seen[-1]:.0f} ms |"
    )
    if args.cases:
        lines.extend(time_cases(owner, args.cases, profile=args.profile))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "amity", "share", QUERIES[1], "--json", "--user", "bench"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    lines.append(
        f"| `amity share --json` in a new process (start-up, model, cache file, answer) "
        f"| {time.perf_counter() - started:.2f} s |"
    )
    print(
        f"\n{people:,} people; first query's top match: "
        f"{first.matches[0].person.full_name if first.matches else '-'}"
    )
    for m in first.matches:
        print(
            f"  {m.person.full_name} ({m.person.field}): "
            f"{'; '.join(r.quote for r in m.reasons)} -> {m.draft}"
        )
    print("\n| step | measured |\n| --- | --- |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
