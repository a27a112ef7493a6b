"""Measure the importers on synthetic LinkedIn exports, on SQLite or PostgreSQL.

Generates a Connections.csv and a messages.csv of fictional people, then times:
  1. importing the Connections.csv into an empty database,
  2. importing the same file again (everything unchanged),
  3. importing the messages.csv.
Peak memory is the process's maximum resident set size (resource.getrusage) after
each step; `--tracemalloc` also reports the peak of Python allocations (slower).

Step 1 is also given as a ratio to a floor measured in the same run, on the same
backend, garbage collector paused as in an import: parsing the CSV with the standard
`csv` module (a tuple of the seven cells per row) plus one bulk insert of those rows
(`executemany` in one transaction on SQLite, one COPY on PostgreSQL) into an empty
table, of two kinds: "person", a copy of Amity's people table with all its indexes
and constraints (foreign keys included),
the cells in their person columns and the rows in sort_name order (the cheapest
order for those indexes); "bare", a table of just the seven text columns. Each floor
is timed right before and right after the import; the ratio uses their mean.

    .venv/bin/python bench/import_bench.py [--home DIR] [--database-url URL] \
        [--rows 100000] [--messages 100000] [--json]

Without --home a throwaway AMITY_HOME is made; with --database-url the database must
be empty (it is migrated, and the floor's table is created and dropped in it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backend  # noqa: E402


def _words(text: str) -> list[str]:
    """Split a block of names on whitespace."""
    return text.split()


FIRST = _words(
    "Ada Grace Alan Mirela Tobias Priya Jonas Zoe Hannah Felix Ilse Kwame Lena Arjun "
    "Odile Rafael Chidinma Jurgen Sam Noor Mateo Aiko Leila Bruno Carmen Dmitri Elif "
    "Farah Goran Hiro Ines Jamal Katya Lars Mina Nadia Omar Pia Quinn Rosa Sven Tariq "
    "Uma Vera Wen Xavi Yara Zain Amara Bjorn Cyrus Dalia Emil Fatima Gideon Hedda Ivo "
    "Jana Kofi Lucia Milan"
)
LAST = _words(
    "Lovelace Hopper Turing Okonkwo Lindqvist Raman Vermeulen Aldana Osei Wagner Brandt "
    "Asante Fischer Mehta Marchetti Quintero Okafor Muller Carter Haddad Rossi Tanaka "
    "Nasser Silva Ortega Petrov Yilmaz Khan Novak Sato Moreau Diallo Ivanova Berg "
    "Kowalski Amini Hassan Lund Costa Reyes Nilsson Mensah Park Schmidt Dubois Kaur "
    "Ferreira Jensen Abara Varga Eriksen Horvat Lopez Nakamura Oyelaran Pereira Quist "
    "Richter Sandoval Tembo"
)
COMPANIES = [f"{w} {s}" for w in LAST[:40] for s in ("Labs", "Health", "Energy", "Group")]
TITLES = ["Engineer", "Product Lead", "Founder", "Analyst", "Designer", "Director", "Researcher"]
ME_URL = "https://www.linkedin.com/in/bench-user"
NOTES = (
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who allowed it."'
)


def person(i: int) -> tuple[str, str, str]:
    """Return (first, last, profile URL) of synthetic person number `i`."""
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    if i % 100 == 7:
        last = f"van der {last}"  # some names take nameparser's slow path
    return (
        first,
        last,
        f"https://www.linkedin.com/in/{first}-{last}-{i:x}".lower().replace(" ", "-"),
    )


def write_connections(path: Path, rows: int, rng: random.Random) -> None:
    """Write a Connections.csv with the usual Notes preamble."""
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write(f"Notes:\n{NOTES}\n\n")
        writer = csv.writer(out)
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        start = dt.date(2015, 1, 1)
        for i in range(rows):
            first, last, url = person(i)
            email = f"{first}.{i}@mail.example".lower() if i % 10 == 0 else ""
            day = start + dt.timedelta(days=rng.randrange(4000))
            writer.writerow(
                [
                    first,
                    last,
                    url,
                    email,
                    rng.choice(COMPANIES),
                    rng.choice(TITLES),
                    day.strftime("%d %b %Y"),
                ]
            )


def write_messages(path: Path, messages: int, people: int, rng: random.Random) -> None:
    """Write a messages.csv: conversations between the user and synthetic people."""
    columns = [
        "CONVERSATION ID",
        "CONVERSATION TITLE",
        "FROM",
        "SENDER PROFILE URL",
        "TO",
        "RECIPIENT PROFILE URLS",
        "DATE",
        "SUBJECT",
        "CONTENT",
        "FOLDER",
        "ATTACHMENTS",
    ]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for n in range(messages):
            # Conversations with a few thousand people, some not in the connections.
            i = rng.randrange(people) if n % 5 else people + rng.randrange(people // 10)
            first, last, url = person(i)
            when = start + dt.timedelta(seconds=n * 1500 + rng.randrange(600))
            outbound = rng.random() < 0.5
            sender = ("Bench User", ME_URL) if outbound else (f"{first} {last}", url)
            recipient = (f"{first} {last}", url) if outbound else ("Bench User", ME_URL)
            body = (
                f"<p>Hi {recipient[0].split()[0]},</p><p>Following up on our chat about "
                f"message {n}; would next week work?</p>"
                if n % 3 == 0
                else f"Thanks for the note, {recipient[0].split()[0]}!\nTalk soon."
            )
            writer.writerow(
                [
                    f"2-conv-{i}",
                    "",
                    sender[0],
                    sender[1],
                    recipient[0],
                    recipient[1],
                    when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    "",
                    body,
                    "INBOX",
                    "",
                ]
            )


class PhaseClock:
    """A Progress that records the wall and CPU seconds of each import phase."""

    def __init__(self) -> None:
        self.durations: dict[str, dict[str, float]] = {}
        self.current: tuple[str, float, float] | None = None

    def phase(self, name: str, total: int | None) -> None:
        """Close the previous phase and start timing `name`."""
        self.close()
        key = "Reading" if name.startswith("Reading") else name
        self.current = (key, time.perf_counter(), cpu_seconds())

    def advance(self, amount: int = 1) -> None:
        """Ignore progress within a phase."""

    def close(self) -> dict[str, dict[str, float]]:
        """Stop timing the current phase; return {phase: {wall, cpu}} so far."""
        if self.current is not None:
            name, wall, cpu = self.current
            self.durations[name] = {
                "wall": round(time.perf_counter() - wall, 2),
                "cpu": round(cpu_seconds() - cpu, 2),
            }
            self.current = None
        return self.durations


def cpu_seconds() -> float:
    """Return the CPU time (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Return the process's peak resident set size so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


FLOOR_COLUMNS = ("first_name", "last_name", "url", "email", "company", "position", "connected_on")
FLOOR_TABLE = "bench_import_floor"
FLOOR_KINDS = {
    "person": "csv parse + one bulk insert into an empty copy of the people table",
    "bare": "csv parse + one bulk insert into an empty table of the CSV's seven columns",
}


def parse_floor(path: Path) -> list[tuple[str, ...]]:
    """Return the Connections.csv rows as tuples: the csv module alone, nothing checked."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        for row in reader:
            if row[:2] == ["First Name", "Last Name"]:
                break
        return [tuple(row) for row in reader if row]


def create_floor_table(kind: str) -> tuple[list[str], Any]:
    """Create the floor's empty table; return its columns and a row builder.

    kind "bare": the CSV's seven text columns and a key, no other index.
    kind "person": a copy of Amity's people table (every column, index and
    constraint); the CSV's cells go into their person columns, the rest get constants,
    and the rows go in sorted by sort_name with increasing uids, the cheapest order for
    that table's indexes (the order the importer writes in too).
    """
    from django.db import connection

    from amity.people.models import Person

    postgres = connection.vendor == "postgresql"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        if kind == "bare":
            key = "id bigserial PRIMARY KEY" if postgres else "id integer PRIMARY KEY AUTOINCREMENT"
            text = ", ".join(f"{c} text" for c in FLOOR_COLUMNS)
            cursor.execute(f"CREATE TABLE {FLOOR_TABLE} ({key}, {text})")
            return list(FLOOR_COLUMNS), lambda rows: rows
        table = Person._meta.db_table
        if postgres:
            cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE {table} INCLUDING ALL)")
            # LIKE copies no foreign keys; SQLite's copy keeps them, and so does this.
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(
                    f"ALTER TABLE {FLOOR_TABLE} ADD CONSTRAINT {name}_floor {definition}"
                )
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                "ORDER BY type DESC",  # the table, then its indexes
                [table],
            )
            for (sql,) in cursor.fetchall():
                sql = sql.replace(f'"{table}"', f'"{FLOOR_TABLE}"', 1)
                sql = sql.replace('INDEX "', f'INDEX "{FLOOR_TABLE}_', 1)
                cursor.execute(sql)
    columns = [f.column for f in Person._meta.concrete_fields if not f.primary_key]
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    constants: dict[str, Any] = {
        "interests": "[]",
        "provenance": "{}",
        "interaction_count": 0,
        "created_at": now,
        "updated_at": now,
        "birthday": None,
        "last_interaction_at": None,
        "connected_on": None,
    }
    positions = {c: i for i, c in enumerate(columns)}

    template: list[Any] = [constants.get(c, "") for c in columns]
    template[positions["owner_id"]] = FLOOR_OWNER[0]
    at = [
        positions[c]
        for c in ("full_name", "given_name", "family_name", "sort_name", "company", "title")
        + ("linkedin_url", "connected_on")
    ]
    uid_at = positions["uid"]

    def build(rows: list[tuple[str, ...]]) -> list[list[Any]]:
        built = []
        for first, last, url, _email, company, position, connected in rows:
            values = template.copy()
            for i, value in zip(
                at,
                (f"{first} {last}", first, last, f"{last} {first}".lower(), company, position)
                + (url, connected),
                strict=True,
            ):
                values[i] = value
            built.append(values)
        built.sort(key=lambda values: values[at[3]])
        for n, values in enumerate(built):
            values[uid_at] = f"{n:032x}"
        return built

    return [quote(c) for c in columns], build


FLOOR_OWNER = [0]


def insert_floor(rows: list[tuple[str, ...]], columns: list[str], build: Any) -> None:
    """Insert `rows` into the floor's empty table: one bulk statement, one transaction."""
    from django.db import connection, transaction

    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        built = build(rows)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {FLOOR_TABLE} ({names}) FROM STDIN") as copy:
                for values in built:
                    copy.write_row(values)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {FLOOR_TABLE} ({names}) VALUES ({marks})", built)


