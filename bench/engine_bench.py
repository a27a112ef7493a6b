"""Time the relationship engine on a large network: today (cold and warm) and strength.

    .venv/bin/python bench/generate.py --people 100000 --interactions 2000000 --home DIR
    .venv/bin/python bench/engine_bench.py --home DIR [--repeat 3]

Steps, each timed:

1. build the engine summaries of everyone (what `services.refresh_summaries` does as
   interactions are written or imported; bench/generate.py writes rows directly, so
   the summaries are built once here);
2. `amity today --json` cold: today's stored list deleted first, so the whole network
   is scored from the summaries;
3. `amity today --json` warm: nothing changed since the previous run;
4. `amity strength --json` for everyone;
5. one `amity done NAME` (an incremental write) followed by `amity today` again.

Steps 2-4 are timed twice: in-process (the command's own work, via amity.cli.call) and
as a fresh `amity ...` process (adds Python start-up, Django set-up and the migration
check; a warm `amity today` is answered from the stored answer without Django, see
amity/people/today_cache.py). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backend  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATABASE_URL = ""
"""PostgreSQL URL of the network (--database-url); empty for SQLite in --home."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    return parser.parse_args(argv)


def setup_django(home: Path, database_url: str = "") -> None:
    """Point Amity at the generated database (SQLite in `home`, or `database_url`)."""
    backend.setup(home, database_url)


def _cpu() -> float:
    """Return CPU seconds used by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Return the wall-clock and CPU seconds `action` took.

    CPU time is reported too because the machine these numbers come from is shared:
    waiting for a core inflates wall-clock time but not CPU time.
    """
    started, cpu = time.perf_counter(), _cpu()
    action()
    return time.perf_counter() - started, _cpu() - cpu


def command(*args: str) -> Callable[[], object]:
    """Return a call of an amity verb in-process (output discarded)."""
    from amity.cli import call

    return lambda: call(*args, stdout=io.StringIO())


def process(home: Path, *args: str) -> Callable[[], object]:
    """Return a run of `amity ...` as a fresh process."""
    env = {**os.environ, "AMITY_HOME": str(home)}
    if DATABASE_URL:
        env["AMITY_DATABASE_URL"] = DATABASE_URL
    # An installed Amity keeps its compiled bytecode; without it every process spends
    # ~80 ms compiling amity's own modules (some sandboxes switch the cache off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "amity", *args]
    return lambda: subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=REPO)


def machine_reference() -> float:
    """Return the best of three runs of a fixed pure-Python loop, in seconds.

    The shared machines these numbers come from change speed from hour to hour (by
    up to 2x); printing this beside the table says how fast the machine was then.
    """
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(10**7))
        best = min(best, time.perf_counter() - started)
    return best


def forget_today(owner: object) -> None:
    """Delete today's stored list, so the next `amity today` scores everyone."""
    from amity.relationships.models import DailyList

    DailyList.objects.filter(owner=owner).delete()


def main(argv: list[str] | None = None) -> None:
    """Run every measurement and print the table."""
    args = parse_args(argv)
    global DATABASE_URL
    DATABASE_URL = args.database_url
    setup_django(args.home, args.database_url)
    from django.contrib.auth import get_user_model

    from amity.people.models import Interaction, Person
    from amity.relationships.models import PersonSummary
    from amity.relationships.stored_summaries import refresh_engine_summaries

    owner = get_user_model().objects.get(username=args.user)
    people = Person.objects.filter(owner=owner).count()
    interactions = Interaction.objects.filter(owner=owner).count()
    rows: list[tuple[str, tuple[float, float], str]] = []
    reference_before = machine_reference()

    ids = list(Person.objects.filter(owner=owner).values_list("pk", flat=True))
    if PersonSummary.objects.filter(owner=owner).count() == 0:
        rows.append(
            (
                "build engine summaries for everyone (once)",
                timed(lambda: refresh_engine_summaries(person_ids=ids)),
                "",
            )
        )

    def median(
        make: Callable[[], Callable[[], object]], before: Callable[[], None] | None = None
    ) -> tuple[float, float]:
        samples = []
        for _ in range(args.repeat):
            if before:
                before()
            samples.append(timed(make()))
        return (
            statistics.median(wall for wall, _ in samples),
            statistics.median(cpu for _, cpu in samples),
        )

    user = ("--user", args.user)
    rows.append(
        (
            "`amity today` cold (in-process)",
            median(lambda: command("today", "--json", *user), lambda: forget_today(owner)),
            "< 1 s",
        )
    )
    rows.append(
        (
            "`amity today` warm, nothing changed (in-process)",
            median(lambda: command("today", "--json", *user)),
            "< 200 ms",
        )
    )
    rows.append(
        (
            "`amity strength --json`, everyone (in-process)",
            median(lambda: command("strength", "--json", *user)),
            "< 3 s",
        )
    )
    rows.append(
        (
            "`amity today` cold (fresh process)",
            median(
                lambda: process(args.home, "today", "--json", *user), lambda: forget_today(owner)
            ),
            "< 1 s",
        )
    )
    rows.append(
        (
            "`amity today` warm (fresh process)",
            median(lambda: process(args.home, "today", "--json", *user)),
            "< 200 ms",
        )
    )
    rows.append(
        (
            "`amity strength --json`, everyone (fresh process)",
            median(lambda: process(args.home, "strength", "--json", *user)),
            "< 3 s",
        )
    )
    rows.append(
        (
            "`amity settings` (process start-up alone)",
            median(lambda: process(args.home, "settings")),
            "",
        )
    )
    someone = (
        Person.objects.filter(owner=owner, interaction_count__gt=50)
        .values_list("pk", flat=True)
        .first()
    )
    rows.append(
        (
            "`amity done #id` (log + incremental summary, in-process)",
            timed(command("done", f"#{someone}", "--json", *user)),
            "",
        )
    )
    rows.append(
        (
            "`amity today` right after that write (in-process)",
            timed(command("today", "--json", *user)),
            "",
        )
    )
    reference = f"{reference_before:.3f} s before, {machine_reference():.3f} s after"
    print(
        f"{people:,} people, {interactions:,} interactions, {backend.backend_name()},"
        f" median of {args.repeat}"
    )
    print(f"machine reference (sum of 10**7 squares in pure Python): {reference}\n")
    print("| step | wall s | CPU s | target |")
    print("| --- | ---: | ---: | --- |")
    for name, (wall, cpu), target in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {target} |")


if __name__ == "__main__":
    main()
