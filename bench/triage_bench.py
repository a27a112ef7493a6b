"""Time `amity triage` on 100,000 imported inbound messages in a fresh database.

    .venv/bin/python bench/triage_bench.py --home /tmp/amity-triage [--messages 100000]
    .venv/bin/python bench/triage_bench.py --home DIR --database-url postgresql://.../EMPTY_DB

SQLite: the database in --home is deleted first; PostgreSQL: give an empty database.

Builds a user with 20,000 people: 2,000 with real history (outbound and mutual
interactions over five years) and the rest strangers. It then writes the inbound
messages (as an mbox or LinkedIn import would leave them: direction inbound, full
text in `content`), 40 % from known people and 60 % from strangers. The texts are
composed from fragments of personal notes, asks and pitches with names, topics and
numbers drawn at random, so almost every message is unique (no cache can help).

Reports the time of one full triage (load, relationship engine, classification,
report) twice, wall and CPU time (the machine may be shared), plus where the time
goes and the cost of the domain classification alone.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)

NAMES = [
    "Ada",
    "Bo",
    "Chen",
    "Dana",
    "Eli",
    "Femi",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Mo",
    "Nia",
    "Oli",
    "Pia",
    "Raj",
    "Sol",
    "Tom",
    "Uma",
    "Vic",
    "Wen",
    "Xia",
    "Yui",
    "Zoe",
]
TOPICS = [
    "the migration",
    "your talk on pricing",
    "the garden project",
    "the hiring plan",
    "your thesis",
    "the Berlin meetup",
    "the book club",
    "the grant application",
    "your new role",
    "the charity run",
    "the climbing trip",
    "the design review",
    "the onboarding docs",
    "your podcast episode",
]
PERSONAL = (
    "Hi {name}, thanks so much for your help with {topic} last {day}.",
    "Hey {name}! I keep thinking about {topic}; the part about {n} weeks really stuck.",
    "Congrats on {topic}, {name} - well deserved after the year you've had.",
    "It's been too long since {topic}. How are the kids? Still running on {day}s?",
    "I found the article about {topic} I mentioned and thought of you.",
    "No need to reply, just wanted to say {topic} made my week.",
)
ASKS = (
    "Could you introduce me to someone at {company}? Totally fine if not.",
    "Would you have {n} minutes next {day} to look at my CV?",
    "Can you refer me for the role at {company}? I need it by {day}.",
    "Would love to pick your brain about {topic} over coffee sometime.",
    "Any chance you could share my post about {topic} with your network?",
)
PITCHES = (
    "Hi {name}, we help companies like {company} cut costs by {n}% with our platform.",
    "Our team builds apps at ${n}/hour. Can I get 15 minutes on your calendar this {day}?",
    "Congratulations! You have been selected to receive a ${n} gift card. Click here.",
    "I came across your profile and would love to connect. We have an exciting opportunity.",
    "Just following up on my last email about our free trial - offer ends {day}.",
    "Dear Sir/Madam, kindly find our catalogue attached. Competitive prices, {n} units MOQ.",
)
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
]
DAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
]


def compose(rng: random.Random, pool: tuple[str, ...], parts: int) -> str:
    """Return a message of `parts` sentences from `pool` with random fillers."""
    return " ".join(
        rng.choice(pool).format(
            name=rng.choice(NAMES),
            topic=rng.choice(TOPICS),
            company=rng.choice(COMPANIES),
            day=rng.choice(DAYS),
            n=rng.randint(2, 90),
        )
        for _ in range(parts)
    )


def setup(home: Path, database_url: str) -> None:
    """Point Amity at a fresh database (SQLite in `home`, or `database_url`) and migrate it."""
    if not database_url:
        database = home / "amity.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    backend.setup(home, database_url, migrate=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build(messages: int, seed: int) -> object:
    """Write the people, their history and the inbound messages; return the owner."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from amity.core.bulk_writing import insert_rows
    from amity.people.models import Interaction, Person

    rng = random.Random(seed)
    owner = get_user_model().objects.create_user(username="bench", password="bench")
    now = timezone.now()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        people = [
            Person(
                owner=owner,
                full_name=f"{rng.choice(NAMES)} Person{i}",
                sort_name=f"person{i}",
                given_name=rng.choice(NAMES),
            )
            for i in range(20_000)
        ]
        Person.objects.bulk_create(people, batch_size=5000)
        ids = [p.pk for p in people]
        known, strangers = ids[:2000], ids[2000:]
        rows: list[tuple[object, ...]] = []
        links: list[tuple[int, int]] = []
        next_id = (
            Interaction.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1

        def add(person: int, when: dt.datetime, direction: str, intent: str, text: str) -> None:
            nonlocal next_id
            rows.append(
                (
                    next_id,
                    owner.pk,
                    uuid.UUID(int=rng.getrandbits(128)),
                    when,
                    "email",
                    direction,
                    intent,
                    "",
                    text[:80],
                    text,
                    "mbox",
                    f"bench-{next_id}",
                    now,
                )
            )
            links.append((next_id, person))
            next_id += 1

        for person in known:
            for _ in range(rng.randint(3, 25)):
                when = now - dt.timedelta(days=rng.randint(1, 1800))
                direction = rng.choice(("outbound", "mutual", "outbound", "inbound"))
                intent = rng.choice(("neutral", "neutral", "deposit", "withdrawal"))
                add(person, when, direction, intent, compose(rng, PERSONAL, 1))
        for _ in range(messages):
            when = now - dt.timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60))
            if rng.random() < 0.4:
                person = rng.choice(known)
                pool = PERSONAL if rng.random() < 0.8 else ASKS
            else:
                person = rng.choice(strangers)
                pool = (PERSONAL, ASKS, PITCHES, PITCHES)[rng.randrange(4)]
            add(person, when, "inbound", "neutral", compose(rng, pool, rng.randint(2, 5)))
        columns = (
            "id", "owner_id", "uid", "occurred_at", "channel", "direction", "intent",
            "subtype", "summary", "content", "source", "external_id", "created_at",
        )  # fmt: skip
        for start in range(0, len(rows), 20_000):
            insert_rows(Interaction, columns, rows[start : start + 20_000])
        through = Interaction.people.through
        for start in range(0, len(links), 50_000):
            insert_rows(through, ("interaction_id", "person_id"), links[start : start + 50_000])
        # The ids above were given, not drawn: move PostgreSQL's sequence past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Interaction]):
                cursor.execute(sql)
        from amity.people.timeline import refresh_summaries

        refresh_summaries(person_ids=ids)
    return owner


