"""Generate a large synthetic Amity network in a fresh database (SQLite or PostgreSQL), fast.

    python bench/generate.py --people 100000 --interactions 2000000 --home /tmp/amity-bench
    python bench/generate.py ... --home /tmp/amity-pg --database-url postgresql://u@host/db

Creates the database (migrations), a user `bench` (password `bench`) and a network
with a realistic skew (connection dates for LinkedIn contacts, some birthdays, a
few fresh job changes): interactions per person are heavy-tailed (Pareto weights, a
few people with thousands, many with a handful, some with none); most interactions
involve one person, some two or three. People carry search_text and up-to-date
summaries (interaction_count, last_interaction_at), as the services would leave them.

People, contact points and tags go through Django's bulk_create; the two big tables
(interactions and their participant rows) are written with the DB-API executemany in
large chunks inside one transaction (COPY on PostgreSQL). With --database-url the
database must be empty, or --force drops everything in its public schema first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backend  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
YEARS = 5
CHUNK = 50_000
CHANNELS = ("email", "call", "meeting", "message", "social", "in_person", "letter")
CHANNEL_P = (0.27, 0.12, 0.10, 0.33, 0.10, 0.07, 0.01)
DIRECTIONS = ("outbound", "inbound", "mutual")
DIRECTION_P = (0.45, 0.35, 0.20)
INTENTS = ("neutral", "deposit", "withdrawal")
INTENT_P = (0.6, 0.28, 0.12)
DEPOSIT_SUBTYPES = ("shared_content", "introduction", "help", "congrats", "thanks")
WITHDRAWAL_SUBTYPES = ("favour", "referral", "advice_request", "pitch")
SUMMARIES = {
    "neutral": ("Coffee; talked about {}", "Call about {}", "Messages about {}", "Lunch and {}"),
    "deposit": ("Sent the article on {}", "Intro to a friend in {}", "Feedback on the {} deck"),
    "withdrawal": ("Asked for advice on {}", "Asked for a referral ({})", "Pitched the {} idea"),
}
TAGS = (
    "mentor",
    "former colleague",
    "book club",
    "conference friends",
    "climate circle",
    "university",
    "neighbours",
    "investor",
    "hiring",
    "close friends",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    backend.add_arguments(parser)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--force", action="store_true", help="delete an existing database in --home first"
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="skip the planner statistics Amity gathers after bulk writes (to see the cost)",
    )
    return parser.parse_args(argv)


def setup_django(home: Path, force: bool, database_url: str = "") -> None:
    """Point Amity at a fresh database (SQLite in `home`, or `database_url`) and migrate it."""
    database = home / "amity.sqlite3"
    if not database_url and database.exists():
        if not force:
            sys.exit(f"{database} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    backend.setup(home, database_url, migrate=False)
    from django.core.management import call_command
    from django.db import connection

    if database_url:
        tables = connection.introspection.table_names()
        if tables and not force:
            sys.exit(f"{database_url} has {len(tables)} tables; pass --force to drop them")
        if tables:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", interactive=False, verbosity=0)


def skewed_participants(
    rng: np.random.Generator, people: int, interactions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (interaction index, person index) pairs with a heavy-tailed spread.

    Every interaction has one person drawn by Pareto weight; 10% get a second and 3%
    a third (distinct from the first: a group meeting, not a duplicate row).
    """
    weights = rng.pareto(1.2, people) + 0.01
    # Cap the heaviest tie near 0.2% of all interactions (a few thousand): a partner
    # or a co-founder, not half the database.
    weights = np.minimum(weights, weights.sum() * 0.002)
    p = weights / weights.sum()
    first = rng.choice(people, size=interactions, p=p)
    extra_rows, extra_people = [], []
    for share in (0.10, 0.03):
        rows = np.flatnonzero(rng.random(interactions) < share)
        extra_rows.append(rows)
        extra_people.append(rng.choice(people, size=rows.size, p=p))
    rows = np.concatenate([np.arange(interactions), *extra_rows])
    persons = np.concatenate([first, *extra_people])
    # Drop repeats of the same person in one interaction (the M2M row is unique).
    pairs = np.unique(rows.astype(np.int64) * people + persons)
    return pairs // people, pairs % people


