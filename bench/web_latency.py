"""Time the people pages and the people API on a database made by bench/generate.py.

    python bench/web_latency.py --home /tmp/amity-bench [--requests 20] [--query engineer]
    python bench/web_latency.py --home DIR --database-url postgresql://... [...]

Requests go through Django's test Client in-process (no network, no WSGI server):
the numbers are server-side wall time around `client.get`, covering middleware,
view, ORM queries and template rendering. Web pages are fetched logged in as
`bench`; the API with a personal token (`Authorization: Bearer ...`). Each route is
requested twice to warm up, then `--requests` times; the table shows the median and
the 95th percentile (nearest rank), the number of SQL queries and the slowest one.
With --explain, the query plan of the slowest query of each route is printed too.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)

TARGET_MS = 100.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    backend.add_arguments(parser)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--query", default="engineer", help="a common word for ?q=")
    parser.add_argument("--explain", action="store_true", help="print slow query plans")
    return parser.parse_args(argv)


def setup_django(home: Path, database_url: str) -> None:
    """Point Amity at the benchmark database and apply any newer migrations."""
    if not database_url and not (home / "amity.sqlite3").exists():
        sys.exit(f"no database in {home}: run bench/generate.py first")
    # whitenoise warns that STATIC_ROOT was never collected; irrelevant to timings.
    warnings.filterwarnings("ignore", message="No directory at")
    backend.setup(home, database_url)


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(client: Any, path: str, count: int, headers: dict[str, str]) -> dict[str, Any]:
    """Request `path` twice to warm up, then `count` times; return timings and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path, headers=headers)
    if first.status_code != 200:
        return {"status": first.status_code, "times": [], "queries": []}
    client.get(path, headers=headers)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    # Count queries on a separate request: capturing them slows every query down.
    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers=headers)
    return {"status": 200, "times": times, "queries": list(captured.captured_queries)}


def _typo_of(name: str, people: Any) -> str:
    """Return `name` with two letters swapped, misspelt so that nobody matches it."""
    word = name.lower()
    for i in range(1, len(word) - 1):
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if typo != word and not people.filter(search_text__contains=typo).exists():
            return typo
    return word + "q"


def main(argv: list[str] | None = None) -> None:
    """Measure every route and print a Markdown table."""
    args = parse_args(argv)
    setup_django(args.home, args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from amity.accounts.services import create_token
    from amity.people.models import Person

    user = get_user_model().objects.get(username="bench")
    people = Person.objects.filter(owner=user)
    busiest = people.order_by("-interaction_count", "id").first()
    total = people.count()
    typical = people.order_by("interaction_count", "id")[total // 2]
    _token, raw = create_token(owner=user, name="web_latency")
    typo = _typo_of(typical.family_name or typical.full_name.split()[-1], people)

    web = Client(HTTP_HOST="localhost")
    web.force_login(user)
    api = Client(HTTP_HOST="localhost")
    bearer = {"Authorization": f"Bearer {raw}"}
    routes = [
        ("GET /people/ (first page)", web, "/people/", {}, True),
        (f"GET /people/?q={args.query}", web, f"/people/?q={args.query}", {}, False),
        ("GET /people/?sort=recent", web, "/people/?sort=recent", {}, False),
        # Sorting by a score ranks everyone's strength (issue 15's columns).
        ("GET /people/?sort=strength", web, "/people/?sort=strength", {}, False),
        ("GET /people/?sort=overdue", web, "/people/?sort=overdue", {}, False),
        # A misspelt name nobody has: the search falls back to close spellings.
        (f"GET /people/?q={typo} (typo)", web, f"/people/?q={typo}", {}, False),
        ("GET /api/v1/people (first page)", api, "/api/v1/people", bearer, True),
        (
            f"GET /people/<id>/ busiest ({busiest.interaction_count} interactions)",
            web,
            f"/people/{busiest.pk}/",
            {},
            True,
        ),
        (
            f"GET /people/<id>/ typical ({typical.interaction_count} interactions)",
            web,
            f"/people/{typical.pk}/",
            {},
            True,
        ),
    ]
    # The machine is shared: a fixed loop's time says how fast it was during this run.
    print(
        f"{total} people on {backend.backend_name()}; {args.requests} requests per route after"
        f" 2 warm-ups; machine reference {backend.machine_reference():.2f} s,"
        f" load {os.getloadavg()[0]:.1f}.\n"
    )
    print("| request | status | median ms | p95 ms | queries | slowest query ms | target |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    plans: list[tuple[str, dict[str, str], bool]] = []
    for label, client, path, headers, targeted in routes:
        result = measure(client, path, args.requests, headers)
        if result["status"] == 404 and path == "/api/v1/people":
            result = measure(client, path + "/", args.requests, headers)
        if not result["times"]:
            target = "route missing" if result["status"] == 404 else "failed"
            print(f"| {label} | {result['status']} | - | - | - | - | {target} |")
            continue
        median = statistics.median(result["times"])
        p95 = percentile(result["times"], 0.95)
        queries = result["queries"]
        worst = max(queries, key=lambda q: float(q["time"]), default=None)
        worst_ms = f"{float(worst['time']) * 1000:.1f}" if worst else "-"
        verdict = "-"
        if targeted:
            verdict = "met (<100)" if median < TARGET_MS else "**missed** (<100)"
        if worst:
            plans.append((label, worst, targeted and median >= TARGET_MS))
        print(
            f"| {label} | 200 | {median:.1f} | {p95:.1f} | {len(queries)} | {worst_ms} "
            f"| {verdict} |"
        )
    for label, query, missed in plans:
        if missed or args.explain:
            print(f"\nSlowest query of {label} ({float(query['time']) * 1000:.1f} ms):")
            print(query["sql"])
            # The captured SQL has its parameters filled in on both backends.
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            with connection.cursor() as cursor:
                cursor.execute(explain + query["sql"])
                for row in cursor.fetchall():
                    print("  plan:", row[-1])


if __name__ == "__main__":
    main()
