"""Time one user's pages on PostgreSQL alone, then among 1,000 accounts of 1,000 people.

    python bench/tenants_bench.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/amity_tenants \\
        [--accounts 1000] [--people 1000] [--interactions 5000] [--requests 20]

Builds one account, `tenant0001`, with --people people and --interactions
interactions (the skew of bench/generate.py: heavy-tailed interactions per person,
some groups), its contact points, tags and engine summaries, in a database of its own
(`<name>_single`); builds the same account in the database of --database-url and
copies it there 999 times in SQL (INSERT ... SELECT over generate_series, ids shifted
per copy, uids re-derived; the copies' rows interleave on disk, the worst case for
locality), then runs VACUUM ANALYZE as autovacuum would. Both databases are
recreated (their names must start with amity_); --reuse keeps a built many-account
database.

It then times one user's pages (Today, the people list, a search, the recent sort,
the busiest and a typical person page, and the API's people, today and a person's
interactions) in-process with Django's test Client, as bench/web_latency.py does, in
rounds that alternate between the databases so that the shared machine's load falls
on both alike: the account alone, and the first, a middle and the last of the 1,000.
An owner-leading index answers each page from that owner's rows alone, so the pages
should be as fast among 1,000 accounts as alone; the table prints both and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from engine_bench import machine_reference

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL database to recreate")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--people", type=int, default=1000, help="people per account")
    parser.add_argument("--interactions", type=int, default=5000, help="per account")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of timing")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the many-account database if it is built"
    )
    return parser.parse_args(argv)


def recreate(url: str, name: str) -> None:
    """Drop and create database `name` on the server of `url` (names start with amity_)."""
    import psycopg
    from psycopg import sql

    if not name.startswith("amity_"):
        sys.exit(f"refusing to recreate database {name!r}: its name must start with amity_")
    info = psycopg.conninfo.conninfo_to_dict(url)
    with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True) as conn:
        database = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


def setup_django(url: str) -> str:
    """Point Amity at the database in `url`; return its name."""
    import psycopg

    name = str(psycopg.conninfo.conninfo_to_dict(url).get("dbname") or "")
    home = Path(f"/tmp/{name}-home")
    home.mkdir(exist_ok=True)
    os.environ.update(AMITY_HOME=str(home), AMITY_DATABASE_URL=url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
    import django

    django.setup()
    return name


def use_database(name: str, *, fresh: bool = False, url: str = "") -> None:
    """Switch Django's connection to database `name` (recreated and migrated if fresh)."""
    from django.core.management import call_command
    from django.db import connections

    connections["default"].close()
    if fresh:
        recreate(url, name)
    connections["default"].settings_dict["NAME"] = name
    if fresh:
        call_command("migrate", interactive=False, verbosity=0)