def build_people(
    rng: np.random.Generator, count: int, owner: Any, stats: tuple[np.ndarray, np.ndarray]
) -> tuple[list[Any], list[list[str]]]:
    """Return unsaved Person objects and each one's email addresses."""
    from django.utils import timezone

    from amity.people.models import Person
    from amity.people.services import apply_name, build_search_text
    from amity.portability import demo_vocabulary

    counts, last_seconds = stats
    regions, fields = demo_vocabulary.REGIONS, demo_vocabulary.FIELDS
    region_p = np.array([r.weight for r in regions], dtype=float)
    field_p = np.array([f.weight for f in fields], dtype=float)
    region_of = rng.choice(len(regions), size=count, p=region_p / region_p.sum())
    field_of = rng.choice(len(fields), size=count, p=field_p / field_p.sum())
    picks = rng.integers(0, 1 << 30, size=(count, 6))
    has_email = rng.random(count) < 0.7
    has_linkedin = rng.random(count) < 0.85
    # As a LinkedIn export leaves them: a connection date for every LinkedIn contact,
    # a birthday for some (from Google Contacts or vCards), a few fresh job changes.
    connected_days = rng.integers(30, 10 * 365, size=count)
    has_birthday = rng.random(count) < 0.15
    birthday_days = rng.integers(20 * 365, 70 * 365, size=count)
    job_change_days = np.where(rng.random(count) < 0.005, rng.integers(0, 90, size=count), -1)
    today = dt.date.today()
    created = timezone.now()
    names: dict[str, dict[str, str]] = {}
    name_fields = ("full_name", "given_name", "middle_name", "family_name", "sort_name")
    people, emails = [], []
    for i in range(count):
        region, field = regions[region_of[i]], fields[field_of[i]]
        pick = picks[i]
        given_pool = region.female if pick[0] % 2 else region.male
        full_name = f"{given_pool[pick[1] % len(given_pool)]} {region.family[pick[2] % 16]}"
        parsed = names.get(full_name)
        if parsed is None:
            # nameparser is the slow part; a 100k network reuses a few thousand names.
            template = Person()
            apply_name(template, full_name)
            parsed = names[full_name] = {f: getattr(template, f) for f in name_fields}
        person = Person(
            owner=owner,
            **parsed,
            company=field.companies[pick[3] % len(field.companies)],
            title=field.titles[pick[4] % len(field.titles)],
            field=field.name,
            location=region.cities[pick[5] % len(region.cities)],
            interests=[field.interests[pick[3] % len(field.interests)]],
            interaction_count=int(counts[i]),
            last_interaction_at=(
                dt.datetime.fromtimestamp(int(last_seconds[i]), tz=dt.UTC) if counts[i] else None
            ),
            created_at=created,
            updated_at=created,
        )
        if has_linkedin[i]:
            person.connected_on = today - dt.timedelta(days=int(connected_days[i]))
        if has_birthday[i]:
            person.birthday = today - dt.timedelta(days=int(birthday_days[i]))
        if job_change_days[i] >= 0:
            changed = today - dt.timedelta(days=int(job_change_days[i]))
            person.provenance = {"company_changed_on": changed.isoformat()}
        slug = f"{parsed['given_name']}-{parsed['family_name']}-{i:x}".lower().replace(" ", "-")
        if has_linkedin[i]:
            person.linkedin_url = f"https://www.linkedin.com/in/{slug}"
        mail = [f"{slug}@example.org"] if has_email[i] else []
        person.search_text = build_search_text(person, mail)
        people.append(person)
        emails.append(mail)
    return people, emails


