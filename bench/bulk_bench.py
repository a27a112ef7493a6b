"""Time the whole-network paths of issue 18 as a user runs them, on SQLite or PostgreSQL.

    python bench/generate.py --people 100000 --interactions 2000000 --home DIR [--database-url URL]
    python bench/bulk_bench.py --home DIR [--database-url URL] [--repeat 5] [--work WORK_DIR]

Each step is a fresh `amity ...` process run under /usr/bin/time (wall seconds, CPU
seconds, peak memory); the table shows the median of --repeat runs:

1. `amity insights --json`;
2. the first `amity today --json` after the network changed in bulk: every engine
   summary and today's list deleted first, so the command rebuilds all summaries;
3. `amity export --format json` of everything to a file in WORK_DIR;
4. `amity restore` of that file into an empty database (a fresh AMITY_HOME, or on
   PostgreSQL a fresh database beside the one given, dropped afterwards).

Prints the machine reference and the load average before and after (the machines are
shared), then a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backend  # noqa: E402

TARGETS = {
    "insights": "< 1.5 s, < 300 MB",
    "today": "< 5 s",
    "export": "< 15 s",
    "restore": "< 30 s",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None, help="where the export goes")
    parser.add_argument(
        "--steps", default="insights,today,export,restore", help="comma-separated steps to run"
    )
    return parser.parse_args(argv)


def timed(env: dict[str, str], *args: str) -> tuple[float, float, float]:
    """Run `amity ARGS` as a fresh process; return (wall s, CPU s, peak MB)."""
    full = {**os.environ, **env}
    full.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed Amity keeps its bytecode
    with tempfile.NamedTemporaryFile("r") as report:
        command = ["/usr/bin/time", "-o", report.name, "-f", "%e %U %S %M"]
        subprocess.run(
            [*command, sys.executable, "-m", "amity", *args],
            env=full,
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=backend.REPO,
        )
        wall, user, system, peak_kb = report.read().split()[-4:]
    return float(wall), float(user) + float(system), int(peak_kb) / 1024


def forget_summaries(user: str) -> None:
    """Delete every engine summary and today's list: the next `today` rebuilds them."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from amity.relationships.models import DailyList, PersonSummary

    owner = get_user_model().objects.get(username=user)
    PersonSummary.objects.filter(owner=owner).delete()
    DailyList.objects.filter(owner=owner).delete()
    if connection.vendor == "postgresql":
        # Stand in for autovacuum, which some servers here run without: the deleted
        # summaries would otherwise pile up as dead rows that every later step reads.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {connection.ops.quote_name(PersonSummary._meta.db_table)}")


def fresh_target(database_url: str, work: Path, run: int) -> dict[str, str]:
    """Return the environment of an empty Amity to restore into (and make it)."""
    home = work / f"restore-{run}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    if not database_url:
        return backend.environment(home, "")
    import psycopg

    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/')}_restore"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return backend.environment(home, urlunsplit(parts._replace(path=f"/{name}")))


def main(argv: list[str] | None = None) -> None:
    """Run the steps and print the table."""
    args = parse_args(argv)
    backend.setup(args.home, args.database_url)
    work = args.work or args.home / "bulk-bench"
    work.mkdir(parents=True, exist_ok=True)
    env = backend.environment(args.home, args.database_url)
    user = ("--user", args.user)
    export_file = work / "export.json"
    steps = args.steps.split(",")
    print(f"{backend.backend_name()}; load average before: {os.getloadavg()}")
    reference = backend.machine_reference()
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in steps}
    for run in range(args.repeat):
        if "insights" in steps:
            results["insights"].append(timed(env, "insights", "--json", *user))
        if "today" in steps:
            forget_summaries(args.user)
            results["today"].append(timed(env, "today", "--json", *user))
        if "export" in steps:
            results["export"].append(
                timed(env, "export", "--format", "json", "--output", str(export_file), *user)
            )
        if "restore" in steps:
            target = fresh_target(args.database_url, work, run)
            subprocess.run(
                [sys.executable, "-m", "amity", "user", "create", args.user],
                env={**os.environ, **target},
                input="\n",
                text=True,
                check=True,
                capture_output=True,
            )
            results["restore"].append(timed(target, "restore", str(export_file), "--json", *user))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1][0]:.2f} s" for k, v in results.items()))
    after = backend.machine_reference()
    print(
        f"\nmachine reference: {reference:.3f} s before, {after:.3f} s after;"
        f" load average after: {os.getloadavg()}\n"
    )
    print(
        f"| step ({backend.backend_name()}) | wall s (median of {args.repeat}) | runs"
        " | CPU s | peak MB | target |"
    )
    print("| --- | ---: | --- | ---: | ---: | --- |")
    for name, samples in results.items():
        walls = [s[0] for s in samples]
        print(
            f"| {name} | {statistics.median(walls):.2f} | {', '.join(f'{w:.1f}' for w in walls)}"
            f" | {statistics.median(s[1] for s in samples):.2f}"
            f" | {statistics.median(s[2] for s in samples):.0f} | {TARGETS[name]} |"
        )


if __name__ == "__main__":
    main()