def build_account(args: argparse.Namespace) -> Any:
    """Create `tenant0001` with a generated network; return the user."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from generate import CHANNELS, DIRECTIONS, INTENTS, TAGS, build_people, skewed_participants

    from amity.people.models import ContactPoint, Interaction, Person, Tag
    from amity.people.timeline import refresh_summaries

    owner = get_user_model().objects.create_user(username="tenant0001", password="bench")
    rng = np.random.default_rng(args.seed)
    end = time.time()
    span = 3 * 365 * 86400
    seconds = np.sort(end - span + rng.beta(1.4, 1.0, args.interactions) * span)
    rows, persons = skewed_participants(rng, args.people, args.interactions)
    counts = np.bincount(persons, minlength=args.people)
    last = np.zeros(args.people, dtype=np.int64)
    np.maximum.at(last, persons, seconds[rows].astype(np.int64))
    with transaction.atomic():
        people, emails = build_people(rng, args.people, owner, (counts * 0, last * 0))
        Person.objects.bulk_create(people, batch_size=1000)
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(
                    owner=owner, person=p, kind="email", value=m[0], normalized=m[0],
                    is_primary=True,
                )
                for p, m in zip(people, emails, strict=True)
                if m
            ]
        )  # fmt: skip
        tags = Tag.objects.bulk_create([Tag(owner=owner, name=name) for name in TAGS])
        through = Person.tags.through
        tagged = np.flatnonzero(rng.random(args.people) < 0.3).tolist()
        through.objects.bulk_create(
            [through(person_id=people[p].pk, tag_id=tags[p % len(tags)].pk) for p in tagged]
        )
        made = Interaction.objects.bulk_create(
            [
                Interaction(
                    owner=owner,
                    uid=uuid.UUID(int=int(rng.integers(1 << 62)) << 64 | i),
                    occurred_at=dt.datetime.fromtimestamp(float(s), tz=dt.UTC),
                    channel=CHANNELS[i % len(CHANNELS)],
                    direction=DIRECTIONS[i % len(DIRECTIONS)],
                    intent=INTENTS[(i // 3) % len(INTENTS)],
                    summary=f"Talked about plan {i % 97}",
                    source="bench",
                )
                for i, s in enumerate(seconds.tolist())
            ],
            batch_size=1000,
        )
        links = Interaction.people.through
        links.objects.bulk_create(
            [
                links(interaction_id=made[r].pk, person_id=people[p].pk)
                for r, p in zip(rows.tolist(), persons.tolist(), strict=True)
            ],
            batch_size=5000,
        )
        refresh_summaries(person_ids=[p.pk for p in people])
    # As Amity does after its own bulk writes: the planner needs statistics.
    from amity.core.bootstrap import refresh_planner_statistics

    refresh_planner_statistics()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as for the copies: a fair comparison
    return owner


def clone_accounts(count: int) -> float:
    """Copy account 1 into accounts 2..count in SQL; return the seconds it took."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from amity.people.models import ContactPoint, Interaction, Person, Tag
    from amity.relationships.models import PersonSummary

    user = get_user_model()
    models = [
        Tag,
        Person,
        Person.tags.through,
        ContactPoint,
        Interaction,
        Interaction.people.through,
        PersonSummary,
    ]
    quote = connection.ops.quote_name
    started = time.perf_counter()
    with connection.cursor() as cursor:
        stride: dict[Any, int] = {user: 1}
        for model in models:
            cursor.execute(f"SELECT COALESCE(MAX({quote(model._meta.pk.column)}), 0) + 1 "
                           f"FROM {quote(model._meta.db_table)}")  # fmt: skip
            stride[model] = int(cursor.fetchone()[0])
        for first in range(1, count, 100):
            series = f"generate_series({first}, {min(first + 99, count - 1)}) AS k"
            with transaction.atomic():
                cursor.execute(
                    f"INSERT INTO {quote(user._meta.db_table)} (id, password, is_superuser, "
                    "username, first_name, last_name, email, is_staff, is_active, date_joined) "
                    "SELECT id + k, password, false, 'tenant' || lpad((k + 1)::text, 4, '0'), "
                    f"'', '', '', false, true, date_joined FROM {quote(user._meta.db_table)}, "
                    f"{series} WHERE id = 1"
                )
                for model in models:
                    columns, values = [], []
                    for field in model._meta.concrete_fields:
                        column = quote(field.column)
                        columns.append(column)
                        if field.is_relation:
                            values.append(f"{column} + k * {stride[field.related_model]}")
                        elif field.primary_key:
                            values.append(f"{column} + k * {stride[model]}")
                        elif field.name == "uid":
                            values.append(f"md5({column}::text || k)::uuid")
                        else:
                            values.append(column)
                    cursor.execute(
                        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
                        f"SELECT {', '.join(values)} FROM {quote(model._meta.db_table)}, {series} "
                        f"WHERE {column_of_first_account(model, stride)}"
                    )
            print(f"  accounts up to {min(first + 100, count)} copied", flush=True)
        for model in [user, *models]:
            if model is PersonSummary:
                continue
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {quote(table)}))"
            )
        # What autovacuum does after bulk writes: statistics, and the visibility map
        # that lets index-only scans skip the table.
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def column_of_first_account(model: Any, stride: dict[Any, int]) -> str:
    """Return the condition that picks account 1's rows of `model` (ids below the stride)."""
    from django.db import connection

    pk = model._meta.pk
    return f"{connection.ops.quote_name(pk.column)} < {stride[model]}"


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def routes_for(owner: Any) -> list[tuple[str, str, bool]]:
    """Return (label, path, api) of the per-user pages to time."""
    from amity.people.models import Person

    people = Person.objects.filter(owner=owner)
    busiest = people.order_by("-interaction_count", "id").first()
    typical = people.order_by("interaction_count", "id")[people.count() // 2]
    word = (busiest.company or busiest.field or "a").split()[0].lower()
    return [
        ("GET / (Today)", "/", False),
        ("GET /people/", "/people/", False),
        ("GET /people/?q=word", f"/people/?q={word}", False),
        ("GET /people/?sort=recent", "/people/?sort=recent", False),
        ("GET /people/<busiest>/", f"/people/{busiest.pk}/", False),
        ("GET /people/<typical>/", f"/people/{typical.pk}/", False),
        ("GET /api/v1/people", "/api/v1/people", True),
        ("GET /api/v1/today", "/api/v1/today", True),
        ("GET /api/v1/interactions?person=", f"/api/v1/interactions?person={busiest.pk}", True),
    ]


def clients_for(owner: Any) -> list[tuple[str, Any, str]]:
    """Return (label, signed-in client, path) for each page, warmed up twice."""
    from django.test import Client

    from amity.accounts.services import create_token

    _token, raw = create_token(owner=owner, name="tenants bench")
    web = Client(HTTP_HOST="localhost")
    web.force_login(owner)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {raw}")
    pages = []
    for label, path, is_api in routes_for(owner):
        client = api if is_api else web
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        pages.append((label, client, path))
    return pages


def time_pages(pages: list[tuple[str, Any, str]], requests: int, into: dict[str, Any]) -> None:
    """Request each page `requests` times; add the times (ms) to `into[label]`."""
    for label, client, path in pages:
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            into.setdefault(label, []).append((time.perf_counter() - started) * 1000)


def blocks_read(pages: list[tuple[str, Any, str]]) -> dict[str, tuple[int, int]]:
    """Return, per page, its SELECT count and the buffer blocks they touch (EXPLAIN BUFFERS).

    Unlike a time, the number of 8 kB blocks a page's queries touch does not depend on
    the machine's load: the same count alone and among 1,000 accounts means the indexes
    confine each query to its owner's rows.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for label, client, path in pages:
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        blocks = 0
        with connection.cursor() as cursor:
            for sql in selects:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan[0]["Plan"] if isinstance(plan, list) else plan
                blocks += int(plan.get("Shared Hit Blocks", 0)) + int(
                    plan.get("Shared Read Blocks", 0)
                )
        found[label] = (len(selects), blocks)
    return found


# long because: build both databases, time them in alternation, print one table
def main(argv: list[str] | None = None) -> None:
    """Build both databases, time the pages in alternating rounds, print a Markdown table."""
    args = parse_args(argv)
    reference = machine_reference()
    print(f"machine reference (sum of 10**7 squares in pure Python): {reference:.3f} s; "
          f"load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    many = setup_django(args.database_url)
    single = f"{many}_single"
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    use_database(single, fresh=True, url=args.database_url)
    build_account(args)
    use_database(many)
    try:
        built = users.count() >= args.accounts and args.reuse
    except Exception:  # noqa: BLE001 - no database or no tables yet: build it
        built = False
    if not built:
        use_database(many, fresh=True, url=args.database_url)
        started = time.perf_counter()
        build_account(args)
        print(f"built account 1 in {time.perf_counter() - started:.1f} s", flush=True)
        seconds = clone_accounts(args.accounts)
        print(f"copied it to {args.accounts} accounts in {seconds:.0f} s", flush=True)
    # Sessions and tokens live in each database: sign in there, then alternate.
    numbers = sorted({1, args.accounts // 2, args.accounts})
    clients = {"many": {n: clients_for(users.get(username=f"tenant{n:04d}")) for n in numbers}}
    from amity.people.models import Interaction, Person

    sizes = (Person.objects.count(), Interaction.objects.count(), users.count())
    use_database(single)
    clients["single"] = {1: clients_for(users.get(username="tenant0001"))}
    times: dict[str, dict[str, list[float]]] = {}
    medians: dict[str, dict[str, list[float]]] = {}
    for _round in range(args.rounds):
        for database, name in (("single", single), ("many", many)):
            use_database(name)
            for number, pages in clients[database].items():
                key = "alone" if database == "single" else f"account {number}"
                found: dict[str, list[float]] = {}
                time_pages(pages, args.requests, found)
                for label, values in found.items():
                    times.setdefault(key, {}).setdefault(label, []).extend(values)
                    medians.setdefault(key, {}).setdefault(label, []).append(
                        statistics.median(values)
                    )
    use_database(single)
    blocks = {"alone": blocks_read(clients["single"][1])}
    use_database(many)
    for number, pages in clients["many"].items():
        blocks[f"account {number}"] = blocks_read(pages)
    print(f"\n{sizes[0]} people and {sizes[1]} interactions in {sizes[2]} accounts; "
          f"{args.rounds} rounds alternating the databases, {args.requests} requests per page "
          f"each; median of the rounds' medians / p95 of all requests; machine reference "
          f"{reference:.3f} s before, {machine_reference():.3f} s after; "
          f"load {os.getloadavg()[0]:.2f}\n")  # fmt: skip
    others = [key for key in times if key != "alone"]
    header = " | ".join(f"{key} (of {sizes[2]}) ms" for key in others)
    print(f"| page | alone ms | {header} | worst ratio |")
    print("| --- | --- |" + " --- |" * len(others) + " --- |")
    for label, values in times["alone"].items():
        base = statistics.median(medians["alone"][label])
        cells, worst = [], 0.0
        for key in others:
            median = statistics.median(medians[key][label])
            worst = max(worst, median / base)
            cells.append(f"{median:.1f} / {percentile(times[key][label], 0.95):.1f}")
        print(f"| {label} | {base:.1f} / {percentile(values, 0.95):.1f} | "
              f"{' | '.join(cells)} | {worst:.2f} |")  # fmt: skip
    print(
        "\nSELECT statements per page and the buffer blocks (8 kB) they touch (EXPLAIN "
        "(ANALYZE, BUFFERS)), which no machine load changes:\n"
    )
    print("| page | " + " | ".join(f"{key} queries / blocks" for key in blocks) + " |")
    print("| --- |" + " --- |" * len(blocks))
    for label in times["alone"]:
        cells = [f"{blocks[key][label][0]} / {blocks[key][label][1]}" for key in blocks]
        print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