def main(argv: list[str] | None = None) -> int:
    """Build the inbox, triage it twice and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    setup(args.home, args.database_url)
    started = time.perf_counter()
    owner = build(args.messages, args.seed)
    print(
        f"built {args.messages} inbound messages in {time.perf_counter() - started:.1f} s"
        f" ({backend.backend_name()})"
    )

    from amity.domain import triage
    from amity.inbox import services

    for run in ("first run", "second run"):
        laps: dict[str, float] = {}
        cpu = time.process_time()
        clock = start = time.perf_counter()
        rows = services.inbound_messages(owner=owner)
        laps["load messages"] = time.perf_counter() - clock
        clock = time.perf_counter()
        services.sender_contexts(owner=owner)
        laps["relationship engine"] = time.perf_counter() - clock
        clock = time.perf_counter()
        report = services.triage_inbox(owner=owner, limit=20)
        laps["full triage_inbox call"] = time.perf_counter() - clock
        total = time.perf_counter() - start
        print(f"\n{run}: {len(rows)} messages")
        for name, seconds in laps.items():
            print(f"  {name:24s} {seconds:6.1f} s")
        print(f"  counts: {report['counts']}")
        print(
            f"  (the three steps above, run one after the other: {total:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU)"
        )
    sample = [triage.Message(id=i, text=r.text) for i, r in enumerate(rows[:20_000])]
    clock, cpu = time.perf_counter(), time.process_time()
    triage.triage(sample)
    per = (time.perf_counter() - clock) / len(sample) * 1000
    per_cpu = (time.process_time() - cpu) / len(sample) * 1000
    print(f"\ndomain triage alone: {per:.3f} ms per message wall, {per_cpu:.3f} ms CPU")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