def uuid_hex(rng: np.random.Generator, count: int) -> list[str]:
    """Return `count` random version-4 UUIDs as the 32-digit hex SQLite stores."""
    raw = rng.integers(0, 256, size=(count, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = raw.tobytes().hex()
    return [text[i * 32 : (i + 1) * 32] for i in range(count)]


def write(cursor: Any, insert: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows with executemany, or COPY on PostgreSQL (the INSERT's columns)."""
    if cursor.db.vendor != "postgresql":
        cursor.executemany(insert, rows)
        return
    head = insert.split(" VALUES")[0].replace("INSERT INTO", "COPY")
    with cursor.cursor.copy(f"{head} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def main(argv: list[str] | None = None) -> None:
    """Generate the network and report what was written and how long it took."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    args = parse_args(argv)
    console = Console()
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    setup_django(args.home, args.force, args.database_url)
    lap("migrate")
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from amity.people.models import ContactPoint, Interaction, Person, Tag
    from amity.portability import demo_vocabulary

    postgres = connection.vendor == "postgresql"
    owner = get_user_model().objects.create_user(username="bench", password="bench")
    rng = np.random.default_rng(args.seed)
    n_people, n_interactions = args.people, args.interactions

    # Draw every interaction first, so people are saved with their final summaries.
    end = int(time.time())
    span = int(YEARS * 365.25 * 86400)
    # Beta(1.4, 1) leans towards the present, as networks grow and logging improves.
    seconds = np.sort(end - span + (rng.beta(1.4, 1.0, n_interactions) * span).astype(np.int64))
    rows, persons = skewed_participants(rng, n_people, n_interactions)
    counts = np.bincount(persons, minlength=n_people)
    last = np.zeros(n_people, dtype=np.int64)
    np.maximum.at(last, persons, seconds[rows])
    lap("draw")

    # A throwaway benchmark database: durability can wait until the commit.
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET synchronous_commit = off")
        else:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    with (
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress,
        transaction.atomic(),
    ):
        cursor = connection.cursor()

        task = progress.add_task("people", total=n_people)
        people, emails = build_people(rng, n_people, owner, (counts, last))
        for start in range(0, n_people, 5000):
            Person.objects.bulk_create(people[start : start + 5000], batch_size=5000)
            progress.update(task, advance=len(people[start : start + 5000]))
        lap("people")

        task = progress.add_task("contacts, tags", total=2)
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(
                    owner=owner,
                    person=person,
                    kind="email",
                    value=mail[0],
                    normalized=mail[0],
                    is_primary=True,
                )
                for person, mail in zip(people, emails, strict=True)
                if mail
            ],
            batch_size=5000,
        )
        progress.advance(task)
        tags = Tag.objects.bulk_create([Tag(owner=owner, name=name) for name in TAGS])
        tagged = np.flatnonzero(rng.random(n_people) < 0.3)
        tag_of = rng.integers(0, len(tags), size=tagged.size)
        Person.tags.through.objects.bulk_create(
            [
                Person.tags.through(person_id=people[p].pk, tag_id=tags[t].pk)
                for p, t in zip(tagged.tolist(), tag_of.tolist(), strict=True)
            ],
            batch_size=5000,
        )
        progress.advance(task)
        lap("contacts_tags")

        channel = rng.choice(len(CHANNELS), size=n_interactions, p=CHANNEL_P)
        direction = rng.choice(len(DIRECTIONS), size=n_interactions, p=DIRECTION_P)
        intent = rng.choice(len(INTENTS), size=n_interactions, p=INTENT_P)
        pick = rng.integers(0, 1 << 30, size=n_interactions).tolist()
        channel, direction, intent = channel.tolist(), direction.tolist(), intent.tolist()
        uids = uuid_hex(rng, n_interactions)
        # Django stores SQLite datetimes as UTC text with a space; queries compare text.
        # PostgreSQL reads the same text with an explicit UTC offset.
        zone = "+00" if postgres else ""
        stamps = [
            s.replace("T", " ") + zone
            for s in np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()
        ]
        topics = sorted({t for f in demo_vocabulary.FIELDS for t in f.interests})
        summaries = {
            name: [template.format(topic) for template in SUMMARIES[name] for topic in topics]
            for name in INTENTS
        }
        subtypes = {
            "neutral": ("",),
            "deposit": DEPOSIT_SUBTYPES,
            "withdrawal": WITHDRAWAL_SUBTYPES,
        }
        table = Interaction._meta.db_table
        insert = (
            f'INSERT INTO "{table}" (owner_id, uid, occurred_at, channel, direction, intent, '
            "subtype, summary, content, source, external_id, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        )
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        first_id = cursor.fetchone()[0] + 1
        task = progress.add_task("interactions", total=n_interactions)
        for start in range(0, n_interactions, CHUNK):
            batch = []
            for i in range(start, min(start + CHUNK, n_interactions)):
                kind = INTENTS[intent[i]]
                stamp = stamps[i]
                pool = summaries[kind]
                batch.append(
                    (
                        owner.pk,
                        uids[i],
                        stamp,
                        CHANNELS[channel[i]],
                        DIRECTIONS[direction[i]],
                        kind,
                        subtypes[kind][pick[i] % len(subtypes[kind])],
                        pool[pick[i] % len(pool)],
                        "",
                        "bench",
                        "",
                        stamp,
                    )
                )
            write(cursor, insert, batch)
            progress.update(task, advance=len(batch))
        cursor.execute(f'SELECT MAX(id) FROM "{table}"')
        if cursor.fetchone()[0] != first_id + n_interactions - 1:
            raise RuntimeError("interaction ids are not contiguous; cannot map participants")
        lap("interactions")

        through = Interaction.people.through._meta.db_table
        person_ids = np.array([p.pk for p in people], dtype=np.int64)
        pair_interactions = (rows + first_id).tolist()
        pair_people = person_ids[persons].tolist()
        task = progress.add_task("participants", total=len(pair_people))
        sql = f'INSERT INTO "{through}" (interaction_id, person_id) VALUES (%s, %s)'
        for start in range(0, len(pair_people), CHUNK * 2):
            stop = start + CHUNK * 2
            write(
                cursor,
                sql,
                list(zip(pair_interactions[start:stop], pair_people[start:stop], strict=True)),
            )
            progress.update(task, advance=len(pair_people[start:stop]))
        lap("participants")

    cursor = connection.cursor()
    if not postgres:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lap("commit_checkpoint")
    if not args.no_analyze:
        # What Amity does after its own bulk writes and at `amity serve` start: without
        # statistics SQLite walks a rare person's timeline through the (owner,
        # occurred_at) index of every interaction; see docs/benchmarks.md.
        from amity.core.bootstrap import refresh_planner_statistics

        refresh_planner_statistics()
        if postgres:
            # A live database is vacuumed by autovacuum within minutes of a bulk write;
            # a freshly generated one is not yet (and a clone made with CREATE DATABASE
            # ... TEMPLATE starts with no activity counts, so autovacuum never visits
            # it): without the visibility map no index-only scan is possible, and every
            # first read writes hint bits, so the benchmarks would measure that instead.
            with connection.cursor() as vacuum:
                vacuum.execute("VACUUM (ANALYZE)")
        lap("analyze")
    total = time.perf_counter() - started
    if postgres:
        cursor.execute("SELECT pg_database_size(current_database())")
        size, where = cursor.fetchone()[0], args.database_url
    else:
        size, where = (args.home / "amity.sqlite3").stat().st_size, args.home / "amity.sqlite3"

    report = Table("step", "seconds", title="bench/generate.py")
    for name, value in timings.items():
        report.add_row(name, f"{value:.1f}")
    report.add_row("[bold]total[/]", f"[bold]{total:.1f}[/]")
    console.print(report)
    console.print(
        f"{n_people} people, {n_interactions} interactions, {len(pair_people)} participant "
        f"rows; max interactions per person {int(counts.max())}, median "
        f"{int(np.median(counts))}, people with none {int((counts == 0).sum())}; "
        f"database {size / 1e6:.0f} MB at {where}; {backend.backend_name()}"
    )


if __name__ == "__main__":
    main()