def measure_floor(kind: str, path: Path) -> dict[str, float]:
    """Time parsing `path` and inserting its rows into a new `kind` table (wall, CPU s)."""
    from django.db import connection

    columns, build = create_floor_table(kind)
    try:
        # The collector paused, as run_import pauses it: it only slows building rows.
        gc.disable()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        rows = parse_floor(path)
        insert_floor(rows, columns, build)
        return {
            "rows": len(rows),
            "wall": time.perf_counter() - started,
            "cpu": cpu_seconds() - cpu_started,
        }
    finally:
        gc.enable()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FLOOR_TABLE}")


def main() -> None:
    """Generate the files, run the three imports and print the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser, home_required=False)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--people-in-messages", type=int, default=5_000)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="amity-bench-"))
    backend.setup(home, args.database_url)
    from django.contrib.auth import get_user_model

    from amity.importers.services import run_import
    from amity.importers.source_files import SourceFile
    from amity.people.models import Interaction, Person

    if Person.objects.exists():
        raise SystemExit("the database is not empty: give an empty one (and a fresh --home)")
    user = get_user_model().objects.create_user(username="bench", password="bench-password")
    rng = random.Random(42)
    connections, messages = home / "Connections.csv", home / "messages.csv"
    clock = time.perf_counter()
    write_connections(connections, args.rows, rng)
    write_messages(messages, args.messages, args.people_in_messages, rng)
    generated = time.perf_counter() - clock
    reference = backend.machine_reference()

    results: list[dict[str, Any]] = []

    def step(name: str, path: Path) -> None:
        if args.tracemalloc:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        clock = PhaseClock()
        summary = run_import(
            owner=user,
            format="linkedin",
            source=SourceFile.from_path(path),
            me=[ME_URL],
            progress=clock,
        )
        seconds = time.perf_counter() - started
        row: dict[str, Any] = {
            "step": name,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds() - cpu_started, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "people": summary.people.as_dict(),
            "interactions": summary.interactions.as_dict(),
            "phases": clock.close(),
        }
        if args.tracemalloc:
            row["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
            tracemalloc.stop()
        results.append(row)

    FLOOR_OWNER[0] = user.pk
    floors_before = {kind: measure_floor(kind, connections) for kind in FLOOR_KINDS}
    step(f"Connections.csv, {args.rows:,} rows, empty database", connections)
    floors_after = {kind: measure_floor(kind, connections) for kind in FLOOR_KINDS}
    first = results[0]
    ratio: dict[str, Any] = {
        "import_wall_seconds": first["seconds"],
        "import_cpu_seconds": first["cpu_seconds"],
    }
    for kind in FLOOR_KINDS:
        before, after = floors_before[kind], floors_after[kind]
        wall, cpu = (before["wall"] + after["wall"]) / 2, (before["cpu"] + after["cpu"]) / 2
        ratio[kind] = {
            "floor_wall_seconds": [round(before["wall"], 3), round(after["wall"], 3)],
            "floor_cpu_seconds": [round(before["cpu"], 3), round(after["cpu"], 3)],
            "ratio_wall": round(first["seconds"] / wall, 2),
            # On PostgreSQL the server's work is in neither CPU figure: wall is the one.
            "ratio_cpu": round(first["cpu_seconds"] / cpu, 2),
        }
    step(f"Connections.csv, {args.rows:,} rows, re-import (unchanged)", connections)
    if args.messages:
        step(f"messages.csv, {args.messages:,} messages", messages)
    report = {
        "backend": backend.backend_name(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine_reference_seconds": round(reference, 3),
        "generated_seconds": round(generated, 1),
        "people": Person.objects.filter(owner=user).count(),
        "interactions": Interaction.objects.filter(owner=user).count(),
        "import_ratio": ratio,
        "steps": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['backend']}; machine reference {reference:.3f} s")
    print(f"generated files in {generated:.1f} s (not timed below)")
    for row in results:
        extra = f", tracemalloc peak {row['tracemalloc_peak_mb']} MB" if args.tracemalloc else ""
        print(
            f"{row['step']}: {row['seconds']} s ({row['cpu_seconds']} s CPU), "
            f"peak RSS {row['peak_rss_mb']} MB{extra}; "
            f"people {row['people']}, interactions {row['interactions']}"
        )
        print(f"    phases: {row['phases']}")
    for kind in FLOOR_KINDS:
        found = ratio[kind]
        print(
            f"floor '{kind}' ({FLOOR_KINDS[kind]}): wall {found['floor_wall_seconds']} s "
            f"before/after the import, CPU {found['floor_cpu_seconds']} s"
        )
        print(
            f"    IMPORT RATIO vs '{kind}': {found['ratio_wall']}x wall, "
            f"{found['ratio_cpu']}x CPU (target <= 3x)"
        )
    print(f"rows now: {report['people']:,} people, {report['interactions']:,} interactions")
    print(f"load average at the end: {report['load_average']}")


if __name__ == "__main__":
    main()
